"""Leave-one-family-out study: does TiAug make a segmenter robust to occluders it never drew?

Every occluder family belongs to one group of look-alikes (``studies.testsets.GROUPS``): tiaug's
own families (:data:`tiaug.occlusion.FAMILIES`) and the held-out kinds of ``ood_occluders.py``
that resemble them (the held-out ``"fabric"`` goes with tiaug's masks and scarves, and so on).
For each group G a model is trained with the TiAug preset with the occluder families
(``TiAug(occluders="families", families=...)``: its geometry, blur, NETD noise and
:class:`tiaug.RandomOccluders`) drawing every family *outside* G, then tested on each
family of G
alone: no claim of transfer is made on a family, or a look-alike of it, that the training drew.
The baseline is trained with horizontal flips only. One more model is trained with ``TiAug()``
at its defaults when the study ran (``DEFAULTS``: every family drawn, no room or body, that is
``p_ambience=0``), what a user trained: on a held-out kind it
shows the transfer with the look-alikes drawn, on tiaug's own families no transfer at all. All
models use the validation study's recipe (``validation.CONFIGS``: AdamW, batch 4, wsd schedule)
with the pixel loss only, so that the augmentation is the one thing that differs.

Per family f, on the test faces occluded by f and scored on the pixels that stay visible::

    gap_closed  = (aug_f - base_f) / (base_clean - base_f)
    clean_delta = aug_clean - base_clean            (mIoU points, clean test set)

with mIoU including the background, per seed and as the mean over seeds, and a paired t-test and
a paired bootstrap (seeds and frames) of aug_f against base_f.

Convergence: each run also yields its N/2-iteration schedule, branched off before the run's
decay (``validation.train_with_half_schedule``), and every comparison is made again with those
models (``"half_schedule"``): a result that still moves between N/2 and N is not converged. The
CPU configuration trains N = 4800 iterations (``ITERATIONS``), twice the validation study's.

Results go into ``OUT/validation.json["transfer"]`` (``{family: {"gap_closed", "clean_delta",
"seeds", ..., "half_schedule", "defaults"}}``) and ``OUT/transfer_table.rst``; every finished
run is kept in ``OUT/transfer_runs/`` and reused when the study is started again with the same
configuration.

Run::

    python -m studies.transfer    # CPU: 8 models x 5 seeds x 5300 iterations, 2.8-9.2 hours
    python -m studies.transfer --tiny --out /tmp/transfer     # a smoke run (seconds)
"""


import numpy as np

from studies import harness as H
from studies import testsets
from studies.testsets import families, family_key, family_sets

BASE = "flips"
# The model trained with TiAug() at its defaults (every family): what a user trains. On a
# held-out kind it shows transfer with the look-alikes drawn; on tiaug's families, no transfer.
DEFAULTS = "defaults"
SEEDS = {"tiny": (0,), "cpu": (0, 1, 2, 3, 4), "gpu": (0, 1, 2, 3, 4)}
# Twice the validation study's CPU schedule, so that its half (the validation study's N) shows
# whether the comparison still moves with training.
ITERATIONS = {"cpu": 4800}


def models():
    """Every model of the study: the baseline, TiAug() and one per group left out."""
    return (BASE, DEFAULTS, *testsets.GROUPS)


def pipeline(group, size):
    """Training augmentation: flips only for `BASE`, ``TiAug()`` for `DEFAULTS`, else the TiAug
    preset drawing every family outside `group`."""
    import tiaug
    from tiaug.occlusion import FAMILIES

    if group == BASE:
        return tiaug.Compose([tiaug.HorizontalFlip(p=0.5)])
    # TiAug as it was when these runs were trained: without the room, the body and the camera.
    if group == DEFAULTS:
        return tiaug.TiAug(p_ambience=0.0, p_camera=0.0, size=size)
    return tiaug.TiAug(occluders="families", p_ambience=0.0, p_camera=0.0, size=size,
                       families=tuple(f for f in FAMILIES if f not in testsets.GROUPS[group][0]))


def _one_run(group, seed):
    """Train one model of `group` with its N/2 schedule branched off, and score both: per-frame
    confusions of every test set, the N/2 model's under ``half:<set>``."""
    cfg, train_split, sets = H.WORKER["cfg"], H.WORKER["train"], H.WORKER["sets"]
    (model, history, seconds), (half_model, half_seconds) = H.train_with_half_schedule(
        cfg, seed, train_split, pipeline(group, cfg.size))
    half, full = H.checkpoints(cfg)
    run = {"group": group, "seed": seed, "iterations": full, "train_seconds": seconds,
           "final_loss": history[-1] if history else None,
           "half_schedule": {"iterations": half, "branched_at": H.branch_step(half),
                             "train_seconds": half_seconds}}
    run, confusions, _ = H.score_visible(run, model, sets, cfg.device)
    half_run, half_confusions, _ = H.score_visible({}, half_model, sets, cfg.device)
    run["half_schedule"]["results"] = half_run["results"]
    confusions.update({f"{H.HALF}{name}": cm for name, cm in half_confusions.items()})
    return run, confusions, {}


def test_sets(cfg, test):
    """The clean test set and one occluded copy per family."""
    return family_sets(test)


def jobs(cfg, train_split, sets):
    """Every (group, seed) run and its fingerprint."""
    return H.model_jobs(cfg, models(), train_split, sets, pipeline)


def transfer(cfg, done, n_boot):
    """{family: {"gap_closed", "clean_delta", "seeds", ..., "half_schedule": {...},
    "defaults": {...}}} from the finished runs: the comparison of the model trained without the
    family's group after N and N/2 iterations, and that of the model trained with ``TiAug()``."""
    rng = np.random.default_rng(H.DATA_SEED)
    cms = {(g, name): np.stack([done[H.run_key(g, s)][1][name] for s in cfg.seeds])
           for g in models() for name in done[H.run_key(g, cfg.seeds[0])][1]}
    half, _ = H.checkpoints(cfg)

    def both_schedules(group, name):
        return {**H.compare_to_base(cms, BASE, group, name, "", n_boot, rng),
                "half_schedule": {"iterations": half, **H.compare_to_base(
                    cms, BASE, group, name, H.HALF, n_boot, rng)}}

    out = {}
    for group, family, held in families():
        name = family_key(family, held)
        out[name] = {"group": group, "held_out": held, "seeds": list(cfg.seeds),
                     **both_schedules(group, name), "defaults": both_schedules(DEFAULTS, name)}
    return out


def format_rst(result):
    """The per-family table as reStructuredText, included by docs/validation.rst."""
    cfg = result["config"]
    first = next(iter(result["transfer"].values()))
    half = first["half_schedule"]["iterations"]
    header = ["family", "trained without", "base", "TiAug", "gap closed", "clean change",
              "p (t / bootstrap)", f"gap closed after {half}", f"clean change after {half}",
              "gap closed, TiAug()", f"gap closed, TiAug() after {half}"]
    rows = []
    for name, r in result["transfer"].items():
        m, h = r["miou"], r["half_schedule"]
        rows.append([name, r["group"], f"{m['base']:.1f}", f"{m['aug']:.1f}",
                     f"{100 * r['gap_closed']:.0f} %", f"{r['clean_delta']:+.2f}",
                     f"{H._p(r['t_test_p'])} / {H._p(r['bootstrap_p'])}",
                     f"{100 * h['gap_closed']:.0f} %", f"{h['clean_delta']:+.2f}",
                     f"{100 * r['defaults']['gap_closed']:.0f} %",
                     f"{100 * r['defaults']['half_schedule']['gap_closed']:.0f} %"])
    d = first["defaults"]
    table = H.table_rst("transfer.py", cfg, f"; base: flips only, clean mIoU "
                      f"{first['miou']['base_clean']:.1f}. \"after {half}\": the same models "
                      f"after the {half}-iteration schedule branched off each run. "
                      f"\"TiAug()\": the model trained with TiAug() at its defaults, every "
                      f"family drawn (no transfer on tiaug's own families); its clean change "
                      f"{d['clean_delta']:+.2f} ({d['half_schedule']['clean_delta']:+.2f} after "
                      f"{half}).", "Leave-one-family-out transfer", header, rows)
    rows = [[model, *(f"{m:.1f}" for m in c["clean_miou"]),
             f"{c['clean_miou'][1] - c['clean_miou'][0]:+.1f}"]
            for model, c in result["convergence"].items()]
    n_half, n_full = next(iter(result["convergence"].values()))["iterations"]
    return "\n".join([table, *H.list_table(
        "Clean mIoU (%) of each model after the half and the full schedule, mean over seeds",
        ["model", f"{n_half} iterations", f"{n_full} iterations", "difference"], rows), ""])


def results(cfg, done):
    return {"groups": {g: {"tiaug": list(own), "held_out": list(other)}
                       for g, (own, other) in testsets.GROUPS.items()},
            "augmentation": {g: repr(pipeline(g, cfg.size)) for g in models()},
            "transfer": transfer(cfg, done, cfg.bootstrap),
            "convergence": H.convergence(cfg, done, models())}


def run_study(cfg, out_dir, fresh=False, progress=True, render=False):
    return H.run_study("transfer", cfg, out_dir, test_sets, jobs, _one_run, results, format_rst,
                       fresh, progress, render)


def report(result):
    lines = []
    for family, r in result["transfer"].items():
        h = r["half_schedule"]
        lines.append(f"{family:>20}: gap closed {100 * r['gap_closed']:6.1f} % "
                     f"({100 * h['gap_closed']:.1f} % after {h['iterations']}), clean "
                     f"{r['clean_delta']:+.2f} points ({h['clean_delta']:+.2f}) ({r['verdict']})")
    return "\n".join(lines)


def main(argv=None):
    return H.main(argv, __doc__, SEEDS, ITERATIONS, run_study, report)


if __name__ == "__main__":
    main()

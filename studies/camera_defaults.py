"""Camera defaults study: on what share of the frames should ``TiAug()`` re-image them with
``ThermalCamera``?

Candidates: ``TiAug(p_camera=q)`` for each q of ``CANDIDATES`` (ThermalCamera last in the chain,
drawing every preset of :data:`tiaug.camera.CAMERAS`), against ``TiAug()`` without the camera
(``p_camera=0``, the default before this study) and flips only. Every model is pinned by its
keyword arguments, so a later default of TiAug adds a model here and never changes these.

Test sets, all rendered by the face model (:mod:`tiaug.datasets`), never by the transform under
test: the clean test frames; the same frames through every camera preset (the frame spanning
``COVERAGE`` of its sensor, as in the cameras study); in every other room and physiological state
(``tiaug.datasets.CONDITIONS``); and under every occluder family and held-out kind
(:func:`studies.testsets.family_sets`).

The rule, fixed before the runs: among the candidates whose clean mIoU is at most
``MAX_CLEAN_COST`` points below flips only, and whose mean mIoU over the occluder families and
over the rooms and states is at most ``MAX_LOSS`` points below ``TiAug()`` without the camera
(mean over seeds), take the one with the best mean mIoU over the cameras; if none qualifies,
``p_camera`` stays 0. Every run also yields its N/2 schedule branched off before the decay, the
convergence check.

Results go into ``OUT/validation.json["camera_defaults"]`` and ``OUT/camera_defaults_table.rst``;
every finished run is kept in ``OUT/camera_defaults_runs/``.

Run::

    python -m studies.camera_defaults    # CPU: 5 models x 3 seeds x 4800 iterations, ~3 hours
    python -m studies.camera_defaults --tiny --out /tmp/camera_defaults     # a smoke run
"""


import numpy as np

from studies import harness as H
from studies.testsets import camera_sets, condition_sets, families, family_key, family_sets

BASE = "flips"
TIAUG = "tiaug"
# The share of frames ThermalCamera re-images, per candidate model.
CANDIDATES = {"camera_p25": 0.25, "camera_p50": 0.5, "camera_p75": 0.75}
# TiAug() as it is when the study starts, less the camera: the keyword arguments every model
# shares (pinned).
TIAUG_KWARGS = dict(p_ambience=0.5)
MAX_CLEAN_COST = 1.0
MAX_LOSS = 1.0
COVERAGE = 0.5
SEEDS = {"tiny": (0,), "cpu": (0, 1, 2), "gpu": (0, 1, 2, 3, 4)}
ITERATIONS = {"cpu": 4800}


def cameras():
    from tiaug.camera import CAMERAS

    return list(CAMERAS)


def conditions():
    from tiaug.datasets import CONDITIONS

    return [c for c in CONDITIONS if c != "lab"]


def models():
    return (BASE, TIAUG, *CANDIDATES)


def pipeline(model, size):
    """Training augmentation of `model`, pinned."""
    import tiaug

    if model == BASE:
        return tiaug.Compose([tiaug.HorizontalFlip(p=0.5)])
    p_camera = 0.0 if model == TIAUG else CANDIDATES[model]
    return tiaug.TiAug(size=size, p_camera=p_camera, **TIAUG_KWARGS)


def test_sets(cfg, test):
    """{name: (images, labels, occluded)}: clean, every camera, room and state, and family."""
    return {**family_sets(test), **condition_sets(cfg, test, conditions()),
            **camera_sets(cfg, test, cameras(), COVERAGE)}


def _one_run(model, seed):
    return H.train_and_score(model, seed, pipeline(model, H.WORKER["cfg"].size))


def jobs(cfg, train_split, sets):
    """Every (model, seed) run and its fingerprint."""
    return H.model_jobs(cfg, models(), train_split, sets, pipeline)


def summarise(cfg, done, n_boot):
    """Per model: its mean mIoU over the cameras, the rooms and states and the families, its
    clean change against flips only (both tests), the gap it closes on each camera, and the
    choice of the rule (module docstring)."""
    rng = np.random.default_rng(H.DATA_SEED)
    cms = {(m, name): np.stack([done[H.run_key(m, s)][1][name] for s in cfg.seeds])
           for m in models() for name in done[H.run_key(m, cfg.seeds[0])][1]}
    groups = {"cameras": cameras(), "conditions": conditions(),
              "families": [family_key(f, h) for _, f, h in families()]}

    def mean_miou(m, names):
        return 100 * float(np.mean([H.mean_iou(cms[m, n].sum(1)).mean() for n in names]))

    out = {}
    for m in models()[1:]:
        out[m] = {"p_camera": 0.0 if m == TIAUG else CANDIDATES[m],
                  "clean": H.compare(cms[m, "clean"], cms[BASE, "clean"], n_boot, rng),
                  **{g: mean_miou(m, names) for g, names in groups.items()},
                  "gap_closed": {c: H.compare_to_base(cms, BASE, m, c, "", n_boot, rng)
                                 for c in cameras()}}
    reference = out[TIAUG]
    qualified = [m for m in CANDIDATES
                 if out[m]["clean"]["mean_diff"] >= -MAX_CLEAN_COST
                 and out[m]["families"] >= reference["families"] - MAX_LOSS
                 and out[m]["conditions"] >= reference["conditions"] - MAX_LOSS]
    choice = max(qualified, key=lambda m: out[m]["cameras"], default=None)
    return {"models": out, "base_cameras": mean_miou(BASE, groups["cameras"]),
            "choice": choice, "p_camera": 0.0 if choice is None else CANDIDATES[choice]}


def format_rst(result):
    """The candidates' table and the convergence table."""
    s = result["camera_defaults"]
    header = ["model", "p_camera", "clean change vs flips only", "mean mIoU over the cameras",
              "lowest gap closed on a camera", "rooms and states", "occluder families",
              "chosen"]
    rows = []
    for m, r in s["models"].items():
        # Cameras on which flips only lose at least MIN_GAP points: the others have no gap.
        gaps = {c: e for c, e in r["gap_closed"].items()
                if e["miou"]["base_clean"] - e["miou"]["base"] >= H.MIN_GAP}
        lowest = (f"{H._gap(min(gaps.values(), key=lambda e: e['gap_closed']))} "
                  f"({min(gaps, key=lambda c: gaps[c]['gap_closed'])})" if gaps else "no gap")
        rows.append([m, f"{r['p_camera']:g}",
                     f"{r['clean']['mean_diff']:+.2f} ({r['clean']['verdict']})",
                     f"{r['cameras']:.1f}", lowest,
                     f"{r['conditions']:.1f}", f"{r['families']:.1f}",
                     "yes" if m == s["choice"] else ""])
    note = (f"; flips only: {s['base_cameras']:.1f} over the cameras (each frame spanning "
            f"{COVERAGE:g} of the sensor's width). The rule picks, among the candidates at most "
            f"{MAX_CLEAN_COST:g} point below flips only on clean frames and at most "
            f"{MAX_LOSS:g} point below TiAug() without the camera over the rooms and states and "
            f"over the occluder families, the best mean over the cameras.")
    table = H.table_rst("camera_defaults.py", result["config"], note,
                        "ThermalCamera in TiAug(): the candidates", header, rows)
    return "\n".join([table, *H.convergence_table(result["convergence"]), ""])


def results(cfg, done):
    return {"augmentation": {m: repr(pipeline(m, cfg.size)) for m in models()},
            "camera_defaults": summarise(cfg, done, cfg.bootstrap),
            "convergence": H.convergence(cfg, done, models())}


def run_study(cfg, out_dir, fresh=False, progress=True, render=False):
    return H.run_study("camera_defaults", cfg, out_dir, test_sets, jobs, _one_run, results,
                       format_rst, fresh, progress, render)


def main(argv=None):
    return H.main(argv, __doc__, SEEDS, ITERATIONS, run_study, format_rst)


if __name__ == "__main__":
    main()

"""Leave-one-family-out study: does TiAug make a segmenter robust to occluders it never drew?

Every occluder family belongs to one group of look-alikes (``GROUPS``): tiaug's own families
(:data:`tiaug.occlusion.FAMILIES`) and the held-out kinds of ``ood_occluders.py`` that resemble
them (the held-out ``"fabric"`` goes with tiaug's masks and scarves, and so on). For each group G
a model is trained with the TiAug preset with the occluder families
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

    python benchmarks/transfer.py    # CPU: 8 models x 5 seeds x 5300 iterations, 2.8-9.2 hours
    python benchmarks/transfer.py --tiny --out /tmp/transfer     # a smoke run (seconds)
"""

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))

import validation as V  # noqa: E402

# Each group: (tiaug families, held-out kinds). Together they cover every family of both.
GROUPS = {
    "hand_held": (("hand", "cup", "bottle", "phone"), ("warm_object",)),
    "fabric": (("mask", "scarf"), ("fabric",)),
    "hair": (("hair", "strand"), ("hair",)),
    "stick": (("microphone",), ("stick",)),
    "glasses": (("glasses",), ()),
    "shapes": (("blob", "hot_cold"), ()),
}
BASE = "flips"
# The model trained with TiAug() at its defaults (every family): what a user trains. On a
# held-out kind it shows transfer with the look-alikes drawn; on tiaug's families, no transfer.
DEFAULTS = "defaults"
# Prefix of the N/2 schedule's test sets in a run's confusions.
HALF = "half:"
SEEDS = {"tiny": (0,), "cpu": (0, 1, 2, 3, 4), "gpu": (0, 1, 2, 3, 4)}
# Twice the validation study's CPU schedule, so that its half (the validation study's N) shows
# whether the comparison still moves with training.
ITERATIONS = {"cpu": 4800}
TEST_SEED = V.DATA_SEED + 1


def family_key(family, held_out):
    """Name of a family in the results: tiaug's own as is, held-out ones as ``heldout_<kind>``."""
    return f"heldout_{family}" if held_out else family


def models():
    """Every model of the study: the baseline, TiAug() and one per group left out."""
    return (BASE, DEFAULTS, *GROUPS)


def families():
    """Every (group, family, held_out) of the study."""
    return [(g, f, held) for g, (own, other) in GROUPS.items()
            for held, names in ((False, own), (True, other)) for f in names]


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
                       families=tuple(f for f in FAMILIES if f not in GROUPS[group][0]))


def test_sets(test):
    """The clean test set and one occluded copy per family: {name: (images, labels, occluded)}."""
    import tiaug

    from ood_occluders import HeldOutOcclusion

    sets = {"clean": (test.images, test.labels, np.zeros(test.images.shape, bool))}
    for _, family, held in families():
        t = (HeldOutOcclusion(kinds=(family,), count=1) if held
             else tiaug.RandomOccluders(families=(family,), count=1))
        sets[family_key(family, held)] = occluded_copy(test, t)
    return sets


def occluded_copy(test, transform):
    """(images, labels, occluded) of the test split with `transform` applied to each frame and
    its labels, frame ``i`` seeded ``[TEST_SEED, i]``."""
    images = np.empty_like(test.images)
    occluded = np.zeros(test.images.shape, bool)
    for i, (frame, labels) in enumerate(zip(test.images, test.labels, strict=True)):
        out = transform(image=frame, mask=labels, rng=np.random.default_rng([TEST_SEED, i]))
        images[i], occluded[i] = out["image"], out["occluded"]
    return images, test.labels, occluded


def _fingerprint(cfg, group, train_split, sets):
    d = V._fingerprint(cfg, "tiaug", train_split, sets)
    d["augmentation"] = repr(pipeline(group, cfg.size))
    return d


def _one_run(group, seed):
    """Train one model of `group` with its N/2 schedule branched off, and score both: per-frame
    confusions of every test set, the N/2 model's under ``half:<set>``."""
    cfg, train_split, sets = V._WORKER["cfg"], V._WORKER["train"], V._WORKER["sets"]
    (model, history, seconds), (half_model, half_seconds) = V.train_with_half_schedule(
        cfg, "tiaug", seed, train_split, transform=pipeline(group, cfg.size))
    half, full = V.checkpoints(cfg)
    run = {"group": group, "seed": seed, "iterations": full, "train_seconds": seconds,
           "final_loss": history[-1] if history else None,
           "half_schedule": {"iterations": half, "branched_at": V.branch_step(half),
                             "train_seconds": half_seconds}}
    run, confusions, _ = score_visible(run, model, sets, cfg.device)
    half_run, half_confusions, _ = score_visible({}, half_model, sets, cfg.device)
    run["half_schedule"]["results"] = half_run["results"]
    confusions.update({f"{HALF}{name}": cm for name, cm in half_confusions.items()})
    return run, confusions, {}


def score_visible(run, model, sets, device, normalize=None):
    """Score `model` on every test set on its visible pixels (occluded ones are left out; all
    of a clean set's count): returns (run with its "results", confusions, no predictions)."""
    run, confusions = {**run, "results": {}}, {}
    for name, (images, labels, occluded) in sets.items():
        pred = V.predict_all(model, images, device, normalize=normalize)
        confusions[name] = V.frame_confusions(pred, labels, occluded)
        run["results"][name] = V.scores(confusions[name].sum(0))
    return run, confusions, {}


def train_all(cfg, out_dir, train_split, sets, fresh=False, progress=True):
    """Every (group, seed) run, loaded from ``OUT/transfer_runs`` or trained and saved."""
    # Seed by seed: a study stopped part-way leaves whole seeds, which a rerun completes.
    jobs = {V.run_key(g, s): (g, s) for s in cfg.seeds for g in models()}
    prints = {g: _fingerprint(cfg, g, train_split, sets) for g in models()}
    return run_all(cfg, Path(out_dir) / "transfer_runs", jobs,
                   {key: prints[group] for key, (group, _) in jobs.items()}, _one_run,
                   train_split, sets, fresh, progress)


def run_all(cfg, runs_dir, jobs, fingerprints, one_run, train_split, sets, fresh, progress):
    """Run ``one_run(*jobs[key])`` for every key not yet in `runs_dir` with its fingerprint,
    `cfg.jobs` at a time (one torch thread each); save each as it finishes.

    `one_run` reads the configuration, the training split and the test `sets` from the worker
    state (``validation._init_worker``) and returns ``(run, confusions, predictions)``.
    Returns {key: (run, confusions, predictions)}.
    """
    from tqdm.auto import tqdm

    runs_dir.mkdir(parents=True, exist_ok=True)
    done, todo = {}, []
    for key in jobs:
        stored = None if fresh else V._load_run(runs_dir, key, fingerprints[key])
        if stored is None:
            todo.append(key)
        else:
            done[key] = stored
    bar = tqdm(total=len(jobs), initial=len(done), desc="runs", disable=not progress,
               dynamic_ncols=True)
    V._init_worker(cfg, train_split, sets, None)
    for key, result in _finished(cfg, todo, jobs, one_run, train_split, sets):
        V._save_run(runs_dir, key, fingerprints[key], *result)
        done[key] = result
        bar.update()
        bar.write(f"{key}: clean mIoU {100 * result[0]['results']['clean']['miou']:.2f} "
                  f"in {result[0]['train_seconds'] / 60:.1f} min")
    bar.close()
    return done


def _finished(cfg, todo, jobs, one_run, train_split, sets):
    """Yield (key, result) as runs finish."""
    if cfg.jobs > 1 and len(todo) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(cfg.jobs, mp_context=mp.get_context("spawn"),
                                 initializer=V._init_worker,
                                 initargs=(cfg, train_split, sets, 1)) as pool:
            futures = {pool.submit(one_run, *jobs[key]): key for key in todo}
            for future in as_completed(futures):
                yield futures[future], future.result()
    else:
        for key in todo:
            yield key, one_run(*jobs[key])


def transfer(cfg, done, n_boot):
    """{family: {"gap_closed", "clean_delta", "seeds", ..., "half_schedule": {...},
    "defaults": {...}}} from the finished runs: the comparison of the model trained without the
    family's group after N and N/2 iterations, and that of the model trained with ``TiAug()``."""
    rng = np.random.default_rng(V.DATA_SEED)
    cms = {(g, name): np.stack([done[V.run_key(g, s)][1][name] for s in cfg.seeds])
           for g in models() for name in done[V.run_key(g, cfg.seeds[0])][1]}
    half, _ = V.checkpoints(cfg)

    def both_schedules(group, name):
        return {**_compare_family(cms, group, name, "", n_boot, rng),
                "half_schedule": {"iterations": half,
                                  **_compare_family(cms, group, name, HALF, n_boot, rng)}}

    out = {}
    for group, family, held in families():
        name = family_key(family, held)
        out[name] = {"group": group, "held_out": held, "seeds": list(cfg.seeds),
                     **both_schedules(group, name), "defaults": both_schedules(DEFAULTS, name)}
    return out


def convergence(cfg, done):
    """{model: {"iterations": [N/2, N], "clean_miou": [m_half, m_full]}}: clean mIoU incl.
    background in % of each model after the N/2 and the N schedules, mean over seeds."""
    half, full = V.checkpoints(cfg)
    out = {}
    for g in models():
        runs = [done[V.run_key(g, s)][1] for s in cfg.seeds]
        m_half, m_full = (100 * float(np.mean([V.mean_iou(r[key].sum(0)) for r in runs]))
                          for key in (HALF + "clean", "clean"))
        out[g] = {"iterations": [half, full], "clean_miou": [m_half, m_full]}
    return out


def _compare_family(cms, group, name, schedule, n_boot, rng):
    """Gap closed, clean change and tests of `group`'s model on the family `name`, from the
    confusions of one schedule (`schedule`: "" for N, `HALF` for N/2)."""
    def miou(g, test_set):
        return V.mean_iou(cms[g, schedule + test_set].sum(1))  # (seeds,)

    base_clean, base_f = miou(BASE, "clean"), miou(BASE, name)
    aug_clean, aug_f = miou(group, "clean"), miou(group, name)
    test = V.paired_tests(cms[BASE, schedule + name], cms[group, schedule + name], True, n_boot,
                          rng)
    return {
        "gap_closed": float(np.mean(aug_f - base_f) / np.mean(base_clean - base_f)),
        "clean_delta": float(100 * np.mean(aug_clean - base_clean)),
        "gap_closed_per_seed": ((aug_f - base_f) / (base_clean - base_f)).tolist(),
        "clean_delta_per_seed": (100 * (aug_clean - base_clean)).tolist(),
        "miou": {"base_clean": 100 * float(base_clean.mean()),
                 "base": 100 * float(base_f.mean()), "aug": 100 * float(aug_f.mean()),
                 "aug_clean": 100 * float(aug_clean.mean())},
        "t_test_p": test["t_test"]["p"], "bootstrap_p": test["bootstrap"]["p"],
        "verdict": V.verdict(test),
    }


def compare(cms, reference, n_boot, rng):
    """Paired t-test and bootstrap of confusions `cms` (seeds, frames, C, C) against
    `reference`: the mean mIoU difference in points, both p-values and the verdict."""
    test = V.paired_tests(reference, cms, True, n_boot, rng)
    return {"mean_diff": 100 * test["mean_diff"], "t_test_p": test["t_test"]["p"],
            "bootstrap_p": test["bootstrap"]["p"], "verdict": V.verdict(test)}


def miou_cell(entry, vs):
    """``mean ± std`` of an entry's mIoU, with its comparison `entry[vs]` in brackets."""
    m = entry["miou"]
    cell = f"{m['mean']:.1f}" + ("" if V._missing(m["std"]) else f" ± {m['std']:.1f}")
    if vs in entry:
        cell += f" ({entry[vs]['mean_diff']:+.1f}, {entry[vs]['verdict']})"
    return cell


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
                     f"{V._p(r['t_test_p'])} / {V._p(r['bootstrap_p'])}",
                     f"{100 * h['gap_closed']:.0f} %", f"{h['clean_delta']:+.2f}",
                     f"{100 * r['defaults']['gap_closed']:.0f} %",
                     f"{100 * r['defaults']['half_schedule']['gap_closed']:.0f} %"])
    d = first["defaults"]
    table = table_rst("transfer.py", cfg, f"; base: flips only, clean mIoU "
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
    return "\n".join([table, *V.list_table(
        "Clean mIoU (%) of each model after the half and the full schedule, mean over seeds",
        ["model", f"{n_half} iterations", f"{n_full} iterations", "difference"], rows), ""])


# The note of a table of mIoU entries compared with a reference (miou_cell).
PAIRED_NOTE = (", mean ± std over seeds; in brackets the paired difference from {} and the "
               "verdict of the t-test and the bootstrap (p < 0.05).")


def study_config(cfg):
    """What a study's results and table say of its configuration (table_rst reads it)."""
    return {"name": cfg.name, "iterations": cfg.iterations, "batch_size": cfg.batch_size,
            "seeds": list(cfg.seeds)}


def table_rst(script, cfg, note, title, header, rows):
    """A study's generated RST table: a do-not-edit line, the configuration (`cfg`, the
    results' "config") followed by `note`, and the table."""
    return "\n".join([
        f".. This file is generated by benchmarks/{script}; do not edit.",
        "",
        f"Configuration ``{cfg['name']}`` ({cfg['iterations']} iterations of batch "
        f"{cfg['batch_size']}, seeds {', '.join(map(str, cfg['seeds']))}); mIoU incl. "
        f"background in % on visible pixels{note}",
        "",
        *V.list_table(title, header, rows),
        "",
    ])


def run_study(cfg, out_dir, fresh=False, progress=True):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    train_split, _, test_split = V.synthetic_splits(cfg)
    done = train_all(cfg, out_dir, train_split, test_sets(test_split), fresh, progress)
    result = {"config": study_config(cfg),
              "groups": {g: {"tiaug": list(own), "held_out": list(other)}
                         for g, (own, other) in GROUPS.items()},
              "augmentation": {g: repr(pipeline(g, cfg.size)) for g in models()},
              "transfer": transfer(cfg, done, cfg.bootstrap),
              "convergence": convergence(cfg, done),
              "elapsed_s": time.perf_counter() - started}
    write_results(out_dir, {"transfer": result["transfer"], "transfer_study": {
        k: v for k, v in result.items() if k != "transfer"}}, "transfer_table.rst",
        format_rst(result))
    return result


def write_results(out_dir, entries, table_name, table):
    """Merge `entries` into ``OUT/validation.json`` (the other studies' keys stay) and write the
    RST `table` to ``OUT/table_name``."""
    path = Path(out_dir) / "validation.json"
    study = json.loads(path.read_text()) if path.exists() else {}
    study.update(V._json_safe(entries))
    path.write_text(json.dumps(study, indent=1) + "\n")
    (Path(out_dir) / table_name).write_text(table)


def parse_args(argv, doc, iterations=None):
    """The command line of a study script (its docstring `doc`): returns (args, config).

    `iterations` ({config name: N}) replaces the configurations' schedule lengths for this
    study; ``--iterations`` replaces both.
    """
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--config", choices=sorted(SEEDS), default="cpu")
    parser.add_argument("--tiny", action="store_true", help="same as --config tiny")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--iterations", type=int, help="schedule length N")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--fresh", action="store_true", help="retrain every run")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.iterations is not None and args.iterations < 2:
        parser.error(f"--iterations must be at least 2, got {args.iterations}")
    name = "tiny" if args.tiny else args.config
    cfg = V.CONFIGS[name]
    n = args.iterations or (iterations or {}).get(name, cfg.iterations)
    return args, replace(cfg, seeds=tuple(args.seeds or SEEDS[name]), iterations=n)


def main(argv=None):
    args, cfg = parse_args(argv, __doc__, ITERATIONS)
    result = run_study(cfg, args.out, args.fresh, not args.no_progress)
    for family, r in result["transfer"].items():
        h = r["half_schedule"]
        print(f"{family:>20}: gap closed {100 * r['gap_closed']:6.1f} % "
              f"({100 * h['gap_closed']:.1f} % after {h['iterations']}), clean "
              f"{r['clean_delta']:+.2f} points ({h['clean_delta']:+.2f}) ({r['verdict']})")
    print(f"\n{result['elapsed_s'] / 60:.1f} min; results in {args.out}/")
    return result


if __name__ == "__main__":
    main()

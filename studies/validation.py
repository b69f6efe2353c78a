"""Validation study: do TiAug and SAM-CL make thermal face segmentation robust to occlusion?

The same network is trained under three regimes, for several seeds each:

``geometric``
    Horizontal flips, rotation of ±10° and scaling of 0.8-1.25x (each on half of the frames) and
    a Gaussian blur of 1-1.2 px on half of them (the paper's baseline augmentation), pixel loss
    BCE + 0.5 RMI (examples/train.py says why not the paper's 0.5 BCE + 0.5 RMI).
``tiaug``
    The same geometry and blur plus the paper's occluders (``tiaug.ThermalOcclusion``, labels
    kept under them) on half of the frames and NETD sensor noise: the TiAug preset when these
    runs were trained, ``TiAug(occluders="paper", label_policy="keep", p_blur=0.5,
    p_occlusion=0.5)`` (:mod:`studies.pipelines`).
``tiaug_samcl``
    TiAug plus ``0.5 * SAMCLLoss`` (the package's default auxiliary mode unless ``--aux-mode``).

Every model is scored on three versions of one test set whose subjects appear in neither the
training nor the validation set: ``clean``; ``tiaug_occluders`` (``tiaug.ThermalOcclusion``, the
occluders TiAug trains with, fixed seed); ``heldout_occluders`` (``ood_occluders.py``: smooth
objects with temperature gradients, fabric, hair, pens and microphones that tiaug never draws).
Occluded frames are scored twice: ``amodal`` (the label under an occluder is the face part
behind it, the paper's convention and TiAug's ``label_policy="keep"``) and ``visible``
(occluded pixels are left out: does the occluder break the segmentation of what is still seen?).

Convergence: every model is trained with the wsd schedule (warm-up, a stable peak learning rate,
a linear decay to 0 over the last 20 % of the steps), which lets a half-length schedule branch off
the full run: the checkpoint taken where an N/2-iteration schedule would start its decay (0.4 N)
is trained on through that schedule's decay, which gives exactly the model of a separate N/2 run
(same initial weights, batches and rates; only the warm-up is the N run's). The clean mIoU of
the N/2 and the N schedules is reported; a comparison between regimes counts only where the two
agree (|difference| <= 1.5 points): twice the training would not have changed the model.

Statistics (see ``docs/validation.rst``): mean ± std over seeds of mIoU with and without
background and per-class IoU; for each pair of regimes the per-seed paired difference with a
paired t-test over seeds (seeds share initial weights and batch order), and a two-level paired
bootstrap that resamples seeds and test frames together, so both the training randomness and
the finite test set enter the p-value and the confidence interval.

Run::

    python -m studies.validation                  # CPU configuration (about 90 min, 2 cores)
    python -m studies.validation --config gpu     # 256x320, longer, on CUDA
    python -m studies.validation --tiny --out /tmp/val    # a smoke run (one seed, seconds)
    python -m studies.validation --data faces/    # your own frames (layout below)

Your own data (``--data DIR``)::

    DIR/frames/<name>.npy   float32/float64 (H, W) temperatures in °C
    DIR/labels/<name>.npy   integer (H, W) labels: 0 background, 1 chin, 2 mouth, 3 eyes,
                            4 eyebrows, 5 nose (255 = ignore)
    DIR/subjects.csv        optional, header ``name,subject``: the subject of each <name>

Without ``subjects.csv`` every name must read ``<subject>_<frame>`` (the subject is the part
before the first underscore). Subjects, not frames, are split 70 / 15 / 15 % into train /
validation / test, so no person is in two sets. Frames are resized to the configuration's
size (temperatures bilinear, labels nearest).

Each finished run is written at once to ``OUT/runs/`` (its confusion matrices and scores); a
study that is stopped and started again with the same configuration trains only the runs that are
missing (``--fresh`` starts over). ``--jobs 2`` trains two runs at a time, one torch thread each,
which on a 2-core machine is faster than one run on two threads.

Outputs in ``--out`` (default ``studies/results``): ``validation.json`` (configuration,
versions, machine, per-seed numbers, summary, comparisons), ``validation_table.rst`` (the tables
included by ``docs/validation.rst``), ``validation_confusion.npz`` (per-frame confusion matrices,
to recompute any statistic) and ``validation_examples.png`` (test frames and predictions).
"""

import argparse
import json
import math
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from studies.harness import (
    CONFIGS,
    DATA_SEED,
    NUM_CLASSES,
    RESULTS,
    WORKER,
    WSD_DECAY,
    _class_names,
    _default_aux_mode,
    _missing,
    _p,
    branch_step,
    checkpoints,
    describe,
    folder_splits,
    frame_confusions,
    iou,
    json_safe,
    list_table,
    machine,
    mean_iou,
    model_jobs,
    paired_tests,
    predict_all,
    run_all,
    run_key,
    scores,
    synthetic_splits,
    train_with_half_schedule,
    verdict,
    versions,
)
from studies.pipelines import REGIMES, regime_pipeline, uses_samcl

TEST_SETS = ("clean", "tiaug_occluders", "heldout_occluders")
SCORINGS = ("amodal", "visible")
METRICS = ("miou", "miou_no_bg")
PAIRS = (("geometric", "tiaug"), ("tiaug", "tiaug_samcl"), ("geometric", "tiaug_samcl"))


def occluded_test_sets(test):
    """The three test sets: images, labels and occluded-pixel maps (fixed seeds)."""
    import tiaug
    from studies.ood_occluders import HeldOutOcclusion, occlusion_test_set

    sets = {"clean": (test.images, test.labels, np.zeros(test.images.shape, bool))}
    for name, transform in (("tiaug_occluders", tiaug.ThermalOcclusion()),
                            ("heldout_occluders", HeldOutOcclusion())):
        images, occluded = occlusion_test_set(test.images, transform, DATA_SEED)
        sets[name] = (images, test.labels, occluded)
    return sets


def summarise(confusions, n_boot):
    """Summary (mean ± std over seeds) and comparisons from per-frame confusions.

    `confusions[test_set][scoring][regime]` is an (S, F, C, C) array, seeds in the same order
    for every regime.
    """
    rng = np.random.default_rng(DATA_SEED)
    summary, comparisons = {}, []
    for test_set, by_scoring in confusions.items():
        summary[test_set] = {}
        for scoring, by_regime in by_scoring.items():
            summary[test_set][scoring] = {}
            for regime, cms in by_regime.items():
                per_class = iou(cms.sum(1))  # (S, C)
                summary[test_set][scoring][regime] = {
                    "miou": describe(mean_iou(cms.sum(1))),
                    "miou_no_bg": describe(mean_iou(cms.sum(1), background=False)),
                    "per_class_iou": {
                        "mean": np.nanmean(per_class, 0).tolist(),
                        "std": (np.nanstd(per_class, 0, ddof=1).tolist() if len(per_class) > 1
                                else [math.nan] * NUM_CLASSES),
                    },
                }
            for a, b in PAIRS:
                if a not in by_regime or b not in by_regime:
                    continue
                for metric in METRICS:
                    c = paired_tests(by_regime[a], by_regime[b], metric == "miou", n_boot, rng)
                    c = {"test_set": test_set, "scoring": scoring, "metric": metric,
                         "a": a, "b": b, **c}
                    c["verdict"] = verdict(c)
                    comparisons.append(c)
    return summary, comparisons


def _pct(x):
    return "n/a" if _missing(x) else f"{100 * x:.2f}"


def _mean_std(d):
    return _pct(d["mean"]) if _missing(d["std"]) else f"{_pct(d['mean'])} ± {_pct(d['std'])}"


def tables(result):
    """The result tables as (title, header, rows) triples (numbers in %)."""
    summary, regimes = result["summary"], result["config"]["regimes"]
    classes = result["class_names"]
    out = []
    conv = result["convergence"]
    rows = [[r, *(f"{m:.2f}" for m in conv[r]["clean_miou"]),
             f"{conv[r]['clean_miou'][1] - conv[r]['clean_miou'][0]:+.2f}"] for r in regimes]
    n_half, n_full = conv[regimes[0]]["iterations"]
    out.append(("Convergence: clean mIoU incl. background (%), mean over seeds",
                ["regime", f"{n_half} iterations", f"{n_full} iterations", "difference"], rows))
    for scoring in SCORINGS:
        for metric, label in (("miou", "mIoU incl. background"),
                              ("miou_no_bg", "mIoU without background")):
            rows = []
            for regime in regimes:
                cells = []
                for test_set in TEST_SETS:
                    s = summary[test_set].get(scoring, summary[test_set]["amodal"])
                    cells.append(_mean_std(s[regime][metric]))
                rows.append([regime, *cells])
            title = f"{label} (%), {scoring} scoring, mean ± std over seeds"
            out.append((title, ["regime", *TEST_SETS], rows))
    for test_set in TEST_SETS:
        rows = []
        for regime in regimes:
            pc = summary[test_set]["amodal"][regime]["per_class_iou"]
            rows.append([regime, *(f"{_pct(m)}" for m in pc["mean"])])
        out.append((f"Per-class IoU (%), {test_set}, amodal scoring, mean over seeds",
                    ["regime", *classes], rows))
    rows = []
    for c in result["comparisons"]:
        ci = c["bootstrap"]["ci95"]
        rows.append([c["test_set"], c["scoring"], c["metric"], f"{c['b']} - {c['a']}",
                     f"{100 * c['mean_diff']:+.2f}", f"[{100 * ci[0]:+.2f}, {100 * ci[1]:+.2f}]",
                     _p(c["t_test"]["p"]), _p(c["bootstrap"]["p"]), c["verdict"]])
    out.append(("Paired comparisons (differences in percentage points)",
                ["test set", "scoring", "metric", "difference", "mean", "bootstrap 95% CI",
                 "p (t-test, seeds)", "p (bootstrap)", "verdict"], rows))
    return out


def format_text(result):
    lines = []
    for title, header, rows in tables(result):
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
        lines += ["", title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def findings(result):
    """Plain sentences on the primary questions, generated from the comparisons."""
    def find(test_set, scoring, metric, a, b):
        for c in result["comparisons"]:
            if (c["test_set"], c["scoring"], c["metric"], c["a"], c["b"]) == (
                    test_set, scoring, metric, a, b):
                return c
        return None

    sentences = []
    for a, b, what in (("geometric", "tiaug", "TiAug (occluders + noise)"),
                       ("tiaug", "tiaug_samcl", "SAM-CL on top of TiAug")):
        for test_set in TEST_SETS:
            c = find(test_set, "amodal", "miou_no_bg", a, b)
            if c is None:
                continue
            ci = c["bootstrap"]["ci95"]
            effect = {"better": "improved", "worse": "lowered",
                      "no significant difference": "did not significantly change"}[c["verdict"]]
            sentences.append(
                f"{what} {effect} the mIoU without background on the {test_set} test set: "
                f"{100 * c['mean_diff']:+.2f} points (bootstrap 95 % CI "
                f"[{100 * ci[0]:+.2f}, {100 * ci[1]:+.2f}], t-test p {_p(c['t_test']['p'])}, "
                f"bootstrap p {_p(c['bootstrap']['p'])})."
            )
    return sentences


def format_rst(result):
    """The tables as reStructuredText (list-tables), included by docs/validation.rst."""
    cfg, machine = result["config"], result["machine"]
    lines = [
        ".. This file is generated by studies/validation.py; do not edit.",
        "",
        f"Configuration ``{cfg['name']}``: {cfg['model']} (width {cfg['width']}, depth "
        f"{cfg['depth']}), frames {cfg['size'][0]}x{cfg['size'][1]}, {cfg['iterations']} "
        f"iterations of batch {cfg['batch_size']} ({cfg['optimizer']}, peak lr {cfg['lr']:g}, "
        f"wsd schedule decaying over the last {100 * WSD_DECAY:g} %; every run also branched "
        f"into the schedule of {cfg['iterations'] // 2} iterations to check convergence), seeds "
        f"{', '.join(map(str, cfg['seeds']))}, "
        f"{result['data']['train_frames']} training frames of {result['data']['train_subjects']} "
        f"subjects, {result['data']['test_frames']} test frames of "
        f"{result['data']['test_subjects']} other subjects ({result['data']['source']}). "
        f"SAM-CL auxiliary mode: {result['aux_mode']}. Run on {machine['device']} in "
        f"{result['elapsed_s'] / 60:.1f} min ({result['seconds_per_iteration']:.3f} s per "
        f"iteration), {result['date']}.",
        "",
        "Occluded: " + "; ".join(
            f"{name} {100 * result['data']['occluded_fraction'][name]:.1f} % of all pixels, "
            f"{100 * result['data']['occluded_face_fraction'][name]:.1f} % of the face-class pixels"
            for name in TEST_SETS[1:]) + ".",
        "",
        "Findings (mIoU without background, amodal scoring; a difference counts only when the "
        "t-test over seeds and the bootstrap over seeds and frames both give p < 0.05):",
        "",
    ]
    lines += [f"- {s}" for s in findings(result)]
    for title, header, rows in tables(result):
        lines += ["", *list_table(title, header, rows)]
    return "\n".join(lines) + "\n"


def save_examples(path, sets, preds, n=3):
    """Test frames of each set and the seed-0 predictions of each regime, as one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(["#000000", "#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00"])
    regimes = list(preds)
    cols = 2 + len(regimes)
    rows = [(name, i) for name in TEST_SETS for i in range(min(n, len(sets[name][0])))]
    fig, axes = plt.subplots(len(rows), cols, figsize=(2.2 * cols, 1.9 * len(rows)),
                             squeeze=False)
    for r, (name, i) in enumerate(rows):
        images, labels, occluded = sets[name]
        panels = [("°C", images[i], "inferno", None), ("labels", labels[i], cmap, (0, 5))]
        panels += [(reg, preds[reg][name][i], cmap, (0, 5)) for reg in regimes]
        for c, (title, img, cm, lim) in enumerate(panels):
            ax = axes[r, c]
            kw = {} if lim is None else {"vmin": lim[0], "vmax": lim[1], "interpolation": "nearest"}
            ax.imshow(img, cmap=cm, **kw)
            if c == 0 and occluded[i].any():
                ax.contour(occluded[i], levels=[0.5], colors="cyan", linewidths=0.6)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(title, fontsize=9)
            if c == 0:
                ax.set_ylabel(name.replace("_", "\n"), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _one_run(regime, seed):
    """Train and score one (regime, seed); returns (run, confusions, predictions)."""
    cfg, train_split, sets_eval = WORKER["cfg"], WORKER["train"], WORKER["sets"]
    half, full = checkpoints(cfg)
    images, labels, _ = sets_eval["clean"]
    (model, history, seconds), (half_model, half_seconds) = train_with_half_schedule(
        cfg, seed, train_split, regime_pipeline(regime, cfg.size), samcl=uses_samcl(regime))
    half_miou = scores(frame_confusions(predict_all(half_model, images, cfg.device),
                                        labels).sum(0))["miou"]
    run = {"regime": regime, "seed": seed, "iterations": full, "train_seconds": seconds,
           "half_schedule": {"iterations": half, "branched_at": branch_step(half),
                             "train_seconds": half_seconds, "clean_miou": half_miou},
           "final_loss": history[-1] if history else None, "results": {}}
    confusions, predictions = {}, {}
    for name, (images, labels, occluded) in sets_eval.items():
        pred = predict_all(model, images, cfg.device)
        predictions[name] = pred[:3]
        run["results"][name] = {}
        for scoring in _scorings(name):
            cms = frame_confusions(pred, labels, occluded if scoring == "visible" else None)
            confusions[f"{name}/{scoring}"] = cms
            run["results"][name][scoring] = scores(cms.sum(0))
    return run, confusions, predictions


def _scorings(name):
    return SCORINGS if name in TEST_SETS[1:] else ("amodal",)


def train_all(cfg, out_dir, train_split, sets_eval, progress=True, fresh=False, threads=None):
    """Every (regime, seed) run, loaded from ``OUT/runs`` or trained and saved (the harness's
    run store). Returns {key: (run, confusions, predictions)}."""
    jobs, prints = model_jobs(cfg, cfg.regimes, train_split, sets_eval, regime_pipeline)
    return run_all(cfg, Path(out_dir) / "runs", jobs, prints, _one_run, train_split,
                   sets_eval, fresh, progress, threads)


def convergence(cfg, done):
    """{regime: {"iterations": [N/2, N], "clean_miou": [m_half, m_full]}}: clean mIoU incl.
    background in % (points) of the N/2 and the N schedules, mean over seeds."""
    half, full = checkpoints(cfg)
    out = {}
    for regime in cfg.regimes:
        runs = [done[run_key(regime, s)][0] for s in cfg.seeds]
        m_half = np.mean([r["half_schedule"]["clean_miou"] for r in runs])
        m_full = np.mean([r["results"]["clean"]["amodal"]["miou"] for r in runs])
        out[regime] = {"iterations": [half, full],
                       "clean_miou": [100 * float(m_half), 100 * float(m_full)]}
    return out


def run_study(cfg, out_dir, progress=True, fresh=False, threads=None):
    """Train every (regime, seed, schedule), score on every test set, write the results."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    date = time.strftime("%Y-%m-%d %H:%M")
    if cfg.data is None:
        train_split, val_split, test_split = synthetic_splits(cfg)
        source = "synthetic faces, tiaug.datasets"
    else:
        train_split, val_split, test_split = folder_splits(cfg.data, cfg)
        source = f"folder {cfg.data}"
    sets = occluded_test_sets(test_split)
    sets_eval = {**sets, "validation": (val_split.images, val_split.labels,
                                        np.zeros(val_split.images.shape, bool))}
    done = train_all(cfg, out_dir, train_split, sets_eval, progress, fresh, threads)

    confusions = {name: {scoring: {regime: np.stack([done[run_key(regime, s)][1]
                                                     [f"{name}/{scoring}"] for s in cfg.seeds])
                                   for regime in cfg.regimes}
                         for scoring in _scorings(name)}
                  for name in sets_eval}
    examples = {regime: {name: done[run_key(regime, cfg.seeds[0])][2][name]
                         for name in TEST_SETS} for regime in cfg.regimes}
    runs = [done[run_key(r, s)][0] for r in cfg.regimes for s in cfg.seeds]
    summary, comparisons = summarise({k: v for k, v in confusions.items() if k in TEST_SETS},
                                     cfg.bootstrap)
    elapsed = time.perf_counter() - started
    train_seconds = sum(run["train_seconds"] for run in runs)
    n_iter = sum(run["iterations"] for run in runs)
    result = {
        "study": "TiAug / SAM-CL occlusion robustness (studies/validation.py)",
        "date": date,
        "config": {**asdict(cfg), "size": list(cfg.size), "seeds": list(cfg.seeds),
                   "regimes": list(cfg.regimes)},
        "aux_mode": cfg.aux_mode or _default_aux_mode(),
        "augmentation": {"tiaug": repr(regime_pipeline("tiaug", cfg.size)),
                         "geometric": repr(regime_pipeline("geometric", cfg.size))},
        "data": {"source": source, "data_seed": DATA_SEED,
                 "train_frames": len(train_split.images),
                 "train_subjects": int(np.unique(train_split.subjects).size),
                 "val_frames": len(val_split.images),
                 "val_subjects": int(np.unique(val_split.subjects).size),
                 "test_frames": len(test_split.images),
                 "test_subjects": int(np.unique(test_split.subjects).size),
                 "occluded_fraction": {name: float(sets[name][2].mean()) for name in TEST_SETS},
                 "occluded_face_fraction": {name: float(sets[name][2][test_split.labels > 0].mean())
                                            for name in TEST_SETS}},
        "versions": versions(),
        "machine": machine(cfg.device),
        "elapsed_s": elapsed,
        "train_s": train_seconds,
        "seconds_per_iteration": train_seconds / n_iter,
        "seconds_per_iteration_by_regime": {
            r: sum(run["train_seconds"] for run in runs if run["regime"] == r)
            / sum(run["iterations"] for run in runs if run["regime"] == r) for r in cfg.regimes},
        "class_names": list(_class_names()),
        "regimes": list(cfg.regimes),
        "test_sets": list(TEST_SETS),
        "convergence": convergence(cfg, done),
        "runs": runs,
        "validation_set": {r: describe([run["results"]["validation"]["amodal"]["miou_no_bg"]
                                        for run in runs if run["regime"] == r])
                           for r in cfg.regimes},
        "summary": summary,
        "comparisons": comparisons,
    }
    (out_dir / "validation.json").write_text(json.dumps(json_safe(result), indent=1) + "\n")
    (out_dir / "validation_table.rst").write_text(format_rst(result))
    np.savez_compressed(out_dir / "validation_confusion.npz", **{
        f"{name}/{scoring}/{regime}": cms for name, d in confusions.items()
        for scoring, r in d.items() for regime, cms in r.items()})
    save_examples(out_dir / "validation_examples.png", sets, examples)
    return result


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See the module docstring and docs/validation.rst.")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="cpu")
    parser.add_argument("--tiny", action="store_true", help="same as --config tiny")
    parser.add_argument("--model", choices=("unet", "attention_unet"), default=None)
    parser.add_argument("--seeds", type=int, nargs="+", help="training seeds (>= 3 for a test)")
    parser.add_argument("--aux-mode", default=None, help="SAMCLLoss aux mode (default: package's)")
    parser.add_argument("--regimes", nargs="+", choices=REGIMES, default=None)
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--lr", type=float, help="peak learning rate")
    parser.add_argument("--jobs", type=int, help="runs trained at a time (processes)")
    parser.add_argument("--fresh", action="store_true",
                        help="retrain every run instead of reusing the finished ones in OUT/runs")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--width", type=int, help="network channels at full resolution")
    parser.add_argument("--size", type=int, nargs=2, metavar=("H", "W"))
    parser.add_argument("--device", help="cpu, cuda or cuda:N")
    parser.add_argument("--workers", type=int, help="DataLoader worker processes")
    parser.add_argument("--data", type=Path,
                        help="your own frames: DIR/frames/*.npy, DIR/labels/*.npy (see the docs)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--threads", type=int,
                        help="torch CPU threads (default: torch's; 1 is faster on a busy machine)")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite the tables from OUT/validation.json (no training)")
    return parser.parse_args(argv)


def config_from_args(args):
    cfg = replace(CONFIGS["tiny" if args.tiny else args.config], regimes=REGIMES)
    overrides = {"model": args.model, "aux_mode": args.aux_mode, "iterations": args.iterations,
                 "lr": args.lr, "jobs": args.jobs,
                 "batch_size": args.batch_size, "width": args.width, "device": args.device,
                 "workers": args.workers,
                 "seeds": tuple(args.seeds) if args.seeds else None,
                 "regimes": tuple(args.regimes) if args.regimes else None,
                 "size": tuple(args.size) if args.size else None,
                 "data": str(args.data) if args.data else None}
    return replace(cfg, **{k: v for k, v in overrides.items() if v is not None})


def main(argv=None):
    args = parse_args(argv)
    if args.render:
        result = json.loads((args.out / "validation.json").read_text())
        (args.out / "validation_table.rst").write_text(format_rst(result))
    else:
        if args.threads:
            import torch

            torch.set_num_threads(args.threads)
        result = run_study(config_from_args(args), args.out, progress=not args.no_progress,
                           fresh=args.fresh, threads=args.threads)
    print(format_text(result))
    print()
    for sentence in findings(result):
        print(sentence)
    print(f"\n{result['elapsed_s'] / 60:.1f} min; results in {args.out}/")
    return result


if __name__ == "__main__":
    main()

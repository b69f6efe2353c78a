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
    p_occlusion=0.5)`` (``PIPELINES``).
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

    python benchmarks/validation.py                  # CPU configuration (about 90 min, 2 cores)
    python benchmarks/validation.py --config gpu     # 256x320, longer, on CUDA
    python benchmarks/validation.py --tiny --out /tmp/val    # a smoke run (one seed, seconds)
    python benchmarks/validation.py --data faces/    # your own frames (layout below)

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

Outputs in ``--out`` (default ``benchmarks/results``): ``validation.json`` (configuration,
versions, machine, per-seed numbers, summary, comparisons), ``validation_table.rst`` (the tables
included by ``docs/validation.rst``), ``validation_confusion.npz`` (per-frame confusion matrices,
to recompute any statistic) and ``validation_examples.png`` (test frames and predictions).
"""

import argparse
import csv
import json
import math
import platform
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))

REGIMES = ("geometric", "tiaug", "tiaug_samcl")
# The TiAug keyword arguments of the occluded regimes (tiaug, tiaug_samcl), as the stored runs
# were trained; the geometric regime is the same chain without its occluders and noise.
PIPELINES = {"tiaug": dict(occluders="paper", label_policy="keep", p_blur=0.5, p_occlusion=0.5,
                           p_ambience=0.0, p_camera=0.0)}
TEST_SETS = ("clean", "tiaug_occluders", "heldout_occluders")
SCORINGS = ("amodal", "visible")
METRICS = ("miou", "miou_no_bg")
PAIRS = (("geometric", "tiaug"), ("tiaug", "tiaug_samcl"), ("geometric", "tiaug_samcl"))
NUM_CLASSES = 6
IGNORE = 255
# Fraction of the steps in the final learning-rate decay of every run (the wsd schedule).
WSD_DECAY = 0.2
DATA_SEED = 2022  # the data and the occluded test sets are fixed; seeds vary the training only


@dataclass
class StudyConfig:
    """One configuration of the study (saved in validation.json)."""

    name: str
    size: tuple
    iterations: int
    batch_size: int
    width: int
    seeds: tuple
    train_subjects: int
    val_subjects: int
    test_subjects: int
    frames_per_subject: int
    test_frames_per_subject: int
    bootstrap: int
    lr: float = 2e-3
    optimizer: str = "adamw"
    depth: int = 3
    device: str = "cpu"
    amp: bool = False
    workers: int = 0
    model: str = "unet"
    aux_mode: str | None = None
    samcl_weight: float = 0.5
    data: str | None = None
    regimes: tuple = REGIMES
    jobs: int = 1
    # Class-balanced BCE (train.balanced_pos_weight of the training labels): without it the
    # eyes or eyebrows of some seeds were still unlearned after 1200 steps.
    balanced_bce: bool = True


CONFIGS = {
    # A smoke run for the tests: one seed, a few steps, 32x40 frames.
    "tiny": StudyConfig("tiny", (32, 40), iterations=10, batch_size=4, width=4, seeds=(0,),
                        train_subjects=3, val_subjects=1, test_subjects=2, frames_per_subject=2,
                        test_frames_per_subject=2, bootstrap=200, depth=2),
    # 3 regimes x 5 seeds x 1.1 N iterations (the N run and the decay of the branched N/2 one)
    # on 2 CPU cores, two runs at a time on one torch thread each, about 95 minutes: the recipe of
    # examples/train.py (AdamW, batch 4, class-balanced BCE) with the wsd schedule, a 3-level
    # UNet of width 16.
    "cpu": StudyConfig("cpu", (96, 120), iterations=2400, batch_size=4, width=16,
                       seeds=(0, 1, 2, 3, 4), train_subjects=32, val_subjects=6, test_subjects=15,
                       frames_per_subject=6, test_frames_per_subject=8, bootstrap=2000, jobs=2),
    # The paper's frame size and batch, 8k iterations (the paper: 40k) and a wider network.
    "gpu": StudyConfig("gpu", (256, 320), iterations=8000, batch_size=16, width=32,
                       seeds=(0, 1, 2, 3, 4), train_subjects=60, val_subjects=10,
                       test_subjects=20, frames_per_subject=16, test_frames_per_subject=16,
                       bootstrap=5000, device="cuda", amp=True, workers=8, depth=4),
}


# ---------------------------------------------------------------- data
@dataclass
class Split:
    images: np.ndarray
    labels: np.ndarray
    subjects: np.ndarray


def synthetic_splits(cfg, condition=None, camera=None):
    """Synthetic faces (tiaug.datasets) for train / validation / test, subjects disjoint.

    `condition` renders the test frames in another room or state, `camera` ({"camera": name,
    "coverage": c}) as another camera records them (``tiaug.datasets``): the same frames as
    without them, frame by frame; training and validation frames stay in the lab.
    """
    from tiaug.datasets import synthetic_faces

    rng = np.random.default_rng(DATA_SEED)
    start, out = 0, []
    for n_subj, per, test in ((cfg.train_subjects, cfg.frames_per_subject, False),
                              (cfg.val_subjects, cfg.test_frames_per_subject, False),
                              (cfg.test_subjects, cfg.test_frames_per_subject, True)):
        extra = dict(condition=condition, **(camera or {})) if test else {}
        data = synthetic_faces(n_subj * per, cfg.size, subjects=range(start, start + n_subj),
                               rng=rng, **extra)
        out.append(Split(data.images, data.labels, data.subjects))
        start += n_subj
    return tuple(out)


def read_subjects(root, names):
    """Subject of each frame: from ``root/subjects.csv`` (name,subject) or the name's prefix."""
    table = root / "subjects.csv"
    if table.exists():
        with open(table, newline="") as f:
            rows = {r["name"]: r["subject"] for r in csv.DictReader(f)}
        missing = [n for n in names if n not in rows]
        if missing:
            raise ValueError(f"{table} has no subject for: {', '.join(missing[:5])}")
        return [rows[n] for n in names]
    bad = [n for n in names if "_" not in n]
    if bad:
        raise ValueError(
            f"cannot tell subjects apart: name frames <subject>_<frame>.npy or add {table} "
            f"(header name,subject); offending names: {', '.join(bad[:5])}"
        )
    return [n.split("_", 1)[0] for n in names]


def folder_splits(root, cfg):
    """Frames of a user folder, resized to ``cfg.size`` and split by subject 70/15/15 %."""
    from skimage.transform import resize

    from tiaug.datasets import subject_split

    root = Path(root)
    names = sorted(p.stem for p in (root / "frames").glob("*.npy"))
    if not names:
        raise ValueError(f"no frames found: {root / 'frames'}/*.npy")
    _, subject_ids = np.unique(read_subjects(root, names), return_inverse=True)
    images = np.empty((len(names), *cfg.size), np.float32)
    labels = np.empty((len(names), *cfg.size), np.uint8)
    for i, n in enumerate(names):
        image = np.load(root / "frames" / f"{n}.npy").astype(np.float32)
        label = np.load(root / "labels" / f"{n}.npy")
        if image.shape != tuple(cfg.size):
            image = resize(image, cfg.size, order=1, preserve_range=True,
                           anti_aliasing=True).astype(np.float32)
            label = resize(label, cfg.size, order=0, preserve_range=True,
                           anti_aliasing=False)
        labels[i] = label
        images[i] = image
    subject_ids = subject_ids.astype(np.int64)
    parts = subject_split(subject_ids, (0.7, 0.15, 0.15), rng=DATA_SEED)
    return tuple(Split(images[p], labels[p], subject_ids[p]) for p in parts)


def occluded_test_sets(test):
    """The three test sets: images, labels and occluded-pixel maps (fixed seeds)."""
    import tiaug

    from ood_occluders import HeldOutOcclusion, occlusion_test_set

    sets = {"clean": (test.images, test.labels, np.zeros(test.images.shape, bool))}
    for name, transform in (("tiaug_occluders", tiaug.ThermalOcclusion()),
                            ("heldout_occluders", HeldOutOcclusion())):
        images, occluded = occlusion_test_set(test.images, transform, DATA_SEED)
        sets[name] = (images, test.labels, occluded)
    return sets


# ---------------------------------------------------------------- training and scoring
def train_config(cfg, regime, seed, iterations):
    from train import TrainConfig

    return TrainConfig(
        iterations=iterations, batch_size=cfg.batch_size, lr=cfg.lr, optimizer=cfg.optimizer,
        schedule="wsd", decay=WSD_DECAY,
        weight_decay=1e-4 if cfg.optimizer == "adamw" else 5e-4, warmup=0.05,
        samcl_weight=cfg.samcl_weight if regime == "tiaug_samcl" else 0.0,
        aux_mode=cfg.aux_mode, device=cfg.device, amp=cfg.amp, num_workers=cfg.workers,
        seed=seed, num_classes=NUM_CLASSES, ignore_index=IGNORE,
    )


def train_regime(cfg, regime, seed, iterations, train_split, progress, on_step=None,
                 checkpoint=None, checkpoint_every=0, resume=False, transform=None,
                 normalize=None):
    """Train one model; returns (model, history, seconds). Same seed = same initial weights.

    `checkpoint`, `checkpoint_every` and `resume` are TrainConfig's (a run that resumes trains
    only the steps after its checkpoint); `transform` replaces the regime's augmentation and
    `normalize` the frames' normalisation (``ThermalFrames``'s)."""
    import torch

    from data import ThermalFrames
    from models import build_model
    from train import balanced_pos_weight, train

    if transform is None:
        transform = _pipeline(regime, cfg.size)
    dataset = ThermalFrames(train_split.images, train_split.labels, transform=transform,
                            normalize=normalize, seed=seed)
    torch.manual_seed(seed)
    model = build_model(cfg.model, num_classes=NUM_CLASSES, width=cfg.width, depth=cfg.depth)
    start = time.perf_counter()
    # A str: the checkpoint stores its config, and torch.load reads plain types only.
    pos_weight = (balanced_pos_weight(train_split.labels, NUM_CLASSES, IGNORE)
                  if cfg.balanced_bce else None)
    config = replace(train_config(cfg, regime, seed, iterations), pos_weight=pos_weight,
                     checkpoint=None if checkpoint is None else str(checkpoint),
                     checkpoint_every=checkpoint_every, resume=resume)
    history = train(config, dataset, model, progress=progress, on_step=on_step)
    return model, history, time.perf_counter() - start


def predict_all(model, images, device, batch_size=16, normalize=None):
    """Class maps (n, H, W) of the model for temperature frames (n, H, W), normalised as in
    training (`normalize`: ``ThermalFrames``'s)."""
    import torch

    from data import ThermalFrames
    from train import predict

    dataset = ThermalFrames(images, np.zeros(images.shape, np.uint8), normalize=normalize)
    preds = []
    for x, _ in torch.utils.data.DataLoader(dataset, batch_size=batch_size):
        preds.append(predict(model, x, device).numpy())
    return np.concatenate(preds)


def frame_confusions(pred, labels, ignore=None):
    """Per-frame confusion matrices (n, C, C) int64; `ignore` (n, H, W) bool drops pixels."""
    import torch

    from metrics import confusion_matrix

    target = labels.astype(np.int64)
    if ignore is not None:
        target = np.where(ignore, IGNORE, target)
    return np.stack([
        confusion_matrix(torch.from_numpy(p), torch.from_numpy(t), NUM_CLASSES, IGNORE).numpy()
        for p, t in zip(pred, target, strict=True)
    ])


def iou(cm):
    """Per-class IoU of confusion matrices (..., C, C); nan for a class absent from both sides.

    The same rule as ``metrics.iou_from_confusion``, vectorised for the bootstrap.
    """
    cm = np.asarray(cm, np.float64)
    tp = np.diagonal(cm, axis1=-2, axis2=-1)
    union = cm.sum(-1) + cm.sum(-2) - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, tp / union, np.nan)


def mean_iou(cm, background=True):
    """mIoU of confusion matrices (..., C, C), with or without class 0."""
    values = iou(cm)
    if not background:
        values = values[..., 1:]
    with np.errstate(invalid="ignore"):
        return np.nanmean(values, axis=-1)


def scores(cm):
    """Metrics of one aggregated confusion matrix, as plain floats."""
    return {"miou": float(mean_iou(cm)), "miou_no_bg": float(mean_iou(cm, background=False)),
            "per_class_iou": [float(v) for v in iou(cm)]}


# ---------------------------------------------------------------- statistics
def describe(values):
    values = np.asarray(values, np.float64)
    std = float(values.std(ddof=1)) if values.size > 1 else math.nan
    return {"mean": float(values.mean()), "std": std, "values": values.tolist()}


def paired_tests(cms_a, cms_b, background, n_boot, rng):
    """Compare regimes a and b (per-frame confusions (S, F, C, C) each, paired by seed and frame).

    Returns the per-seed differences b - a with their mean, a paired t-test over seeds (with the
    t-based 95 % CI), and a two-level paired bootstrap (seeds and frames resampled together, the
    same draw for both regimes): its 95 % percentile CI and two-sided p-value.
    """
    from scipy import stats

    per_seed = (mean_iou(cms_b.sum(1), background) - mean_iou(cms_a.sum(1), background))
    n_seeds, n_frames = cms_a.shape[:2]
    out = {"diff_per_seed": per_seed.tolist(), "mean_diff": float(per_seed.mean())}
    if n_seeds > 1:
        t = stats.ttest_rel(mean_iou(cms_b.sum(1), background), mean_iou(cms_a.sum(1), background))
        half = stats.t.ppf(0.975, n_seeds - 1) * per_seed.std(ddof=1) / math.sqrt(n_seeds)
        sd = per_seed.std(ddof=1)
        out["t_test"] = {"t": float(t.statistic) if sd > 0 else math.nan,
                         "p": float(t.pvalue) if sd > 0 else math.nan,
                         "ci95": [float(per_seed.mean() - half), float(per_seed.mean() + half)]}
    else:
        out["t_test"] = {"t": math.nan, "p": math.nan, "ci95": [math.nan, math.nan]}
    diffs = np.empty(n_boot)
    for k in range(n_boot):
        seeds = rng.integers(n_seeds, size=n_seeds)
        weights = np.bincount(rng.integers(n_frames, size=n_frames), minlength=n_frames)
        a = np.einsum("f,sfij->sij", weights, cms_a[seeds])
        b = np.einsum("f,sfij->sij", weights, cms_b[seeds])
        diffs[k] = np.nanmean(mean_iou(b, background) - mean_iou(a, background))
    p = 2.0 * min((diffs <= 0).mean(), (diffs >= 0).mean())
    out["bootstrap"] = {"p": float(min(1.0, p)),
                        "ci95": [float(np.quantile(diffs, 0.025)),
                                 float(np.quantile(diffs, 0.975))]}
    return out


def verdict(comparison, alpha=0.05):
    """'better' / 'worse' when both tests agree at `alpha`, else 'no significant difference'."""
    p_t, p_b = comparison["t_test"]["p"], comparison["bootstrap"]["p"]
    if _missing(p_t) or not (p_t < alpha and p_b < alpha):  # one seed decides nothing
        return "no significant difference"
    return "better" if comparison["mean_diff"] > 0 else "worse"


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


# ---------------------------------------------------------------- reporting
def _missing(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def _pct(x):
    return "n/a" if _missing(x) else f"{100 * x:.2f}"


def _mean_std(d):
    return _pct(d["mean"]) if _missing(d["std"]) else f"{_pct(d['mean'])} ± {_pct(d['std'])}"


def _p(x):
    return "n/a" if _missing(x) else (f"{x:.3f}" if x >= 0.001 else "<0.001")


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
        ".. This file is generated by benchmarks/validation.py; do not edit.",
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


def list_table(title, header, rows):
    """Lines of an RST list-table."""
    lines = [f".. list-table:: {title}", "   :header-rows: 1", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {x}" for x in row[1:]]
    return lines


def versions():
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for dist in ("torch", "numpy", "scipy", "scikit-image", "numba", "tiaug", "samcl-loss"):
        try:
            out[dist] = md.version(dist)
        except md.PackageNotFoundError:
            out[dist] = None
    return out


def machine(device):
    import os

    import torch

    info = {"platform": platform.platform(), "processor": platform.processor() or None,
            "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads()}
    if device.startswith("cuda") and torch.cuda.is_available():
        info["device"] = torch.cuda.get_device_name(torch.device(device))
    else:
        threads = torch.get_num_threads()
        info["device"] = (f"CPU ({os.cpu_count()} cores, {threads} torch "
                          f"thread{'' if threads == 1 else 's'})")
    return info


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


# ---------------------------------------------------------------- the study
def checkpoints(cfg):
    """The two schedules of the convergence check: N/2 and N iterations."""
    return (max(1, cfg.iterations // 2), cfg.iterations)


def branch_step(half):
    """Where a `half`-iteration wsd schedule starts its decay: up to there it is the N run."""
    return half - int(WSD_DECAY * half)


def train_with_half_schedule(cfg, regime, seed, train_split, progress=False, transform=None):
    """Train the N-iteration run and the N/2 schedule branched off it (`transform` replaces the
    regime's augmentation, as in :func:`train_regime`).

    Returns ``(model, history, seconds), (half_model, half_seconds)``; the half model is the one
    a separate N/2-iteration run would give (only the warm-up is the N run's).
    """
    import shutil
    import tempfile

    half, full = checkpoints(cfg)
    branch = branch_step(half)
    with tempfile.TemporaryDirectory() as tmp:
        ckpt, kept = Path(tmp) / "run.pt", Path(tmp) / f"step{branch}.pt"

        def keep_branch(done, model):
            if done == branch:
                shutil.copyfile(ckpt, kept)

        trained = train_regime(cfg, regime, seed, full, train_split, progress, keep_branch,
                               ckpt, branch, transform=transform)
        # The same run from its step `branch` on, through the N/2 schedule's decay.
        half_model, _, half_seconds = train_regime(cfg, regime, seed, half, train_split, False,
                                                   checkpoint=kept, resume=True,
                                                   transform=transform)
    return trained, (half_model, half_seconds)


def run_key(regime, seed):
    return f"{regime}_seed{seed}"


def _fingerprint(cfg, regime, train_split, sets):
    """What a stored run depends on: the configuration (less the lists of seeds and regimes),
    the regime's augmentation, the training frames and the sets it is scored on
    ({name: (images, labels, occluded)})."""
    import hashlib

    d = asdict(cfg)
    for k in ("seeds", "regimes", "jobs", "name", "bootstrap"):
        d.pop(k)
    d["augmentation"] = repr(_pipeline(regime, cfg.size))
    d["train_frames"] = hashlib.sha256(train_split.images.tobytes()
                                       + train_split.labels.tobytes()).hexdigest()
    scored = hashlib.sha256()
    for name in sorted(sets):
        scored.update(name.encode())
        for array in sets[name]:
            scored.update(np.ascontiguousarray(array).tobytes())
    d["test_sets"] = scored.hexdigest()
    return json.loads(json.dumps(d))


_WORKER = {}


def _init_worker(cfg, train_split, sets_eval, threads):
    if threads:
        import torch

        torch.set_num_threads(threads)
    _WORKER.update(cfg=cfg, train=train_split, sets=sets_eval)


def _one_run(regime, seed, progress=False):
    """Train and score one (regime, seed); returns (run, confusions, predictions)."""
    cfg, train_split, sets_eval = _WORKER["cfg"], _WORKER["train"], _WORKER["sets"]
    half, full = checkpoints(cfg)
    images, labels, _ = sets_eval["clean"]
    (model, history, seconds), (half_model, half_seconds) = train_with_half_schedule(
        cfg, regime, seed, train_split, progress)
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


def _load_run(runs_dir, key, fingerprint):
    meta = runs_dir / f"{key}.json"
    if not meta.exists():
        return None
    stored = json.loads(meta.read_text())
    if stored.get("fingerprint") != fingerprint:
        return None
    with np.load(runs_dir / f"{key}.npz") as z:
        confusions = {k[len("cm:"):]: z[k] for k in z.files if k.startswith("cm:")}
        predictions = {k[len("pred:"):]: z[k] for k in z.files if k.startswith("pred:")}
    return stored["run"], confusions, predictions


def _save_run(runs_dir, key, fingerprint, run, confusions, predictions):
    np.savez_compressed(runs_dir / f"{key}.npz",
                        **{f"cm:{k}": v for k, v in confusions.items()},
                        **{f"pred:{k}": v for k, v in predictions.items()})
    tmp = runs_dir / f"{key}.json.tmp"
    tmp.write_text(json.dumps(_json_safe({"fingerprint": fingerprint, "run": run}), indent=1))
    tmp.replace(runs_dir / f"{key}.json")  # written last: a run counts once it is complete


def train_all(cfg, out_dir, train_split, sets_eval, progress=True, fresh=False, threads=None):
    """Every (regime, seed, schedule) run, loaded from ``OUT/runs`` or trained (in `cfg.jobs`
    processes), each saved as soon as it finishes. Returns {key: (run, confusions, preds)}."""
    from tqdm.auto import tqdm

    runs_dir = Path(out_dir) / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    fingerprints = {r: _fingerprint(cfg, r, train_split, sets_eval) for r in cfg.regimes}
    wanted = [(r, s) for r in cfg.regimes for s in cfg.seeds]
    done, todo = {}, []
    for job in wanted:
        stored = None if fresh else _load_run(runs_dir, run_key(*job), fingerprints[job[0]])
        if stored is None:
            todo.append(job)
        else:
            done[run_key(*job)] = stored
    bar = tqdm(total=len(wanted), initial=len(done), desc="runs", disable=not progress,
               dynamic_ncols=True)

    def finish(job, result):
        _save_run(runs_dir, run_key(*job), fingerprints[job[0]], *result)
        done[run_key(*job)] = result
        run = result[0]
        bar.update()
        clean = 100 * run["results"]["clean"]["amodal"]["miou"]
        half = 100 * run["half_schedule"]["clean_miou"]
        bar.write(f"{run_key(*job)}: clean mIoU {clean:.2f} ({half:.2f} with the N/2 schedule) "
                  f"in {run['train_seconds'] / 60:.1f} min")

    if cfg.jobs > 1 and len(todo) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(cfg.jobs, mp_context=mp.get_context("spawn"),
                                 initializer=_init_worker,
                                 initargs=(cfg, train_split, sets_eval, threads or 1)) as pool:
            futures = {pool.submit(_one_run, *job): job for job in todo}
            for future in as_completed(futures):
                finish(futures[future], future.result())
    else:
        _init_worker(cfg, train_split, sets_eval, threads)
        for job in todo:
            finish(job, _one_run(*job, progress=progress and len(todo) == 1))
    bar.close()
    return done


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
        "study": "TiAug / SAM-CL occlusion robustness (benchmarks/validation.py)",
        "date": date,
        "config": {**asdict(cfg), "size": list(cfg.size), "seeds": list(cfg.seeds),
                   "regimes": list(cfg.regimes)},
        "aux_mode": cfg.aux_mode or _default_aux_mode(),
        "augmentation": {"tiaug": repr(_pipeline("tiaug", cfg.size)),
                         "geometric": repr(_pipeline("geometric", cfg.size))},
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
    (out_dir / "validation.json").write_text(json.dumps(_json_safe(result), indent=1) + "\n")
    (out_dir / "validation_table.rst").write_text(format_rst(result))
    np.savez_compressed(out_dir / "validation_confusion.npz", **{
        f"{name}/{scoring}/{regime}": cms for name, d in confusions.items()
        for scoring, r in d.items() for regime, cms in r.items()})
    save_examples(out_dir / "validation_examples.png", sets, examples)
    return result


def _pipeline(regime, size):
    """The regime's augmentation, pinned (``PIPELINES``): a new default of TiAug adds a regime,
    it never changes what the stored runs measured."""
    import tiaug

    size = tuple(size)
    occluded = tiaug.TiAug(size=size, **PIPELINES["tiaug"])
    if regime == "geometric":  # the same chain without the occluders and the noise
        return tiaug.Compose(occluded.transforms[:-2])
    return occluded


def _json_safe(obj):
    """Strict JSON: nan (a class absent from a test set, a t-test of one seed) becomes null."""
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _class_names():
    from metrics import CLASS_NAMES

    return CLASS_NAMES


def _default_aux_mode():
    import inspect

    from samcl_loss import SAMCLLoss

    return inspect.signature(SAMCLLoss).parameters["aux"].default


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
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--threads", type=int,
                        help="torch CPU threads (default: torch's; 1 is faster on a busy machine)")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite the tables from OUT/validation.json (no training)")
    return parser.parse_args(argv)


def config_from_args(args):
    cfg = CONFIGS["tiny" if args.tiny else args.config]
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

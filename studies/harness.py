"""The studies' harness: data, training through examples/train.py, the run store, scoring,
paired tests and the table writers. Each study module declares its models (pinned pipelines),
test sets and comparisons and uses only this module.

A run is one (model, seed): the N-iteration wsd schedule and the N/2 one branched off it
(:func:`train_with_half_schedule`), scored on every test set. Finished runs are stored in
``studies/results/<study>_runs/`` under a fingerprint of everything they depend on
(:func:`fingerprint`) and reused while it matches; :func:`run_all` trains the missing ones,
``cfg.jobs`` processes at a time, and saves each as it finishes.
"""

import argparse
import csv
import json
import math
import platform
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"

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
    # The validation study's regimes (its --regimes); the other studies declare their models.
    regimes: tuple = ()
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


def splits(cfg):
    """Train / validation / test splits of the study's data: the user folder ``cfg.data``
    (:func:`folder_splits`) or synthetic faces (:func:`synthetic_splits`)."""
    return synthetic_splits(cfg) if cfg.data is None else folder_splits(cfg.data, cfg)


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


# ---------------------------------------------------------------- training and scoring
def train_config(cfg, seed, iterations, samcl=False):
    """examples/train.py's TrainConfig of a study run: the wsd schedule, with SAMCLLoss at
    ``cfg.samcl_weight`` when `samcl`."""
    from train import TrainConfig

    return TrainConfig(
        iterations=iterations, batch_size=cfg.batch_size, lr=cfg.lr, optimizer=cfg.optimizer,
        schedule="wsd", decay=WSD_DECAY,
        weight_decay=1e-4 if cfg.optimizer == "adamw" else 5e-4, warmup=0.05,
        samcl_weight=cfg.samcl_weight if samcl else 0.0,
        aux_mode=cfg.aux_mode, device=cfg.device, amp=cfg.amp, num_workers=cfg.workers,
        seed=seed, num_classes=NUM_CLASSES, ignore_index=IGNORE,
    )


def train_model(cfg, seed, iterations, train_split, transform, samcl=False, progress=False,
                on_step=None, checkpoint=None, checkpoint_every=0, resume=False, normalize=None):
    """Train one model on `train_split` augmented by `transform` (with SAMCLLoss when `samcl`);
    returns (model, history, seconds). Same seed = same initial weights.

    `checkpoint`, `checkpoint_every` and `resume` are TrainConfig's (a run that resumes trains
    only the steps after its checkpoint); `normalize` is the frames' normalisation
    (``ThermalFrames``'s)."""
    import torch

    from data import ThermalFrames
    from models import build_model
    from train import balanced_pos_weight, train

    dataset = ThermalFrames(train_split.images, train_split.labels, transform=transform,
                            normalize=normalize, seed=seed)
    torch.manual_seed(seed)
    model = build_model(cfg.model, num_classes=NUM_CLASSES, width=cfg.width, depth=cfg.depth)
    start = time.perf_counter()
    # A str: the checkpoint stores its config, and torch.load reads plain types only.
    pos_weight = (balanced_pos_weight(train_split.labels, NUM_CLASSES, IGNORE)
                  if cfg.balanced_bce else None)
    config = replace(train_config(cfg, seed, iterations, samcl), pos_weight=pos_weight,
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


# ---------------------------------------------------------------- reporting
def _missing(x):
    return x is None or (isinstance(x, float) and math.isnan(x))


def _p(x):
    return "n/a" if _missing(x) else (f"{x:.3f}" if x >= 0.001 else "<0.001")


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


# ---------------------------------------------------------------- the study
def checkpoints(cfg):
    """The two schedules of the convergence check: N/2 and N iterations."""
    return (max(1, cfg.iterations // 2), cfg.iterations)


def branch_step(half):
    """Where a `half`-iteration wsd schedule starts its decay: up to there it is the N run."""
    return half - int(WSD_DECAY * half)


def train_with_half_schedule(cfg, seed, train_split, transform, samcl=False, progress=False):
    """Train the N-iteration run and the N/2 schedule branched off it (as :func:`train_model`).

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

        trained = train_model(cfg, seed, full, train_split, transform, samcl, progress,
                              keep_branch, ckpt, branch)
        # The same run from its step `branch` on, through the N/2 schedule's decay.
        half_model, _, half_seconds = train_model(cfg, seed, half, train_split, transform, samcl,
                                                  checkpoint=kept, resume=True)
    return trained, (half_model, half_seconds)


def run_key(regime, seed):
    return f"{regime}_seed{seed}"


def fingerprint(cfg, augmentation, train_split, sets):
    """What a stored run depends on: the configuration (less the lists of seeds and regimes),
    its augmentation (a pipeline, by its repr), the training frames and the sets it is scored on
    ({name: (images, labels, occluded)})."""
    import hashlib

    d = asdict(cfg)
    for k in ("seeds", "regimes", "jobs", "name", "bootstrap"):
        d.pop(k)
    d["augmentation"] = repr(augmentation)
    d["train_frames"] = hashlib.sha256(train_split.images.tobytes()
                                       + train_split.labels.tobytes()).hexdigest()
    scored = hashlib.sha256()
    for name in sorted(sets):
        scored.update(name.encode())
        for array in sets[name]:
            scored.update(np.ascontiguousarray(array).tobytes())
    d["test_sets"] = scored.hexdigest()
    return json.loads(json.dumps(d))


WORKER = {}


def init_worker(cfg, train_split, sets_eval, threads):
    if threads:
        import torch

        torch.set_num_threads(threads)
    WORKER.update(cfg=cfg, train=train_split, sets=sets_eval)


def load_run(runs_dir, key, fingerprint):
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


def save_run(runs_dir, key, fingerprint, run, confusions, predictions):
    np.savez_compressed(runs_dir / f"{key}.npz",
                        **{f"cm:{k}": v for k, v in confusions.items()},
                        **{f"pred:{k}": v for k, v in predictions.items()})
    tmp = runs_dir / f"{key}.json.tmp"
    tmp.write_text(json.dumps(json_safe({"fingerprint": fingerprint, "run": run}), indent=1))
    tmp.replace(runs_dir / f"{key}.json")  # written last: a run counts once it is complete


def json_safe(obj):
    """Strict JSON: nan (a class absent from a test set, a t-test of one seed) becomes null."""
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
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


# Prefix of the N/2 schedule's test sets in a run's confusions.
HALF = "half:"


def model_jobs(cfg, models, train_split, sets, pipeline):
    """The (model, seed) runs of a study, seed by seed, and their fingerprints: ``({key: (model,
    seed)}, {key: fingerprint})``, ``pipeline(model, size)`` building each model's augmentation.
    Seed by seed: a study stopped part-way leaves whole seeds, which a rerun completes."""
    jobs = {run_key(m, s): (m, s) for s in cfg.seeds for m in models}
    prints = {m: fingerprint(cfg, pipeline(m, cfg.size), train_split, sets) for m in models}
    return jobs, {key: prints[m] for key, (m, _) in jobs.items()}


def run_study(name, cfg, out_dir, test_sets, jobs, one_run, results, table, fresh=False,
              progress=True, render=False):
    """Run the study `name` and write its results.

    ``test_sets(cfg, test_split)`` gives the test sets ({name: (images, labels, occluded)}),
    ``jobs(cfg, train_split, sets)`` the runs and their fingerprints (as :func:`model_jobs`),
    trained by ``one_run(*job)`` or loaded from ``OUT/<name>_runs`` (:func:`run_all`);
    ``results(cfg, done)`` the study's result dict, whose entry `name` goes into
    ``OUT/validation.json[name]`` and the rest, with the configuration and the elapsed time, into
    ``[name + "_study"]``; ``table(result)`` the RST written to ``OUT/<name>_table.rst``.
    Returns the result.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    train_split, _, test_split = splits(cfg)
    sets = test_sets(cfg, test_split)
    todo, prints = jobs(cfg, train_split, sets)
    done = run_all(cfg, out_dir / f"{name}_runs", todo, prints, one_run, train_split, sets,
                   fresh, progress, render=render)
    result = {"config": study_config(cfg), **results(cfg, done),
              "elapsed_s": time.perf_counter() - started}
    write_results(out_dir, {name: result[name], f"{name}_study": {
        k: v for k, v in result.items() if k != name}}, f"{name}_table.rst", table(result))
    return result


def main(argv, doc, seeds, iterations, run_study, report, data=False):
    """A study's command line: parse it (:func:`parse_args`; `data`: it takes ``--data``), run
    the study, print ``report(result)`` and where the results went. Returns the result."""
    args, cfg = parse_args(argv, doc, seeds, iterations, data)
    result = run_study(cfg, args.out, args.fresh, not args.no_progress, args.render)
    print(report(result))
    print(f"\n{result['elapsed_s'] / 60:.1f} min; results in {args.out}/")
    return result


def _clean_miou(run):
    clean = run["results"]["clean"]
    return clean.get("amodal", clean)["miou"]


def run_all(cfg, runs_dir, jobs, fingerprints, one_run, train_split, sets, fresh, progress,
            threads=None, render=False):
    """Run ``one_run(*jobs[key])`` for every key not yet in `runs_dir` with its fingerprint,
    `cfg.jobs` at a time (one torch thread each); save each as it finishes.

    `one_run` reads the configuration, the training split and the test `sets` from the worker
    state (``validation.init_worker``) and returns ``(run, confusions, predictions)``.
    Returns {key: (run, confusions, predictions)}.
    """
    from tqdm.auto import tqdm

    runs_dir.mkdir(parents=True, exist_ok=True)
    done, todo = {}, []
    for key in jobs:
        stored = None if fresh else load_run(runs_dir, key, fingerprints[key])
        if stored is None:
            todo.append(key)
        else:
            done[key] = stored
    if render and todo:
        raise SystemExit(f"--render: {len(todo)} of the {len(jobs)} runs are not stored in "
                         f"{runs_dir} with this configuration ({', '.join(todo[:3])}, ...); "
                         "train them first (without --render)")
    bar = tqdm(total=len(jobs), initial=len(done), desc="runs", disable=not progress,
               dynamic_ncols=True)
    init_worker(cfg, train_split, sets, threads)
    for key, result in _finished(cfg, todo, jobs, one_run, train_split, sets):
        save_run(runs_dir, key, fingerprints[key], *result)
        done[key] = result
        bar.update()
        bar.write(f"{key}: clean mIoU {100 * _clean_miou(result[0]):.2f} "
                  f"in {result[0]['train_seconds'] / 60:.1f} min")
    bar.close()
    return done


def _finished(cfg, todo, jobs, one_run, train_split, sets):
    """Yield (key, result) as runs finish."""
    if cfg.jobs > 1 and len(todo) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(cfg.jobs, mp_context=mp.get_context("spawn"),
                                 initializer=init_worker,
                                 initargs=(cfg, train_split, sets, 1)) as pool:
            futures = {pool.submit(one_run, *jobs[key]): key for key in todo}
            for future in as_completed(futures):
                yield futures[future], future.result()
    else:
        for key in todo:
            yield key, one_run(*jobs[key])


def score_visible(run, model, sets, device, normalize=None):
    """Score `model` on every test set on its visible pixels (occluded ones are left out; all
    of a clean set's count): returns (run with its "results", confusions, no predictions)."""
    run, confusions = {**run, "results": {}}, {}
    for name, (images, labels, occluded) in sets.items():
        pred = predict_all(model, images, device, normalize=normalize)
        confusions[name] = frame_confusions(pred, labels, occluded)
        run["results"][name] = scores(confusions[name].sum(0))
    return run, confusions, {}


def compare_to_base(cms, base, model, name, schedule, n_boot, rng):
    """Gap closed, clean change and tests of `model` against the `base` model on the test set
    `name`, from the confusions ``cms[model, set]`` (seeds, frames, C, C) of one schedule
    (`schedule`: "" for N, `HALF` for N/2)."""
    def miou(g, test_set):
        return mean_iou(cms[g, schedule + test_set].sum(1))  # (seeds,)

    base_clean, base_f = miou(base, "clean"), miou(base, name)
    aug_clean, aug_f = miou(model, "clean"), miou(model, name)
    test = paired_tests(cms[base, schedule + name], cms[model, schedule + name], True, n_boot,
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
        "verdict": verdict(test),
    }


def compare(cms, reference, n_boot, rng):
    """Paired t-test and bootstrap of confusions `cms` (seeds, frames, C, C) against
    `reference`: the mean mIoU difference in points, both p-values and the verdict."""
    test = paired_tests(reference, cms, True, n_boot, rng)
    return {"mean_diff": 100 * test["mean_diff"], "t_test_p": test["t_test"]["p"],
            "bootstrap_p": test["bootstrap"]["p"],
            "ci95": [100 * x for x in test["bootstrap"]["ci95"]], "verdict": verdict(test)}


def miou_cell(entry, vs):
    """``mean ± std`` of an entry's mIoU, with its comparison `entry[vs]` in brackets."""
    m = entry["miou"]
    cell = f"{m['mean']:.1f}" + ("" if _missing(m["std"]) else f" ± {m['std']:.1f}")
    if vs in entry:
        cell += f" ({entry[vs]['mean_diff']:+.1f}, {entry[vs]['verdict']})"
    return cell


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
        f".. This file is generated by studies/{script}; do not edit.",
        "",
        f"Configuration ``{cfg['name']}`` ({cfg['iterations']} iterations of batch "
        f"{cfg['batch_size']}, seeds {', '.join(map(str, cfg['seeds']))}); mIoU incl. "
        f"background in % on visible pixels{note}",
        "",
        *list_table(title, header, rows),
        "",
    ])


def write_results(out_dir, entries, table_name, table):
    """Merge `entries` into ``OUT/validation.json`` (the other studies' keys stay) and write the
    RST `table` to ``OUT/table_name``."""
    path = Path(out_dir) / "validation.json"
    study = json.loads(path.read_text()) if path.exists() else {}
    study.update(json_safe(entries))
    path.write_text(json.dumps(study, indent=1) + "\n")
    (Path(out_dir) / table_name).write_text(table)


def parse_args(argv, doc, seeds, iterations=None, data=False):
    """The command line of a study (its docstring `doc`): returns (args, config).

    `seeds` ({config name: seeds}) are the study's default seeds; `iterations` ({config name: N})
    replaces the configurations' schedule lengths for this study; ``--iterations`` replaces
    both. `data`: the study also runs on a user folder of frames (``--data DIR``,
    :func:`folder_splits`).
    """
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--config", choices=sorted(seeds), default="cpu")
    parser.add_argument("--tiny", action="store_true", help="same as --config tiny")
    parser.add_argument("--seeds", type=int, nargs="+")
    parser.add_argument("--iterations", type=int, help="schedule length N")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--fresh", action="store_true", help="retrain every run")
    parser.add_argument("--render", action="store_true",
                        help="only rebuild the results and tables from the stored runs")
    parser.add_argument("--no-progress", action="store_true")
    if data:
        parser.add_argument("--data", type=Path, help="your own frames: DIR/frames/*.npy and "
                            "DIR/labels/*.npy (docs/validation.rst, 'Your own data')")
    args = parser.parse_args(argv)
    if args.iterations is not None and args.iterations < 2:
        parser.error(f"--iterations must be at least 2, got {args.iterations}")
    name = "tiny" if args.tiny else args.config
    cfg = CONFIGS[name]
    n = args.iterations or (iterations or {}).get(name, cfg.iterations)
    folder = str(args.data) if getattr(args, "data", None) else None
    return args, replace(cfg, seeds=tuple(args.seeds or seeds[name]), iterations=n, data=folder)


# Classes whose ROI temperature is reported (the nose is the one the conditions move most).
ROI_CLASSES = ("chin", "mouth", "eyes", "eyebrows", "nose")


ROI = "roi/"
# Predictions kept per run for a study's figure: the first EXAMPLES frames of a set.
PRED = "pred/"
EXAMPLES = 1


def train_and_score(model, seed, transform, samcl=False, examples=()):
    """Train one model (with SAMCLLoss when `samcl`) with its N/2 schedule branched off and score
    both: per-frame confusions and ROI temperatures of every test set (the N/2 model's under
    ``half:<set>``), and the first :data:`EXAMPLES` predictions of the sets named in
    `examples` (``pred/<set>``)."""
    cfg, train_split, sets = WORKER["cfg"], WORKER["train"], WORKER["sets"]
    (net, history, seconds), (half_net, half_seconds) = train_with_half_schedule(
        cfg, seed, train_split, transform, samcl)
    half, full = checkpoints(cfg)
    run = {"model": model, "seed": seed, "iterations": full, "train_seconds": seconds,
           "final_loss": history[-1] if history else None,
           "half_schedule": {"iterations": half, "branched_at": branch_step(half),
                             "train_seconds": half_seconds}}
    run, confusions, roi = score(run, net, sets, cfg.device, examples)
    half_run, half_confusions, half_roi = score({}, half_net, sets, cfg.device)
    run["half_schedule"]["results"] = half_run["results"]
    confusions.update({f"{HALF}{k}": v for k, v in half_confusions.items()})
    roi.update({f"{ROI}{HALF}{k[len(ROI):]}": v for k, v in half_roi.items()})
    return run, confusions, roi


def score(run, model, sets, device, examples=()):
    """Score `model` on every set: mIoU on visible pixels (confusions) and the ROI temperatures
    through predicted and true masks (``metrics.roi_temperatures``, stored as ``roi/<set>``),
    and keep the first :data:`EXAMPLES` predictions of the sets in `examples` (``pred/<set>``).
    """
    from metrics import roi_error, roi_temperatures

    run, confusions, roi = {**run, "results": {}}, {}, {}
    for name, (images, labels, occluded) in sets.items():
        pred = predict_all(model, images, device)
        if name in examples:
            roi[PRED + name] = pred[:EXAMPLES]
        confusions[name] = frame_confusions(pred, labels, occluded)
        measured = roi_temperatures(pred, labels, images, NUM_CLASSES, ignore=occluded)
        roi[ROI + name] = measured.astype(np.float32)
        run["results"][name] = {**scores(confusions[name].sum(0)),
                                "roi_temperature_error": roi_error(measured[:, 1:],
                                                                   list(ROI_CLASSES))}
    return run, confusions, roi


def roi_summary(done, model, test_set, seeds, label="nose"):
    """ROI temperature error of class `label`, {"mae", "bias"} mean over seeds (°C), and per
    seed."""
    from metrics import roi_error

    k = 1 + ROI_CLASSES.index(label)
    per_seed = [roi_error(done[run_key(model, s)][2][ROI + test_set][:, k:k + 1],
                          [label])[label] for s in seeds]
    out = {}
    for key in ("mae", "bias"):
        values = [r[key] for r in per_seed if r[key] is not None]
        out[key] = float(np.mean(values)) if values else None
        out[f"{key}_per_seed"] = [r[key] for r in per_seed]
    return out


# Below this loss (mIoU points) of flips only between clean and condition faces there is no gap
# whose closing could be measured: the ratio would divide by noise.
MIN_GAP = 1.0


def _gap(entry):
    """The gap closed, or what the condition changes when flips only lose less than MIN_GAP."""
    m = entry["miou"]
    gap = m["base_clean"] - m["base"]
    if gap < MIN_GAP:
        return f"no gap ({-gap:+.1f}; model {m['aug'] - m['base']:+.1f})"
    return "–" if _missing(entry["gap_closed"]) else f"{100 * entry['gap_closed']:.0f} %"


def _roi(r):
    return "–" if r["mae"] is None else f"{r['mae']:.2f} ({r['bias']:+.2f})"


def convergence(cfg, done, names):
    """Clean mIoU of each model of `names` after N/2 and N iterations, mean over seeds (runs
    scored by :func:`score_visible` or :func:`score`)."""
    half, full = checkpoints(cfg)
    out = {}
    for m in names:
        runs = [done[run_key(m, s)][1] for s in cfg.seeds]
        m_half, m_full = (100 * float(np.mean([mean_iou(r[key].sum(0)) for r in runs]))
                          for key in (HALF + "clean", "clean"))
        out[m] = {"iterations": [half, full], "clean_miou": [m_half, m_full]}
    return out


def convergence_table(convergence):
    """Lines of the table of :func:`convergence`: each model's clean mIoU after N/2 and N."""
    rows = [[m, *(f"{x:.1f}" for x in c["clean_miou"]),
             f"{c['clean_miou'][1] - c['clean_miou'][0]:+.1f}"]
            for m, c in convergence.items()]
    n_half, n_full = next(iter(convergence.values()))["iterations"]
    return [""] + list_table(
        "Clean mIoU (%) of each model after the half and the full schedule, mean over seeds",
        ["model", f"{n_half} iterations", f"{n_full} iterations", "difference"], rows)

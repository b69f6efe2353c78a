"""The whole method in a few minutes on a CPU: TiAug + SAM-CL on synthetic thermal faces.

What it does, step by step:

1. generates synthetic thermal faces in °C with 6-class label maps (``tiaug.datasets``), with
   different subjects in the training and the test set;
2. draws original vs TiAug-augmented frames with their label maps -> ``augmented.png``;
3. trains a small UNet on TiAug-augmented frames with RMI + 0.5 x SAM-CL (AdamW with a short
   warm-up and a cosine decay, batches of 4, class-balanced BCE weights from
   ``balanced_pos_weight``: it learns every face part in the 1.5k steps a CPU
   affords, where the paper's SGD + poly recipe, made for 40k steps, leaves the eyes and
   eyebrows unlearned; ``--recipe paper`` runs that one);
4. evaluates it on the clean test set and on an occluded copy of it (synthetic hot/cold objects and
   real-world occluders drawn with a fixed seed), scoring the pixels the occluders leave visible:
   IoU, and the ROI temperature error, per face part how far in °C the mean temperature through
   the predicted mask lies from the mean through the true mask (on the raw °C test frames)
   -> ``metrics.json``;
5. draws the occluded test frames, their ground truth and the predictions -> ``predictions.png``.

Run (``make demo`` does the first)::

    python examples/demo.py --out demo-output
    python examples/demo.py --out demo-output --iterations 4000 --size 256 320 --device cuda

The defaults are sized so the run ends in under 5 minutes on two CPU cores; the mIoU it reports is
measured on faces of subjects it never saw, on synthetic data, not the paper's real faces.
"""

import os
import time


def cpu_busy(seconds=0.25):
    """Fraction of the CPU time the whole machine used over `seconds` (Linux; 1.0 elsewhere)."""

    def sample():
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, all

    try:
        idle0, total0 = sample()
        time.sleep(seconds)
        idle1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return 1.0
    return 1.0 - (idle1 - idle0) / max(1, total1 - total0)


# OpenMP threads that spin while they wait for each other train about 30 % faster on an idle CPU
# (measured: 156 vs 188 ms a step on 2 cores) but 2.5x slower where other programs compete for
# the cores (860 vs 340 ms). So they spin only when the machine is idle. Set before torch loads.
if "OMP_WAIT_POLICY" not in os.environ and cpu_busy() > 0.2:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

import samcl_loss  # noqa: E402
import tiaug  # noqa: E402

from data import (  # noqa: E402
    ThermalFrames,
    occlude_test_set,
    synthetic_split,
    test_occluders,
    tiaug_pipeline,
)
from metrics import CLASS_NAMES  # noqa: E402
from models import build_model  # noqa: E402
from train import TrainConfig, balanced_pos_weight, evaluate, predict, train  # noqa: E402

# 1000 steps learned the mouth, the smallest part after the eyes, in seeds 1 and 2 (IoU 0.80,
# 0.79) but not in seed 0 (0.15; 0.00 without TiAug's room and body): 1500 learn it (0.84).
DEFAULT_ITERATIONS = 1500
# One colour per class; pixels with the ignore label (255) are drawn grey.
LABEL_COLOURS = ["#1f1f1f", "#e6ab02", "#e7298a", "#1b9e77", "#7570b3", "#d95f02"]
IGNORE_COLOUR = "#9a9a9a"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("demo-output"))
    parser.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    parser.add_argument("--size", type=int, nargs=2, default=(96, 120), metavar=("H", "W"))
    parser.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    parser.add_argument("--recipe", choices=("adamw", "paper"), default="adamw",
                        help="AdamW + cosine (default) or the paper's SGD + poly")
    parser.add_argument("--lr", type=float, default=None,
                        help="peak learning rate (default: 2e-3 for adamw, 0.01 for paper)")
    parser.add_argument("--train-frames", type=int, default=192)
    parser.add_argument("--test-frames", type=int, default=32)
    parser.add_argument("--model", choices=("unet", "attention_unet"), default="unet")
    parser.add_argument("--width", type=int, default=16, help="channels at full resolution")
    parser.add_argument("--depth", type=int, default=3, help="UNet poolings")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    return parser.parse_args(argv)


def show_temperatures(fig, ax, image, vmin, vmax, colourbar=True):
    im = ax.imshow(image, cmap="inferno", vmin=vmin, vmax=vmax)
    ax.set_xticks([])
    ax.set_yticks([])
    if colourbar:
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03).set_label("°C")


def show_labels(fig, ax, labels):
    colours = np.array([matplotlib.colors.to_rgb(c) for c in LABEL_COLOURS])
    rgb = np.empty((*labels.shape, 3))
    rgb[:] = matplotlib.colors.to_rgb(IGNORE_COLOUR)
    known = labels < len(colours)
    rgb[known] = colours[labels[known]]
    im = ax.imshow(rgb, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    # An invisible colour bar keeps label maps as wide as the temperature frames beside them.
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03).ax.set_visible(False)


def label_legend(fig, with_ignore=False):
    handles = [Patch(color=c, label=n) for c, n in zip(LABEL_COLOURS, CLASS_NAMES, strict=True)]
    if with_ignore:
        handles.append(Patch(color=IGNORE_COLOUR, label="ignored (255)"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)


def plot_augmented(images, labels, pipeline, seed, path):
    """Original vs augmented frames (°C) and their label maps, one column per frame."""
    n = len(images)
    fig, axes = plt.subplots(4, n, figsize=(2.6 * n + 1, 8.4), squeeze=False)
    rng = np.random.default_rng(seed)
    for j in range(n):
        out = pipeline(image=images[j], mask=labels[j], rng=rng)
        for row, (image, what) in enumerate(((images[j], "original"), (out["image"], "TiAug"))):
            ax = axes[row, j]
            show_temperatures(fig, ax, image, image.min(), image.max())
            ax.set_title(f"{what}\n{image.min():.1f} to {image.max():.1f} °C", fontsize=9)
        show_labels(fig, axes[2, j], labels[j])
        show_labels(fig, axes[3, j], out["mask"])
        if out["occluded"].any():
            axes[3, j].contour(out["occluded"], levels=[0.5], colors="white", linewidths=0.8)
    for row, name in enumerate(("original", "augmented", "labels", "augmented labels")):
        axes[row, 0].set_ylabel(name)
    fig.suptitle("TiAug on synthetic thermal faces (white outline: synthesized occluders)")
    label_legend(fig)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_predictions(images, labels, occluded, predictions, scores, path):
    """Occluded test frames (°C), their ground truth and the model's prediction, one row each."""
    n = len(images)
    fig, axes = plt.subplots(n, 3, figsize=(9.5, 2.6 * n + 0.8), squeeze=False)
    for i in range(n):
        show_temperatures(fig, axes[i, 0], images[i], images[i].min(), images[i].max())
        show_labels(fig, axes[i, 1], labels[i])
        show_labels(fig, axes[i, 2], predictions[i])
        for ax in axes[i, 1:]:
            ax.contour(occluded[i], levels=[0.5], colors="white", linewidths=0.8)
    for j, title in enumerate(("occluded input (°C)", "ground truth", "prediction")):
        axes[0, j].set_title(title)
    fig.suptitle(f"occluded test set: mIoU {scores['miou']:.3f}, "
                 f"without background {scores['miou_no_bg']:.3f}")
    label_legend(fig, with_ignore=bool((labels >= len(CLASS_NAMES)).any()))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _celsius(value, sign=False):
    """A temperature difference for the summary, or "n/a" where no frame measured one."""
    return "n/a" if value is None else f"{value:{'+' if sign else ''}.2f} °C"


def versions():
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "tiaug": tiaug.__version__,
        "samcl_loss": samcl_loss.__version__,
    }


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    size = tuple(args.size)
    args.out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(args.seed)

    print(f"1/5 generating {args.train_frames} training and {args.test_frames} test faces "
          f"({size[0]}x{size[1]}, different subjects)")
    (train_images, train_labels), (test_images, test_labels) = synthetic_split(
        args.train_frames, args.test_frames, size, seed=args.seed
    )

    print("2/5 drawing original vs augmented frames")
    pipeline = tiaug_pipeline(size)
    plot_augmented(train_images[:4], train_labels[:4], pipeline, args.seed,
                   args.out / "augmented.png")

    print(f"3/5 training a UNet for {args.iterations} steps (TiAug, RMI + 0.5 SAM-CL)")
    recipe = TrainConfig.paper if args.recipe == "paper" else TrainConfig
    lr = {} if args.lr is None else {"lr": args.lr}
    # Each class's pixels weighted by the root of its odds, as the validation study does: the
    # small classes (eyes, eyebrows) are learned within the short schedule.
    config = recipe(iterations=args.iterations, batch_size=args.batch_size, device=args.device,
                    num_workers=args.workers, seed=args.seed,
                    pos_weight=balanced_pos_weight(train_labels), **lr)
    train_set = ThermalFrames(train_images, train_labels, transform=pipeline, seed=args.seed)
    model = build_model(args.model, num_classes=config.num_classes, width=args.width,
                        depth=args.depth)
    history = train(config, train_set, model)

    print("4/5 evaluating on the clean and the occluded test set")
    # Scored on the visible pixels: under an occluder the label is ignored, as TiAug trains. The
    # same rule holds for the ROI temperatures, which `evaluate` measures on the raw °C frames
    # (the occluded ones for the occluded set): an occluder's own temperature is never counted.
    occluded_images, occluded_labels, occluded = occlude_test_set(
        test_images, test_labels, seed=args.seed, label_policy="ignore")
    test_sets = {"clean": ThermalFrames(test_images, test_labels),
                 "occluded": ThermalFrames(occluded_images, occluded_labels)}
    results = {name: evaluate(model, ds, config.num_classes, config.device)
               for name, ds in test_sets.items()}

    print("5/5 drawing predictions on occluded test frames")
    shown = np.arange(min(5, len(occluded_images)))  # one frame per occluder kind
    x = torch.stack([test_sets["occluded"][i][0] for i in shown])
    plot_predictions(occluded_images[shown], occluded_labels[shown], occluded[shown],
                     predict(model, x, config.device).numpy(), results["occluded"],
                     args.out / "predictions.png")

    wall = time.perf_counter() - started
    metrics = {
        "class_names": list(CLASS_NAMES),
        "clean": results["clean"],
        "occluded": results["occluded"],
        "final_loss": history[-1] if history else None,
        "config": {**asdict(config), "model": args.model, "width": args.width,
                   "depth": args.depth, "size": list(size),
                   "train_frames": args.train_frames, "test_frames": args.test_frames,
                   "augmentation": repr(pipeline),
                   "occluded_test_set": [repr(t) for t in test_occluders("ignore")]},
        "versions": versions(),
        "wall_time_s": round(wall, 1),
    }
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=1))

    print(f"\ndone in {wall:.0f} s. Files in {args.out}/:")
    for name in ("augmented.png", "predictions.png", "metrics.json"):
        print(f"  {args.out / name}")
    for name in ("clean", "occluded"):
        r = results[name]
        print(f"  {name:>8} test set: mIoU {r['miou']:.3f}, "
              f"without background {r['miou_no_bg']:.3f}")
        print("           per class: " + ", ".join(
            f"{c} {v:.2f}" for c, v in zip(CLASS_NAMES, r["per_class_iou"], strict=True)))
        nose = r["roi_temperature_error"]["nose"]
        print(f"           nose ROI temperature: {_celsius(nose['mae'])} mean absolute error, "
              f"{_celsius(nose['bias'], sign=True)} bias ({nose['frames']} frames, "
              f"{nose['missed']} missed)")
    print(f"  ({args.iterations} steps of a small UNet on synthetic faces; the paper trains 40k "
          "steps on real ones at 256x320. More: --iterations, --width, --size, --device cuda)")
    return metrics


if __name__ == "__main__":
    main()

"""Train a thermal face segmentation network with TiAug and the SAM-CL loss: a loop to copy.

What it shows: a Dataset of temperature frames augmented by tiaug inside DataLoader workers
(seeded per sample, so results do not depend on the number of workers), UNet / Attention UNet,
pixel loss RMI plus 0.5 x SAM-CL, mixed precision, checkpoint/resume and mIoU evaluation.

Two recipes. The default, AdamW (lr 2e-3, weight decay 1e-4) with a linear warm-up over the first
5 % of the steps and a cosine decay to zero, pixel loss BCE + 0.5 RMI, batch 4, converges in a
few thousand steps, which is what a CPU run or a short study can afford. Batch 4 rather than 8:
on a CPU a step costs about its batch, and for the same compute twice the updates learn more
(seed 0 at 96x120: 1200 steps of 4 frames reached clean mIoU 0.88, 600 steps of 8 frames 0.64).
``--recipe paper`` is the paper's: SGD lr 0.01, momentum 0.9, weight decay 5e-4, poly 0.9,
0.5 BCE + 0.5 RMI, made for 40k steps; in runs of 1-2k steps it leaves the small classes (eyes,
eyebrows) unlearned.

Why BCE at weight 1 rather than the paper's 0.5: the RMI term compares covariances, so it does not
change when a class's probabilities are scaled, and only the BCE term makes a class's scores large
enough to win the argmax. With the paper's weights RMI dominates a short schedule: the eyes,
eyebrows or nose (a different class in each run) were found but not predicted, IoU 0.2-0.4, after
1200 steps at 96x120; with BCE at weight 1 (the RMI authors' other combination, BCE + 0.5 RMI)
every class reached IoU >= 0.5 in the same steps.

``--balance`` (``TrainConfig(pos_weight=balanced_pos_weight(labels))``) also weights each class's
positive pixels in the BCE term by the root of its negative-to-positive odds, relative to the
background's. The small classes are then found in the first few hundred steps, which makes short
schedules reliable: the validation study trains with it.

Dataset folder layout for ``--data DIR`` (and ``--val DIR``)::

    DIR/frames/<name>.npy   float32/float64 (H, W) temperatures in °C (not normalised, not counts)
    DIR/labels/<name>.npy   integer (H, W) class map with the same <name>:
                            0 background, 1 chin, 2 mouth, 3 eyes, 4 eyebrows, 5 nose (255 = ignore)

Frames of one folder should share one size (the augmentation crops/pads to ``--size``).

Run::

    python examples/train.py --synthetic 64 --iterations 300 --out runs/unet
    python examples/train.py --data faces/train --val faces/test --model attention_unet \\
        --size 256 320 --depth 4 --iterations 40000 --batch-size 16 --recipe paper \\
        --device cuda --amp --workers 8
    python examples/train.py --synthetic 64 --iterations 600 --out runs/unet --resume

Outputs in ``--out``: ``checkpoint.pt`` (model, loss, optimiser, schedule, step), ``history.json``
(losses per logged step) and ``metrics.json`` (per-class IoU, mIoU with and without background,
and the ROI temperature error: per face class, how far in °C the mean temperature through the
predicted mask lies from the mean through the true one).
From Python (with examples/ on ``sys.path``)::

    from train import TrainConfig, train, evaluate
    history = train(TrainConfig(iterations=300, batch_size=8), train_set, model)
    scores = evaluate(model, test_set)
"""

import argparse
import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from samcl_loss import RMILoss, SAMCLLoss

from data import PIPELINES, ThermalFrames, synthetic_split
from metrics import (
    CLASS_NAMES,
    confusion_matrix,
    iou_from_confusion,
    roi_error,
    roi_temperatures,
)
from models import MODELS, build_model


@dataclass
class TrainConfig:
    """Everything that defines a training run (saved in checkpoints and metrics.json).

    The defaults are the AdamW + cosine recipe; :meth:`paper` gives the paper's SGD + poly recipe
    (with 40k `iterations` and `batch_size` 16 there). ``samcl_weight=0`` trains with the pixel
    loss alone; `aux_mode` is SAMCLLoss's ``aux`` (None: the package default, ``"frozen"``;
    ``"joint"`` learns the aux network). `pos_weight` is RMILoss's, one weight per class (e.g.
    :func:`balanced_pos_weight` of the training labels, ``--balance``). `checkpoint` is a file
    path: saved every `checkpoint_every` steps (0: only at the end) and, with `resume`, loaded
    first when it exists.
    """

    iterations: int = 1000
    batch_size: int = 4
    optimizer: str = "adamw"
    schedule: str = "cosine"
    lr: float = 2e-3
    momentum: float = 0.9
    weight_decay: float = 1e-4
    warmup: float = 0.05
    poly_power: float = 0.9
    decay: float = 0.2
    samcl_weight: float = 0.5
    aux_mode: str | None = None
    pixel_loss: str = "rmi"
    bce_weight: float = 1.0
    pos_weight: tuple | None = None
    num_classes: int = 6
    ignore_index: int = 255
    device: str = "cpu"
    amp: bool = False
    num_workers: int = 0
    seed: int = 0
    log_every: int = 10
    checkpoint: str | None = None
    checkpoint_every: int = 0
    resume: bool = False

    @classmethod
    def paper(cls, **overrides):
        """The paper's recipe: SGD lr 0.01, momentum 0.9, weight decay 5e-4, poly 0.9."""
        recipe = dict(optimizer="sgd", schedule="poly", lr=0.01, weight_decay=5e-4, warmup=0.0,
                      bce_weight=0.5)
        return cls(**{**recipe, **overrides})


class SegmentationLoss(nn.Module):
    """``pixel_loss(logits, y) + samcl_weight * SAMCLLoss(logits, y)``, returning the parts too.

    The SAM-CL term is an ``nn.Module`` with its own auxiliary network (``self.samcl.aux``): move
    it to the device, give its parameters to the optimiser and checkpoint it, like the model.
    """

    def __init__(self, config):
        super().__init__()
        if config.pixel_loss == "rmi":
            self.pixel = RMILoss(config.num_classes, ignore_index=config.ignore_index,
                                 bce_weight=config.bce_weight, pos_weight=config.pos_weight)
        elif config.pixel_loss == "ce":
            if config.pos_weight is not None:
                raise ValueError("pos_weight weights the BCE term of pixel_loss='rmi'; "
                                 "pixel_loss='ce' takes none")
            self.pixel = nn.CrossEntropyLoss(ignore_index=config.ignore_index)
        else:
            raise ValueError(f"pixel_loss must be 'rmi' or 'ce', got {config.pixel_loss!r}")
        self.samcl_weight = config.samcl_weight
        self.samcl = None
        if config.samcl_weight > 0:
            kwargs = {} if config.aux_mode is None else {"aux": config.aux_mode}
            self.samcl = SAMCLLoss(config.num_classes, ignore_index=config.ignore_index, **kwargs)

    def forward(self, logits, target, generator=None):
        pixel = self.pixel(logits, target)
        if self.samcl is None:
            return pixel, {"pixel_loss": pixel.detach()}
        samcl = self.samcl(logits, target, generator=generator)
        total = pixel + self.samcl_weight * samcl
        return total, {"pixel_loss": pixel.detach(), "samcl_loss": samcl.detach()}


def balanced_pos_weight(labels, num_classes=6, ignore_index=255):
    """Class-balanced ``pos_weight`` for RMILoss's BCE, from the training label maps.

    A class covering a fraction ``f`` of the labelled pixels gets ``sqrt((1 - f) / f)``, the
    square root of its negative-to-positive ratio, divided by that of the most frequent class
    (the background, which keeps weight 1); a class absent from `labels` gets 1. Full balancing
    (``(1 - f) / f``) would weight the eyes of a face 250 times a background pixel; the root
    gives about 39. Measured at 96x120 on the validation study's recipe: in a run of 1200 steps
    the eyes reached IoU 0.6 at step 400 instead of 700, and clean mIoU rose from 0.870 to
    0.883 (TiAug, seed 2) and from 0.877 to 0.885 in a second run (flips and mild geometry,
    seed 4).

    Returns
    -------
    tuple of float
        One weight per class, a plain tuple (``TrainConfig`` stores it in checkpoints).
    """
    labels = np.asarray(labels)
    labelled = labels[labels != ignore_index].ravel()
    if labelled.size and not (0 <= labelled.min() and labelled.max() < num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}) or be ignore_index="
                         f"{ignore_index}, got values from {labelled.min()} to {labelled.max()}")
    counts = np.bincount(labelled.astype(np.int64), minlength=num_classes).astype(np.float64)
    if counts.sum() == 0:
        raise ValueError("labels must hold at least one pixel that is not ignore_index")
    frac = counts / counts.sum()
    present = frac > 0
    odds = np.sqrt((1.0 - frac[present]) / frac[present])
    weights = np.ones(num_classes)
    reference = odds[np.argmax(frac[present])]
    if reference > 0:  # 0 when one class covers every pixel: nothing to balance
        weights[present] = odds / reference
    return tuple(float(w) for w in weights)


def make_optimizer(config, model, criterion):
    """The optimiser over the network and the loss's learnable parts (SAM-CL's aux if it learns)."""
    params = [p for p in [*model.parameters(), *criterion.parameters()] if p.requires_grad]
    if config.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay
        )
    raise ValueError(f"optimizer must be 'adamw' or 'sgd', got {config.optimizer!r}")


def lr_factor(step, config):
    """Learning-rate multiplier at `step`: linear warm-up, then cosine, poly or wsd decay to 0.

    ``"wsd"`` (warm-up, stable, decay) holds the peak rate and decays linearly to 0 over the last
    `decay` fraction of the steps. Runs of different lengths then share every step before the
    shorter one's decay, so a shorter schedule can be branched off a longer run's checkpoint (the
    validation study's convergence check does that).
    """
    warm = int(config.warmup * config.iterations)
    if step < warm:
        return (step + 1) / warm
    if config.schedule == "wsd":
        start = config.iterations - int(config.decay * config.iterations)
        return 1.0 if step < start else max(0.0, (config.iterations - step) / (
            config.iterations - start))
    t = min(1.0, (step - warm) / max(1, config.iterations - warm))
    if config.schedule == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * t))
    return (1.0 - t) ** config.poly_power


SCHEDULES = ("cosine", "poly", "wsd")


def make_schedule(optimizer, config):
    """A LambdaLR over :func:`lr_factor` (cosine, poly or wsd, reaching 0 at the last step)."""
    if config.schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(map(repr, SCHEDULES))}, "
                         f"got {config.schedule!r}")
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: lr_factor(step, config))


def autocast(config):
    """Mixed precision: bfloat16 on CPU (no scaler needed), float16 on CUDA (with a GradScaler)."""
    device_type = torch.device(config.device).type
    dtype = torch.float16 if device_type == "cuda" else torch.bfloat16
    return torch.autocast(device_type, dtype=dtype, enabled=config.amp)


def swap_generator(seed, step, rank=0):
    """Generator of SAM-CL's class swaps at `step` on `rank`: a resumed run draws the same ones."""
    state = np.random.SeedSequence([seed, rank, step]).generate_state(1)[0]
    return torch.Generator().manual_seed(int(state))


def train_step(model, criterion, optimizer, scaler, x, y, config, generator=None):
    """One optimisation step; returns the loss values (detached tensors: reading them as floats
    waits for the GPU, so do that only when logging)."""
    with autocast(config):
        logits = model(x)
    # The losses run in float32: RMI takes log-determinants, which half precision cannot hold.
    loss, parts = criterion(logits.float(), y, generator=generator)
    optimizer.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    return {"loss": loss.detach(), **parts}


def batches(dataset, config, start=0, sampler=None):
    """Yield training batches forever, starting at global step `start`.

    Each epoch visits the frames in a seeded random order (or `sampler`'s, e.g. a
    DistributedSampler) and tells the dataset its epoch, so the augmentation of every
    (epoch, frame) is fixed and a resumed run sees exactly the batches it would have seen.
    """
    order_source = sampler if sampler is not None else range(len(dataset))
    steps_per_epoch = len(order_source) // config.batch_size
    if steps_per_epoch == 0:
        raise ValueError(
            f"batch_size {config.batch_size} is larger than the {len(order_source)} frames "
            "per epoch"
        )
    epoch, step = divmod(start, steps_per_epoch)
    cuda = torch.device(config.device).type == "cuda"
    while True:
        dataset.set_epoch(epoch)
        if sampler is not None:
            sampler.set_epoch(epoch)
            order = list(sampler)
        else:
            order = np.random.default_rng([config.seed, epoch]).permutation(len(dataset)).tolist()
        # Workers start anew each epoch and receive the dataset with its new epoch.
        loader = DataLoader(
            dataset,
            batch_size=config.batch_size,
            sampler=order[step * config.batch_size :],
            drop_last=True,
            num_workers=config.num_workers,
            pin_memory=cuda,
        )
        for x, y in loader:
            yield x.to(config.device, non_blocking=True), y.to(config.device, non_blocking=True)
        epoch, step = epoch + 1, 0


def save_checkpoint(path, step, model, criterion, optimizer, scheduler, scaler, history, config):
    """Write everything needed to continue training at `step` (atomically: tmp file + rename)."""
    state = {
        "step": step,
        "model": model.state_dict(),
        "criterion": criterion.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict(),
        "history": history,
        "config": asdict(config),
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = f"{path}.tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, model, criterion, optimizer, scheduler, scaler):
    """Restore the states written by :func:`save_checkpoint`; return (step, history)."""
    state = torch.load(path, map_location="cpu")
    model.load_state_dict(state["model"])
    criterion.load_state_dict(state["criterion"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    scaler.load_state_dict(state["scaler"])
    return state["step"], state["history"]


def setup(config, model):
    """Move `model` to the device and build the loss, optimiser, schedule and gradient scaler."""
    model.to(config.device).train()
    criterion = SegmentationLoss(config).to(config.device)
    optimizer = make_optimizer(config, model, criterion)
    scheduler = make_schedule(optimizer, config)
    # Loss scaling is for float16 on CUDA only; bfloat16 has float32's range.
    scaler = torch.amp.GradScaler(
        "cuda", enabled=config.amp and torch.device(config.device).type == "cuda"
    )
    return criterion, optimizer, scheduler, scaler


def train(config, train_dataset, model, progress=True, on_step=None):
    """Train `model` on `train_dataset` for ``config.iterations`` steps.

    Parameters
    ----------
    config : TrainConfig
    train_dataset : ThermalFrames
        Yields (x float32 (1, H, W), y int64 (H, W)); all frames the same size.
    model : torch.nn.Module
        Maps (N, 1, H, W) to logits (N, num_classes, H, W); trained in place.
    progress : bool
        Show a tqdm progress bar.
    on_step : callable, optional
        Called as ``on_step(done, model)`` after every step (``done`` counts from 1) and after
        that step's checkpoint, if one is due, is written: e.g. to evaluate the model part-way
        through the schedule or to keep a copy of a checkpoint.

    Returns
    -------
    list of dict
        One entry per logged step: ``step``, ``lr``, ``loss``, ``pixel_loss`` and (with SAM-CL)
        ``samcl_loss``, each the value of that step.
    """
    criterion, optimizer, scheduler, scaler = setup(config, model)
    start, history = 0, []
    if config.resume and config.checkpoint and Path(config.checkpoint).exists():
        start, history = load_checkpoint(
            config.checkpoint, model, criterion, optimizer, scheduler, scaler
        )
    checkpoint = (model, criterion, optimizer, scheduler, scaler)
    data = batches(train_dataset, config, start)
    bar = tqdm(range(start, config.iterations), disable=not progress, desc="train",
               initial=start, total=config.iterations, dynamic_ncols=True)
    for step in bar:
        x, y = next(data)
        lr = scheduler.get_last_lr()[0]
        stats = train_step(model, criterion, optimizer, scaler, x, y, config,
                           swap_generator(config.seed, step))
        scheduler.step()
        done = step + 1
        if done % config.log_every == 0 or done == config.iterations:
            history.append({"step": done, "lr": lr, **{k: v.item() for k, v in stats.items()}})
            bar.set_postfix(loss=f"{history[-1]['loss']:.3f}")
        periodic = config.checkpoint_every and done % config.checkpoint_every == 0
        if config.checkpoint and (periodic or done == config.iterations):
            save_checkpoint(config.checkpoint, done, *checkpoint, history, config)
        if on_step is not None:
            on_step(done, model)
    return history


@torch.no_grad()
def predict(model, x, device="cpu"):
    """Class map (N, H, W) for a batch of normalised frames (N, 1, H, W)."""
    was_training = model.training
    model.eval()
    try:
        return model(x.to(device)).argmax(1).cpu()
    finally:
        model.train(was_training)


def evaluate(model, dataset, num_classes=6, device="cpu", batch_size=8, ignore_index=255):
    """Per-class IoU and mIoU (with and without background) of `model` on `dataset`, and the ROI
    temperature error where the dataset holds the raw temperatures of its frames.

    The ROI temperature error (:func:`metrics.roi_error`, face classes only) compares the mean °C
    through each predicted mask with the mean through the true mask, on the pixels IoU scores
    (labels `ignore_index` left out). It needs the frames' raw °C, so it is measured on a
    :class:`ThermalFrames` without a transform (an augmented frame is not its stored one).

    Returns
    -------
    dict
        ``per_class_iou`` (list), ``miou`` and ``miou_no_bg`` (floats in [0, 1]); with raw
        temperatures also ``roi_temperature_error``: ``{class name: {"mae", "bias", "frames",
        "missed"}}`` in °C.
    """
    raw = isinstance(dataset, ThermalFrames) and dataset.transform is None
    cm = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    measured = []
    # No shuffling: batch b holds frames b * batch_size onwards, whose raw °C are read alongside.
    for b, (x, y) in enumerate(DataLoader(dataset, batch_size=batch_size)):
        pred = predict(model, x, device)
        cm += confusion_matrix(pred, y, num_classes, ignore_index)
        if raw:
            start = b * batch_size
            temps = np.stack([dataset.raw(i)[0] for i in range(start, start + len(y))])
            target = y.numpy()
            measured.append(roi_temperatures(pred.numpy(), target, temps, num_classes,
                                             ignore=target == ignore_index))
    scores = iou_from_confusion(cm)
    if measured:
        names = CLASS_NAMES if num_classes == len(CLASS_NAMES) else range(num_classes)
        scores["roi_temperature_error"] = roi_error(np.concatenate(measured)[:, 1:],
                                                    list(names)[1:])
    return scores


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="training folder (frames/*.npy, labels/*.npy)")
    source.add_argument("--synthetic", type=int, metavar="N",
                        help="generate N synthetic training faces (+ N//4 test faces of other "
                        "subjects)")
    parser.add_argument("--val", type=Path, help="evaluation folder (same layout as --data)")
    parser.add_argument("--model", choices=MODELS, default="unet")
    parser.add_argument("--width", type=int, default=16, help="channels at full resolution")
    parser.add_argument("--pipeline", choices=sorted(PIPELINES), default="tiaug",
                        help="augmentation: the TiAug preset, geometric only, or none")
    parser.add_argument("--size", type=int, nargs=2, default=(96, 120), metavar=("H", "W"),
                        help="training frame size (augmentation crops/pads to it)")
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    parser.add_argument("--recipe", choices=("adamw", "paper"), default="adamw",
                        help="AdamW + warm-up + cosine (default) or the paper's SGD + poly")
    parser.add_argument("--lr", type=float, default=None,
                        help="peak learning rate (default: 2e-3 for adamw, 0.01 for paper)")
    parser.add_argument("--depth", type=int, default=3, help="UNet poolings (paper: 4)")
    parser.add_argument("--samcl-weight", type=float, default=0.5, help="0 disables SAM-CL")
    parser.add_argument("--aux-mode", choices=("frozen", "joint"), default=None,
                        help="SAM-CL auxiliary network: fixed or learned (default: the package's)")
    parser.add_argument("--pixel-loss", choices=("rmi", "ce"), default="rmi")
    parser.add_argument("--balance", action="store_true",
                        help="class-balanced BCE (rmi): weights from the training labels")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    parser.add_argument("--amp", action="store_true", help="mixed precision (bf16 CPU, fp16 CUDA)")
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-every", type=int, default=0, metavar="STEPS")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    parser.add_argument("--out", type=Path, default=Path("runs/train"))
    return parser.parse_args(argv)


def datasets_from_args(args, size, transform):
    """Training and evaluation sets from ``--synthetic N`` or ``--data DIR [--val DIR]``."""
    if args.synthetic is not None:
        # Same seed, same frames: every DDP rank builds identical sets.
        (train_images, train_labels), val = synthetic_split(
            args.synthetic, max(1, args.synthetic // 4), size, seed=args.seed
        )
        train_set = ThermalFrames(train_images, train_labels, transform=transform, seed=args.seed)
        return train_set, ThermalFrames(*val)
    train_set = ThermalFrames(args.data, transform=transform, seed=args.seed)
    return train_set, (ThermalFrames(args.val) if args.val else None)


def main(argv=None):
    args = parse_args(argv)
    size = tuple(args.size)
    train_set, val_set = datasets_from_args(args, size, PIPELINES[args.pipeline](size))

    recipe = TrainConfig.paper if args.recipe == "paper" else TrainConfig
    overrides = {} if args.lr is None else {"lr": args.lr}
    if args.balance:
        labels = np.concatenate([train_set.raw(i)[1].ravel() for i in range(len(train_set))])
        overrides["pos_weight"] = balanced_pos_weight(labels)
    config = recipe(
        iterations=args.iterations, batch_size=args.batch_size, **overrides,
        samcl_weight=args.samcl_weight, aux_mode=args.aux_mode, pixel_loss=args.pixel_loss,
        device=args.device, amp=args.amp, num_workers=args.workers, seed=args.seed,
        checkpoint=str(args.out / "checkpoint.pt"), checkpoint_every=args.checkpoint_every,
        resume=args.resume,
    )
    torch.manual_seed(args.seed)  # the initial weights
    model = build_model(args.model, num_classes=config.num_classes, width=args.width,
                        depth=args.depth)
    history = train(config, train_set, model)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "history.json").write_text(json.dumps(history, indent=1))
    summary = {"config": asdict(config), "model": args.model, "width": args.width,
               "depth": args.depth, "pipeline": args.pipeline}
    if val_set is not None:
        summary["val"] = evaluate(model, val_set, config.num_classes, config.device)
        print(f"val mIoU {summary['val']['miou']:.3f} "
              f"(without background {summary['val']['miou_no_bg']:.3f})")
        nose = summary["val"].get("roi_temperature_error", {}).get("nose")
        if nose and nose["frames"]:
            print(f"val nose ROI temperature: mean absolute error {nose['mae']:.2f} °C, "
                  f"bias {nose['bias']:+.2f} °C over {nose['frames']} frames")
    (args.out / "metrics.json").write_text(json.dumps(summary, indent=1))
    print(f"checkpoint, history and metrics in {args.out}/")
    return summary


if __name__ == "__main__":
    main()

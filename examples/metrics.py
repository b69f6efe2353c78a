"""Segmentation metrics: a confusion matrix accumulated over a test set, and IoU from it.

mIoU is reported twice: over all classes (the paper's number, background included) and over the
face classes only ("no background"), which is the harder and more telling one on small faces.

Use::

    cm = torch.zeros(6, 6, dtype=torch.int64)
    for x, y in loader:
        cm += confusion_matrix(model(x).argmax(1), y, num_classes=6)
    scores = iou_from_confusion(cm)      # {"per_class_iou": [...], "miou": ..., "miou_no_bg": ...}

Next to IoU, the ROI temperature error: thermal faces are segmented to *measure temperatures
through the masks* (nose-tip cooling, periorbital warming), and a mask can overlap well yet take in
hotter or colder pixels, or overlap poorly yet measure the same mean. Per class and frame, the mean
°C through the predicted mask is compared with the mean through the true mask::

    measured = roi_temperatures(pred, target, temps, num_classes=6, ignore=target == 255)
    roi_error(measured[:, 1:], CLASS_NAMES[1:])  # {"nose": {"mae", "bias", "frames", "missed"}}
"""

import math
import operator

import numpy as np
import torch

CLASS_NAMES = ("background", "chin", "mouth", "eyes", "eyebrows", "nose")


def confusion_matrix(pred, target, num_classes, ignore_index=255):
    """Count (true class, predicted class) pairs over all non-ignored pixels.

    Parameters
    ----------
    pred, target : torch.Tensor
        Integer class maps of the same shape; `target` may contain `ignore_index`.
    num_classes : int
        Number of classes C.
    ignore_index : int
        Target value of pixels left out of the count.

    Returns
    -------
    torch.Tensor
        int64 (C, C); entry ``[t, p]`` counts pixels of true class ``t`` predicted as ``p``.
    """
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} and "
                         f"{target.shape}")
    keep = target != ignore_index
    t = target[keep].long()
    p = pred[keep].long()
    counts = torch.bincount(t * num_classes + p, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).cpu()


def iou_from_confusion(cm, background=0):
    """Per-class IoU and mean IoU (with and without the background class) from a confusion matrix.

    A class that appears neither in the targets nor in the predictions has no IoU (``nan`` in
    `per_class_iou`) and is left out of the means.

    Returns
    -------
    dict
        ``per_class_iou`` (list of float), ``miou`` (mean over all classes) and ``miou_no_bg``
        (mean over all classes except `background`).
    """
    cm = cm.double()
    tp = cm.diag()
    union = cm.sum(0) + cm.sum(1) - tp
    iou = [float(t / u) if u > 0 else math.nan for t, u in zip(tp, union, strict=True)]
    return {
        "per_class_iou": iou,
        "miou": _nanmean(iou),
        "miou_no_bg": _nanmean([v for k, v in enumerate(iou) if k != background]),
    }


def _nanmean(values):
    values = [v for v in values if not math.isnan(v)]
    return sum(values) / len(values) if values else math.nan


def roi_temperatures(pred, target, image, num_classes, ignore=None):
    """Mean temperature of each class's region, through the predicted and through the true mask.

    Parameters
    ----------
    pred, target : array_like of int, (n, H, W) or (H, W)
        Predicted and true class maps of `n` frames (or one). A target value outside
        ``[0, num_classes)`` (such as the ignore label 255) belongs to no class's mask; every
        predicted value must be a class.
    image : array_like of float, same shape
        The *raw* temperatures in °C the maps belong to (not the normalised network input).
    num_classes : int
        Number of classes C.
    ignore : array_like of bool, same shape, optional
        Pixels left out of both masks, e.g. occluded pixels or ``target == 255``.

    Returns
    -------
    ndarray
        float64 (n, C, 2), or (C, 2) for one (H, W) frame: ``[..., 0]`` the mean temperature
        through the predicted mask, ``[..., 1]`` through the true mask; NaN where that mask is
        empty in the frame.

    Raises
    ------
    TypeError
        If `pred` or `target` is not integer, `image` is not real, `ignore` is not bool, or
        `num_classes` is not an integer.
    ValueError
        If the shapes differ or are not (H, W) / (n, H, W), `num_classes` < 1, a predicted class
        lies outside ``[0, num_classes)``, or a counted temperature is not finite.
    """
    pred, target, image = np.asarray(pred), np.asarray(target), np.asarray(image)
    for name, a in (("pred", pred), ("target", target)):
        if not np.issubdtype(a.dtype, np.integer):
            raise TypeError(f"{name} must be an integer class map, got dtype {a.dtype}")
    # bool is not a temperature: it is almost always a mask passed in the wrong place.
    if not any(np.issubdtype(image.dtype, kind) for kind in (np.floating, np.integer)):
        raise TypeError(f"image must hold real temperatures in °C, got dtype {image.dtype}")
    try:
        num_classes = operator.index(num_classes)
    except TypeError:
        raise TypeError(f"num_classes must be an int, got {type(num_classes).__name__}") from None
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    if pred.ndim not in (2, 3):
        raise ValueError(f"pred must be (H, W) or (n, H, W), got shape {pred.shape}")
    for name, a in (("target", target), ("image", image)):
        if a.shape != pred.shape:
            raise ValueError(f"{name} must have pred's shape {pred.shape}, got {a.shape}")
    keep = np.ones(pred.shape, bool)
    if ignore is not None:
        ignore = np.asarray(ignore)
        if ignore.dtype != bool:
            raise TypeError(f"ignore must be a bool array, got dtype {ignore.dtype}")
        if ignore.shape != pred.shape:
            raise ValueError(f"ignore must have pred's shape {pred.shape}, got {ignore.shape}")
        keep = ~ignore
    predicted = pred[keep]
    if predicted.size and (predicted.min() < 0 or predicted.max() >= num_classes):
        raise ValueError(f"pred must lie in [0, {num_classes}), got values from "
                         f"{predicted.min()} to {predicted.max()}")
    if not np.isfinite(image[keep]).all():
        raise ValueError("image must be finite on the pixels counted: leave dead or missing "
                         "pixels out with ignore")

    single = pred.ndim == 2
    pred, target, image, keep = (a[None] if single else a for a in (pred, target, image, keep))
    n = len(pred)
    # One bincount per mask over the bins frame * C + class: every frame and class in one pass,
    # whatever the number of frames. Pixels that count for no class go to one extra bin, dropped.
    frame = np.arange(n).reshape(n, 1, 1) * num_classes
    temps = image.astype(np.float64, copy=False)
    measured = np.empty((n, num_classes, 2))
    for k, labels in enumerate((pred, target)):
        labels = labels.astype(np.int64, copy=False)
        counted = keep & (labels >= 0) & (labels < num_classes)
        bins = np.where(counted, frame + labels, n * num_classes).ravel()
        sums = np.bincount(bins, weights=temps.ravel(), minlength=n * num_classes + 1)
        counts = np.bincount(bins, minlength=n * num_classes + 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums[:-1] / counts[:-1]  # 0 / 0 = NaN: the mask is empty in that frame
        measured[..., k] = mean.reshape(n, num_classes)
    return measured[0] if single else measured


def roi_error(measured, class_names=None):
    """Summarise ROI temperatures over frames: per class, how far the predicted mask's mean is off.

    Parameters
    ----------
    measured : array_like of float, (n, C, 2) or (C, 2)
        :func:`roi_temperatures`' output (NaN where a mask is empty); a slice of its classes,
        e.g. ``measured[:, 1:]`` without the background, works as well.
    class_names : sequence, optional
        One key per class of `measured`; the default is the class index.

    Returns
    -------
    dict
        ``{class: {"mae", "bias", "frames", "missed"}}``: over the frames where both masks are
        non-empty (``frames`` of them), the mean absolute difference in °C between the predicted
        and the true mask's mean temperature and the mean signed difference (predicted - true;
        negative when the prediction measures colder); ``missed`` counts the frames where the
        class is present but nothing is predicted as it. ``mae`` and ``bias`` are None where no
        frame qualifies (JSON null, never NaN).

    Raises
    ------
    TypeError
        If `measured` is not real.
    ValueError
        If its shape is not (n, C, 2) or (C, 2), it holds infinities, or `class_names` does not
        have C entries.
    """
    measured = np.asarray(measured)
    if not any(np.issubdtype(measured.dtype, kind) for kind in (np.floating, np.integer)):
        raise TypeError(f"measured must hold temperatures, got dtype {measured.dtype}")
    if measured.ndim == 2:
        measured = measured[None]
    if measured.ndim != 3 or measured.shape[-1] != 2:
        raise ValueError(f"measured must be (n, C, 2) or (C, 2), got shape {measured.shape}")
    measured = measured.astype(np.float64, copy=False)
    if np.isinf(measured).any():
        raise ValueError("measured must hold finite temperatures or NaN (empty mask)")
    num_classes = measured.shape[1]
    if class_names is None:
        class_names = range(num_classes)
    class_names = list(class_names)
    if len(class_names) != num_classes:
        raise ValueError(f"class_names must have one entry per class ({num_classes}), "
                         f"got {len(class_names)}")
    predicted, true = measured[..., 0], measured[..., 1]
    both = ~np.isnan(predicted) & ~np.isnan(true)
    frames = both.sum(0)
    missed = (np.isnan(predicted) & ~np.isnan(true)).sum(0)
    diff = np.where(both, predicted - true, 0.0)
    summary = {}
    for c, name in enumerate(class_names):
        count = int(frames[c])
        summary[name] = {
            "mae": float(np.abs(diff[:, c]).sum() / count) if count else None,
            "bias": float(diff[:, c].sum() / count) if count else None,
            "frames": count,
            "missed": int(missed[c]),
        }
    return summary

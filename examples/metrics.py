"""Segmentation metrics: a confusion matrix accumulated over a test set, and IoU from it.

mIoU is reported twice: over all classes (the paper's number, background included) and over the
face classes only ("no background"), which is the harder and more telling one on small faces.

Use::

    cm = torch.zeros(6, 6, dtype=torch.int64)
    for x, y in loader:
        cm += confusion_matrix(model(x).argmax(1), y, num_classes=6)
    scores = iou_from_confusion(cm)      # {"per_class_iou": [...], "miou": ..., "miou_no_bg": ...}
"""

import math

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

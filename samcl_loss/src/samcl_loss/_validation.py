"""Argument checks shared by the losses.

Wrong types or dtypes raise ``TypeError``; wrong shapes or values raise ``ValueError``. Every
message names the argument and says what is accepted.
"""

import numbers

import torch

# Most classes a label map may have: the class swaps, one-hot maps and covariances are per class.
MAX_CLASSES = 2**16
# Most scales: each halves the resolution, and 2**31 pixels a side is beyond any image.
MAX_SCALES = 32
# Largest RMI region radius, pooling window and stride: beyond any image side, and within what
# torch's pooling accepts (a window of 2**63 passed the size check and overflowed inside torch).
MAX_WINDOW = 2**15
# Largest weight or margin: their products with a float32 loss stay finite.
MAX_WEIGHT = 1e6


def check_int(value, name, *, low, high=None):
    """Return `value` if it is an int >= `low` (and <= `high`); bool is rejected."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if high is None and value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value}")
    if high is not None and not low <= value <= high:
        raise ValueError(f"{name} must be an int in [{low}, {high}], got {value}")
    return int(value)


def check_float(value, name, *, low=0.0, high=MAX_WEIGHT):
    """Return `value` as float if it is a real number in [`low`, `high`]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not low <= value <= high:  # also False for NaN
        raise ValueError(f"{name} must be a finite number in [{low:g}, {high:g}], got {value}")
    return value


def check_class_weights(value, num_classes, name):
    """None, or `value` (a sequence or 1-D tensor of `num_classes` reals in [0, MAX_WEIGHT]) as
    a float64 tensor."""
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        if value.is_complex() or value.dtype == torch.bool:
            raise TypeError(f"{name} must hold real numbers, got a tensor of {value.dtype}")
        weights = value.detach().to("cpu", torch.float64)
    else:
        try:
            items = list(value)
        except TypeError:
            raise TypeError(f"{name} must be None, a sequence or a 1-D tensor of {num_classes} "
                            f"numbers, got {type(value).__name__}") from None
        for item in items:
            if isinstance(item, bool) or not isinstance(item, numbers.Real):
                raise TypeError(f"{name} must hold real numbers, got {type(item).__name__}")
        weights = torch.tensor([float(v) for v in items], dtype=torch.float64)
    if weights.shape != (num_classes,):
        raise ValueError(f"{name} must have one weight per class, shape ({num_classes},), got "
                         f"shape {tuple(weights.shape)}")
    if not bool(((weights >= 0) & (weights <= MAX_WEIGHT)).all()):  # also False for NaN
        raise ValueError(f"{name} must hold finite numbers in [0, {MAX_WEIGHT:g}], got "
                         f"{weights.tolist()}")
    return weights


def check_choice(value, name, choices):
    """Return `value` if it is one of `choices`."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


_INT64 = (-(2**63), 2**63 - 1)


def check_ignore_index(ignore_index, num_classes):
    """Return `ignore_index` if it is an int64 outside the class range [0, num_classes)."""
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"ignore_index must be an int, got {type(ignore_index).__name__}")
    if 0 <= ignore_index < num_classes or not _INT64[0] <= ignore_index <= _INT64[1]:
        raise ValueError(
            f"ignore_index must lie outside the class labels [0, {num_classes}) and fit int64, "
            f"got {ignore_index}"
        )
    return int(ignore_index)


def check_target(target, num_classes, ignore_index, name="target"):
    """Return `target` as int64 if it is an integer tensor of labels in [0, C) or ignore_index.

    Any integer dtype is accepted (uint8, int8, int16, int32, int64). Labels are compared as
    int64: compared in the target's own dtype, ``ignore_index`` and the class count would wrap
    (a uint8 target would read ignore_index=256 as class 0).
    """
    if not isinstance(target, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of class labels, got {type(target).__name__}"
        )
    if target.dtype.is_floating_point or target.dtype.is_complex or target.dtype == torch.bool:
        raise TypeError(
            f"{name} must be an integer tensor of class labels (uint8, int8, int16, int32 or "
            f"int64), got {target.dtype}"
        )
    target = target.long()  # a copy unless already int64: never modified either way
    _check_labels(target, num_classes, ignore_index, name)
    return target


# Data-dependent: kept out of compiled graphs (torch.compile runs it eagerly, without warnings).
@torch.compiler.disable
def _check_labels(target, num_classes, ignore_index, name):
    # One reduction (one device sync on CUDA) instead of a device-side assert deep inside one_hot.
    bad = ((target < 0) | (target >= num_classes)) & (target != ignore_index)
    if bool(bad.any()):
        found = target[bad].unique()[:5].tolist()
        raise ValueError(
            f"{name} must hold labels in [0, {num_classes}) or ignore_index={ignore_index}, "
            f"found {found}"
        )


def check_logits_target(logits, target, num_classes, ignore_index):
    """Check a (N, C, H, W) float `logits` / (N, H, W) integer `target` pair; return the
    target as int64."""
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"logits must be a torch.Tensor, got {type(logits).__name__}")
    if not logits.dtype.is_floating_point:
        raise TypeError(
            "logits must be a floating-point tensor (raw scores before softmax), "
            f"got {logits.dtype}"
        )
    if logits.ndim != 4:
        raise ValueError(f"logits must have shape (N, C, H, W), got {tuple(logits.shape)}")
    if logits.shape[1] != num_classes:
        raise ValueError(
            f"logits must have num_classes={num_classes} channels (dim 1), got {logits.shape[1]}"
        )
    if not isinstance(target, torch.Tensor):
        raise TypeError(
            f"target must be a torch.Tensor of class labels, got {type(target).__name__}"
        )
    if target.ndim != 3:
        raise ValueError(f"target must have shape (N, H, W), got {tuple(target.shape)}")
    expected = (logits.shape[0],) + tuple(logits.shape[2:])
    if tuple(target.shape) != expected:
        raise ValueError(
            f"target shape {tuple(target.shape)} does not match logits (N, H, W) = {expected}"
        )
    if target.device != logits.device:
        raise ValueError(f"target is on {target.device} but logits are on {logits.device}")
    return check_target(target, num_classes, ignore_index)

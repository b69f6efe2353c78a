"""Class-swapped negatives: a per-sample derangement of the class labels."""

import math

import torch

from ._validation import MAX_CLASSES, check_ignore_index, check_int, check_target


@torch.compiler.disable
def derangements(n, num_classes, generator=None):
    """Return (n, num_classes) int64: row i maps old label k to new label ``row[k] != k``.

    Uniform over derangements (rejection sampling of random permutations, accepted with
    probability ~1/e). Drawn on the generator's device (CPU when `generator` is None, using the
    global CPU generator), so a fixed seed gives the same rows on every machine.
    """
    device = generator.device if generator is not None else torch.device("cpu")
    out = torch.empty((n, num_classes), dtype=torch.long, device=device)
    identity = torch.arange(num_classes, device=device)
    todo = torch.arange(n, device=device)
    while todo.numel():
        cand = torch.rand((todo.numel(), num_classes), generator=generator, device=device)
        cand = cand.argsort(dim=1)
        ok = (cand != identity).all(dim=1)
        out[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return out


def swap_labels(target, perms, ignore_index):
    """Apply per-sample label maps `perms` (N, C) to int64 `target` (N, ...); ignored pixels are
    kept."""
    valid = target != ignore_index
    # Not flatten(1): a 1-D target (one label per sample) has no dim 1, and an empty batch
    # leaves no size to infer.
    idx = torch.where(valid, target, 0).reshape(target.shape[0], math.prod(target.shape[1:]))
    swapped = perms.to(target.device).gather(1, idx).view(target.shape)
    return torch.where(valid, swapped, target)


def class_swap(target, num_classes, generator=None, ignore_index=255):
    """Class-swapped label map: the negative sample of SAM-CL.

    Each sample gets its own random derangement ``pi`` of the class labels (no class keeps its
    label) and every label ``k`` becomes ``pi[k]``. In one-hot form this is a permutation of the
    class channels in which no channel keeps its place, as in the paper.

    Parameters
    ----------
    target : Tensor, shape (N, ...)
        Integer labels in [0, num_classes) or `ignore_index`, of any integer dtype (compared as
        int64); dim 0 indexes the samples, so a 1-D target holds one label per sample. Never
        modified.
    num_classes : int
        Number of classes C, 2 to 65536 (a single class has no derangement).
    generator : torch.Generator, optional
        Source of randomness; the draw happens on its device (CPU for None, which uses the global
        CPU generator). The same generator state gives the same swaps.
    ignore_index : int, optional
        Pixels with this label keep it.

    Returns
    -------
    Tensor
        Integer label map with the shape, dtype and device of `target`. Use
        ``torch.nn.functional.one_hot`` for the one-hot negative.

    Raises
    ------
    TypeError
        If `target` is not an integer tensor.
    ValueError
        If `target` has no sample dimension, `num_classes` < 2, `num_classes` - 1 exceeds the
        largest value of the target's dtype (the swapped labels would wrap), or labels are
        outside [0, num_classes) and not `ignore_index`.

    Examples
    --------
    >>> import torch
    >>> from samcl_loss import class_swap
    >>> target = torch.tensor([[[0, 1], [2, 255]]])
    >>> swapped = class_swap(target, 3, generator=torch.Generator().manual_seed(0))
    >>> bool((swapped[target != 255] != target[target != 255]).all())
    True
    """
    num_classes = check_int(num_classes, "num_classes", low=2, high=MAX_CLASSES)
    ignore_index = check_ignore_index(ignore_index, num_classes)
    labels = check_target(target, num_classes, ignore_index)
    if target.ndim < 1:
        raise ValueError("target must have a leading sample dimension (N, ...), got a 0-d tensor")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}"
        )
    top = torch.iinfo(target.dtype).max
    if num_classes - 1 > top:
        # The swapped labels reach num_classes - 1: cast back to the target's dtype they would
        # wrap (int8: 199 -> -57) and two classes could share a label.
        raise ValueError(
            f"num_classes={num_classes} does not fit target's dtype {target.dtype}: the swapped "
            f"labels must lie in [0, {top}]; pass a wider target (e.g. target.long())"
        )
    perms = derangements(target.shape[0], num_classes, generator)
    # Swapped labels are classes or the target's own ignore label: they fit its dtype.
    return swap_labels(labels, perms, ignore_index).to(target.dtype)

"""SAM-CL: self-adversarial multi-scale contrastive loss (Joshi et al., BMVC 2022)."""

import torch
import torch.nn.functional as F
from torch import nn

from ._numerics import compute_dtype, no_autocast
from ._validation import (
    MAX_CLASSES,
    MAX_SCALES,
    MAX_WINDOW,
    check_choice,
    check_float,
    check_ignore_index,
    check_int,
    check_logits_target,
)
from .aux import AUX_MODES, AuxiliaryNetwork
from .rmi import check_spatial_size, one_hot, rmi_lower_bound
from .swap import derangements, swap_labels

# Smooths the cosine at (near-)zero feature vectors; bounds its gradient by ~1 / sqrt(_EPS).
_EPS = 1e-6


def _cosine_distance(u, v, weight):
    """Per-sample weighted mean of 1 - cos(u, v); u, v (N, C, h, w), weight (N, 1, h, w)."""
    cos = (u * v).sum(1) / torch.sqrt((u.square().sum(1) + _EPS) * (v.square().sum(1) + _EPS))
    w = weight[:, 0]
    return ((1.0 - cos) * w).flatten(1).sum(1) / w.flatten(1).sum(1).clamp_min(_EPS)


class SAMCLLoss(nn.Module):
    """Self-adversarial multi-scale contrastive (SAM-CL) loss.

    A triplet loss per sample and per scale, summed over the scales (Eq. 3 of the paper)::

        L = sum_s max(d_s(a, p) - d_s(a, n) + margin, 0)

    with anchor ``a = softmax(logits)`` (differentiable: the gradient reaches the segmenter),
    positive ``p`` = one-hot target and negative ``n`` = one-hot of the class-swapped target
    (`class_swap`: a random derangement of the classes per sample, so no class channel matches).
    Add it to the pixel loss: ``loss = pixel_loss + 0.5 * samcl(logits, target)``.

    Parameters
    ----------
    num_classes : int
        Number of classes C, 2 to 65536.
    ignore_index : int, optional
        Label of pixels without supervision (outside [0, C)). They are zeroed in the anchor,
        positive and negative before any scale, and carry zero weight in every distance, so the
        scores at ignored pixels have no influence on the loss or on any gradient.
    margin : float, optional
        Triplet margin, in [0, 1e6].
    num_scales : int, optional
        Scale 0 (full resolution) plus ``num_scales - 1`` scales of the auxiliary network, 1 to
        32.
    aux : {"frozen", "joint"}, optional
        Mode of the auxiliary network `aux`, see `AuxiliaryNetwork`. ``"frozen"`` (default) is a
        fixed stride-2 box filter: no parameters, nothing to optimise or synchronise.
        ``"joint"`` learns normalised stride-2 convolutions; add ``samcl.parameters()`` to the
        optimizer.
    reduction : {"mean", "sum", "none"}, optional
        Over samples; ``"none"`` returns the (N,) per-sample losses. ``"mean"`` averages over the
        samples that have at least one valid pixel (samples without any count 0).
    rmi_radius, rmi_pool, rmi_pool_size, rmi_stride : optional
        Region settings of the scale-0 RMI distance, as in `RMILoss` (paper: 3, "max", 3, 3).

    Attributes
    ----------
    aux : AuxiliaryNetwork
        ``aux(x)`` on (B, C, H, W) returns the ``num_scales - 1`` down-scaled maps.
    generator : torch.Generator
        The loss's own CPU generator: the class swaps of a call without a `generator` argument
        are drawn from it (on the CPU, then moved to the target's device), never from torch's
        global generators, so adding the loss does not change the dropout masks or data order of
        the training. It is seeded at construction with ``torch.initial_seed()`` (after
        ``torch.manual_seed(s)`` the swaps follow ``s``); reseed it with
        ``samcl.generator.manual_seed(s)``. It is not part of ``state_dict()``: to resume the
        exact swaps, save ``samcl.generator.get_state()`` and restore it with ``set_state``.

    Notes
    -----
    Distances:

    - Scale 0: ``d_0(a, y) = RMI(a, y)``, the region-mutual-information term of Zhao et al. (the
      log-determinant of the posterior covariance of the label's 3x3 region vectors given the
      anchor's, per class), averaged over the classes, per sample. It is a loss of a prediction
      against a label map, not a metric, but the triplet only uses the difference
      ``d_0(a, p) - d_0(a, n)``. Because ``n`` holds the same class masks as ``p`` in other
      channels, an anchor that carries no information (constant) gives exactly equal terms, hence
      a loss of ``margin``; a correct anchor drives ``d_0(a, p)`` to its minimum
      ``0.5 * log(5e-4)`` while ``d_0(a, n)`` stays large. The prediction covariance is shared by
      both terms.
    - Scales s >= 1: anchor, positive and negative go through `aux` in one batched pass
      (concatenated along the batch). ``d_s`` is the weighted mean over pixels of the cosine
      distance ``1 - cos`` between the per-pixel C-vectors; it ignores the feature scale, so it
      cannot be shrunk to zero by scaling the outputs. The weights are the validity mask
      down-sampled with the same 3x3 stride-2 window (fraction of valid pixels).

    Everything is computed with autocast disabled in float32 (float64 for float64 logits); the
    RMI covariances in float64.

    Every call checks the labels of `target` (one reduction and one device-to-host copy, which
    synchronises on a GPU; see `RMILoss` for what that costs).

    Distributed training (DDP): with ``aux="frozen"`` the loss has no parameters; use it as is
    (do not wrap it). With ``aux="joint"`` its parameters must be all-reduced like the model's:
    make the loss a submodule of the DDP-wrapped model (e.g. a module whose forward returns the
    logits and the loss), or wrap the loss itself, ``DDP(samcl)``, and call the wrapper. Each
    rank draws its swaps locally (no communication): ranks seeded alike draw the same swaps, so
    seed ``samcl.generator.manual_seed(seed + rank)`` or pass a per-rank `generator`.

    Examples
    --------
    >>> import torch
    >>> from samcl_loss import RMILoss, SAMCLLoss
    >>> pixel_loss, samcl = RMILoss(num_classes=6), SAMCLLoss(num_classes=6)
    >>> logits = torch.randn(2, 6, 64, 80, requires_grad=True)
    >>> target = torch.randint(0, 6, (2, 64, 80))
    >>> loss = pixel_loss(logits, target) + 0.5 * samcl(logits, target)
    >>> loss.backward()
    """

    def __init__(self, num_classes, ignore_index=255, margin=1.0, num_scales=4, aux="frozen",
                 reduction="mean", rmi_radius=3, rmi_pool="max", rmi_pool_size=3, rmi_stride=3):
        super().__init__()
        self.num_classes = check_int(num_classes, "num_classes", low=2, high=MAX_CLASSES)
        self.ignore_index = check_ignore_index(ignore_index, self.num_classes)
        self.margin = check_float(margin, "margin")
        self.num_scales = check_int(num_scales, "num_scales", low=1, high=MAX_SCALES)
        self.reduction = check_choice(reduction, "reduction", ("mean", "sum", "none"))
        self.rmi_radius = check_int(rmi_radius, "rmi_radius", low=1, high=MAX_WINDOW)
        self.rmi_pool = check_choice(rmi_pool, "rmi_pool", ("max", "avg"))
        self.rmi_pool_size = check_int(rmi_pool_size, "rmi_pool_size", low=1, high=MAX_WINDOW)
        self.rmi_stride = check_int(rmi_stride, "rmi_stride", low=1, high=MAX_WINDOW)
        self.aux = AuxiliaryNetwork(self.num_classes, self.num_scales - 1,
                                    check_choice(aux, "aux", AUX_MODES))
        # Reads the global seed, never draws from the global generator.
        self.generator = torch.Generator().manual_seed(torch.initial_seed())

    # torch.Generator pickles only from torch 2.2 on: copies and pickles carry its state.
    def __getstate__(self):
        state = super().__getstate__().copy()
        state["generator"] = state["generator"].get_state()
        return state

    def __setstate__(self, state):
        generator = torch.Generator()
        generator.set_state(state.pop("generator"))
        super().__setstate__({**state, "generator": generator})

    def extra_repr(self):
        return (f"num_classes={self.num_classes}, ignore_index={self.ignore_index}, "
                f"margin={self.margin}, num_scales={self.num_scales}, "
                f"reduction={self.reduction!r}")

    def forward(self, logits, target, *, generator=None):
        """Return the SAM-CL loss.

        Parameters
        ----------
        logits : Tensor, shape (N, C, H, W)
            Raw scores of the segmenter (float16, bfloat16, float32 or float64).
        target : Tensor, shape (N, H, W)
            Integer labels in [0, C) or `ignore_index`, of any integer dtype (uint8 to int64,
            compared as int64); never modified. N may be 0 (the loss is then 0).
        generator : torch.Generator, optional
            Source of the class swaps (see `class_swap`); default: the loss's own `generator`.

        Returns
        -------
        Tensor
            0-dim (``"mean"``, ``"sum"``) or (N,) (``"none"``); float32, or float64 for float64
            logits; NaN for a sample with a NaN score at a valid pixel, as torch's losses give.

        Raises
        ------
        TypeError
            If `logits` is not a float tensor, `target` not an integer tensor or `generator` not
            a torch.Generator.
        ValueError
            On shape mismatch, a wrong channel count, labels outside [0, C) that are not
            `ignore_index`, or an image too small for the RMI regions.
        """
        target = check_logits_target(logits, target, self.num_classes, self.ignore_index)
        check_spatial_size(logits.shape, self.rmi_radius, self.rmi_pool_size, self.rmi_stride)
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(
                f"generator must be a torch.Generator or None, got {type(generator).__name__}")
        n, c = logits.shape[:2]
        perms = derangements(n, c, self.generator if generator is None else generator)
        dtype = compute_dtype(logits.dtype)
        with no_autocast(logits.device):
            valid = target != self.ignore_index
            vmask = valid.unsqueeze(1)
            # where() (not a product) so that inf/NaN scores at ignored pixels cannot leak.
            x = torch.where(vmask, logits.to(dtype), 0.0)
            anchor = torch.softmax(x, dim=1) * vmask
            pos = one_hot(target, c, dtype)  # zero at ignored pixels
            neg = one_hot(swap_labels(target, perms, self.ignore_index), c, dtype)

            rmi = rmi_lower_bound(anchor, torch.stack([pos, neg]), radius=self.rmi_radius,
                                  pool=self.rmi_pool, pool_size=self.rmi_pool_size,
                                  stride=self.rmi_stride).mean(-1).to(dtype)  # (2, N)
            loss = F.relu(rmi[0] - rmi[1] + self.margin)

            if self.num_scales > 1:
                weight = vmask.to(dtype)
                for feats in self.aux(torch.cat([anchor, pos, neg])):
                    weight = F.avg_pool2d(weight, 3, stride=2, padding=1, count_include_pad=True)
                    # unflatten, not split(n): split(0) of an empty batch gives one chunk.
                    fa, fp, fn = feats.to(dtype).unflatten(0, (3, n)).unbind(0)
                    d_pos = _cosine_distance(fa, fp, weight)
                    d_neg = _cosine_distance(fa, fn, weight)
                    loss = loss + F.relu(d_pos - d_neg + self.margin)

            has_valid = valid.flatten(1).any(1)
            loss = torch.where(has_valid, loss, 0.0)
            if self.reduction == "none":
                return loss
            if self.reduction == "sum":
                return loss.sum()
            return loss.sum() / has_valid.sum().clamp_min(1)

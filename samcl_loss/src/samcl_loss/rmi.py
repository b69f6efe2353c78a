"""Region mutual information (RMI) loss of Zhao et al., NeurIPS 2019.

RMI models each pixel by the vector of its ``radius x radius`` neighbourhood and maximises a lower
bound of the mutual information between the label and prediction vectors of every class. The
bound reduces to the log-determinant of the posterior covariance of the label vectors given the
prediction vectors, ``0.5 * log det(Cov(Y) - Cov(Y, P) Cov(P)^-1 Cov(Y, P)^T)``, which is small when
the prediction explains the label structure of each neighbourhood.
"""

import torch
import torch.nn.functional as F
from torch import nn

from ._numerics import compute_dtype, no_autocast
from ._validation import (
    MAX_CLASSES,
    MAX_WINDOW,
    check_choice,
    check_class_weights,
    check_float,
    check_ignore_index,
    check_int,
    check_logits_target,
)

# Ridge added to the covariance matrices so that they stay positive definite (reference value).
POS_ALPHA = 5e-4
#: Largest |score| the BCE sees: a sum over 10**8 pixels of such losses is still a float32.
MAX_LOGIT = 1e30


def one_hot(target, num_classes, dtype):
    """(N, H, W) labels -> (N, C, H, W) one-hot; labels outside [0, C) (ignored) give zeros."""
    classes = torch.arange(num_classes, device=target.device).view(1, -1, 1, 1)
    return (target.unsqueeze(1) == classes).to(dtype)


def _pool(x, pool, pool_size, stride):
    if pool_size == 1 and stride == 1:
        return x
    fn = F.max_pool2d if pool == "max" else F.avg_pool2d
    return fn(x, kernel_size=pool_size, stride=stride, padding=pool_size // 2)


def _region_vectors(x, radius):
    """(..., C, h, w) -> (..., C, radius**2, P) float64 neighbourhood vectors (not centred)."""
    lead, (c, h, w) = x.shape[:-3], x.shape[-3:]
    # float64 before unfold: unfold's output is radius**2 times larger than its input.
    v = F.unfold(x.reshape(-1, c, h, w).double(), radius)  # (B, C * r * r, P), row-major offsets
    # P spelled out: an empty batch leaves no size to infer.
    return v.reshape(*lead, c, radius * radius, v.shape[-1])


def _cov(a, b):
    """Sum over positions of the products of the centred vectors: a (..., d, P), b (..., e, P)."""
    # Centring via the sums avoids centred copies of the large (.., d, P) tensors; in float64 the
    # cancellation is harmless (values in [0, 1], P ~ 1e4 to 1e5).
    sa, sb = a.sum(-1, keepdim=True), b.sum(-1, keepdim=True)
    return a @ b.transpose(-1, -2) - (sa @ sb.transpose(-1, -2)) / a.shape[-1]


def pooled_size(size, pool_size, stride):
    """Spatial size after RMI's pooling (padding pool_size // 2)."""
    if pool_size == 1 and stride == 1:
        return size
    return (size + 2 * (pool_size // 2) - pool_size) // stride + 1


def check_spatial_size(shape, radius, pool_size, stride):
    """Raise ValueError naming logits if (H, W) is too small for the RMI regions."""
    h, w = (pooled_size(s, pool_size, stride) for s in shape[-2:])
    if min(h, w) < radius:
        raise ValueError(
            f"logits spatial size {tuple(shape[-2:])} is too small for RMI: after pooling "
            f"(pool_size={pool_size}, stride={stride}) it is {(h, w)}, smaller than radius={radius}"
        )


def rmi_lower_bound(probs, labels, *, radius=3, pool="max", pool_size=3, stride=3):
    """Per-sample, per-class RMI term ``0.5 * log det(posterior covariance) / radius**2``.

    No argument checks (private building block of `RMILoss` and `SAMCLLoss`).

    Parameters
    ----------
    probs : Tensor, shape (N, C, H, W)
        Predicted probabilities, already zero at ignored pixels.
    labels : Tensor, shape (K, N, C, H, W)
        K one-hot label maps compared with the same prediction (zero at ignored pixels); the
        prediction covariance and its Cholesky factor are computed once and shared.

    Returns
    -------
    Tensor, shape (K, N, C), float64
    """
    half_d = radius * radius
    eye = torch.eye(half_d, dtype=torch.float64, device=probs.device)
    pr = _region_vectors(_pool(probs, pool, pool_size, stride), radius)  # (N, C, d, P)
    k = labels.shape[0]
    la = _region_vectors(_pool(labels.flatten(0, 1), pool, pool_size, stride), radius)
    la = la.reshape(k, *pr.shape[:2], half_d, pr.shape[-1])  # (K, N, C, d, P)
    # Covariances are sums over positions, not means, as in the reference: the ridge POS_ALPHA is
    # relative to those sums. That makes the matrices badly conditioned for float32, hence float64.
    # cholesky_ex: a NaN score (the ridge keeps finite inputs positive definite) gives a NaN
    # term, as in torch's losses, instead of a LinAlgError; GradScaler then skips the step.
    chol, failed = torch.linalg.cholesky_ex(_cov(pr, pr) + POS_ALPHA * eye)
    la_cov = _cov(la, la)
    la_pr = torch.stack([_cov(la_k, pr) for la_k in la])  # (K, N, C, d, d)
    # Cov(Y, P) Cov(P)^-1 Cov(Y, P)^T = Z^T Z with Z = L^-1 Cov(Y, P)^T.
    z = torch.linalg.solve_triangular(chol.expand_as(la_pr), la_pr.transpose(-1, -2), upper=False)
    post = la_cov - z.transpose(-1, -2) @ z + POS_ALPHA * eye
    post = 0.5 * (post + post.transpose(-1, -2))
    post_chol, post_failed = torch.linalg.cholesky_ex(post)
    logdet = 2.0 * torch.log(torch.diagonal(post_chol, dim1=-2, dim2=-1)).sum(-1)
    return torch.where((failed == 0) & (post_failed == 0), 0.5 * logdet / half_d, torch.nan)


class RMILoss(nn.Module):
    """Region mutual information loss combined with sigmoid binary cross-entropy.

    ``loss = bce_weight * BCE + rmi_weight * RMI``, the pixel loss of the SAM-CL paper (with the
    defaults 0.5 / 0.5, radius 3 and 3x3 max-pooling with stride 3).

    Parameters
    ----------
    num_classes : int
        Number of classes C, 1 to 65536.
    radius : int, optional
        Side of the square neighbourhood whose pixels form one region vector, 1 to 32768.
    pool : {"max", "avg"}, optional
        Down-sampling applied to labels and probabilities before the region vectors are built.
    pool_size, stride : int, optional
        Pooling window and stride (padding ``pool_size // 2``), 1 to 32768; 1 and 1 disable
        the pooling.
    ignore_index : int, optional
        Label of pixels that carry no supervision; must lie outside [0, num_classes).
    bce_weight, rmi_weight : float, optional
        Weights of the two terms, in [0, 1e6].
    pos_weight : sequence of float or Tensor, shape (C,), optional
        Weight of each class's positive pixels in the BCE term, as ``pos_weight`` of
        ``torch.nn.BCEWithLogitsLoss``, each in [0, 1e6]; None (default) weights every pixel 1.
        Above 1 it counts a class's pixels more than the pixels of other classes, which helps a
        class that covers a small fraction of the frame (the eyes of a face: 0.4 %) to be
        learned early (see ``examples/train.py``'s ``balanced_pos_weight``). The RMI term is
        unweighted.
    reduction : {"mean", "sum", "none"}, optional
        As in torch's losses: ``"mean"`` (default) the loss described below, ``"none"`` the
        (N,) per-sample losses, whose mean is the ``"mean"`` loss, ``"sum"`` their sum. Sample
        ``n`` gets its own RMI term and its share of the BCE term: the BCE summed over its valid
        pixels, divided by the batch's mean count of valid pixels per sample (its own count when
        no pixel is ignored, so that per-sample losses do not depend on the rest of the batch).

    Notes
    -----
    Follows the reference implementation (github.com/ZJULearning/RMI, ``forward_sigmoid``):
    probabilities are ``sigmoid(logits)``; ignored pixels are removed from both the label and the
    prediction by zeroing them before pooling; covariances are sums over the region positions of
    each image with a ridge of 5e-4; the RMI term is averaged over the batch and summed over the
    classes, divided by ``radius**2``. It is negative (its minimum is about
    ``0.5 * C * log(5e-4)``), which does not matter for optimisation. The BCE term is likewise
    summed over the classes and averaged over the valid pixels (one deliberate difference: the
    reference divides by the count of valid pixels + 1).

    The computation runs with autocast disabled, in float32 (float64 for float64 logits); the
    covariances, Cholesky factors and log-determinants always use float64, on CPU and CUDA.

    Every call checks that `target` holds only labels in [0, C) or `ignore_index`: one reduction
    over the target, and one copy of its one-element result to the host. On a GPU that copy
    synchronises: the host waits until the GPU has finished the work queued so far (typically the
    forward pass), so it cannot queue the backward pass ahead of the GPU. The cost is the time the
    host would otherwise have run ahead, small when a step is dominated by GPU work, noticeable
    for small models whose steps are bound by kernel-launch overhead. Under ``torch.compile`` the
    check runs eagerly (one graph break). torch's own losses check labels inside a kernel instead
    (no synchronisation, but an out-of-range label then aborts the CUDA context with a device-side
    assert instead of a ``ValueError``).

    Examples
    --------
    >>> import torch
    >>> from samcl_loss import RMILoss
    >>> loss_fn = RMILoss(num_classes=3)
    >>> logits = torch.randn(2, 3, 32, 32, requires_grad=True)
    >>> target = torch.randint(0, 3, (2, 32, 32))
    >>> loss = loss_fn(logits, target)
    >>> loss.backward()
    """

    def __init__(self, num_classes, radius=3, pool="max", pool_size=3, stride=3,
                 ignore_index=255, bce_weight=0.5, rmi_weight=0.5, pos_weight=None,
                 reduction="mean"):
        super().__init__()
        self.num_classes = check_int(num_classes, "num_classes", low=1, high=MAX_CLASSES)
        self.radius = check_int(radius, "radius", low=1, high=MAX_WINDOW)
        self.pool = check_choice(pool, "pool", ("max", "avg"))
        self.pool_size = check_int(pool_size, "pool_size", low=1, high=MAX_WINDOW)
        self.stride = check_int(stride, "stride", low=1, high=MAX_WINDOW)
        self.ignore_index = check_ignore_index(ignore_index, self.num_classes)
        self.bce_weight = check_float(bce_weight, "bce_weight")
        self.rmi_weight = check_float(rmi_weight, "rmi_weight")
        self.reduction = check_choice(reduction, "reduction", ("mean", "sum", "none"))
        # A buffer, so that .to(device) moves it and state_dict() keeps it.
        self.register_buffer("pos_weight", check_class_weights(pos_weight, self.num_classes,
                                                               "pos_weight"))

    def extra_repr(self):
        return (f"num_classes={self.num_classes}, radius={self.radius}, pool={self.pool!r}, "
                f"pool_size={self.pool_size}, stride={self.stride}, "
                f"ignore_index={self.ignore_index}, bce_weight={self.bce_weight}, "
                f"rmi_weight={self.rmi_weight}, reduction={self.reduction!r}"
                + ("" if self.pos_weight is None else
                   f", pos_weight={[round(w, 4) for w in self.pos_weight.tolist()]}"))

    def forward(self, logits, target):
        """Return the scalar loss.

        Parameters
        ----------
        logits : Tensor, shape (N, C, H, W)
            Raw scores (float16, bfloat16, float32 or float64).
        target : Tensor, shape (N, H, W)
            Integer labels in [0, C) or `ignore_index`, of any integer dtype (uint8 to int64,
            compared as int64); never modified. N may be 0 (the loss is then 0).

        Returns
        -------
        Tensor
            0-dim (``"mean"``, ``"sum"``) or (N,) (``"none"``); float32, or float64 for float64
            logits; NaN when a score at a valid pixel is NaN, as torch's losses give.

        Raises
        ------
        TypeError
            If `logits` is not a float tensor or `target` not an integer tensor.
        ValueError
            On shape mismatch, a wrong channel count, labels outside [0, C) that are not
            `ignore_index`, or an image too small for the RMI regions.
        """
        target = check_logits_target(logits, target, self.num_classes, self.ignore_index)
        check_spatial_size(logits.shape, self.radius, self.pool_size, self.stride)
        dtype = compute_dtype(logits.dtype)
        with no_autocast(logits.device):
            valid = target != self.ignore_index
            vmask = valid.unsqueeze(1)
            # where() (not a product) so that inf/NaN scores at ignored pixels cannot leak.
            x = torch.where(vmask, logits.to(dtype), 0.0)
            # torch's BCE overflows to inf and NaN for finite scores near the float32 maximum;
            # beyond MAX_LOGIT a finite score says nothing more (its gradient is 0 there). The
            # added x - x is 0, or NaN for an infinite score: a diverged model gets no finite loss.
            x = x.clamp(-MAX_LOGIT, MAX_LOGIT) + (x - x)
            onehot = one_hot(target, self.num_classes, dtype)
            weight = vmask.to(dtype).expand_as(x)
            probs = torch.sigmoid(x) * vmask
            pos_weight = None if self.pos_weight is None else (
                self.pos_weight.to(device=x.device, dtype=dtype).view(-1, 1, 1))
            rmi = rmi_lower_bound(probs, onehot.unsqueeze(0), radius=self.radius, pool=self.pool,
                                  pool_size=self.pool_size, stride=self.stride)[0]  # (N, C)
            if self.reduction == "mean":
                bce = F.binary_cross_entropy_with_logits(x, onehot, weight=weight,
                                                         pos_weight=pos_weight, reduction="sum")
                bce = bce / valid.sum().clamp_min(1)
                # Batch mean as sum / N: an empty batch gives 0, not the NaN of a mean over
                # nothing.
                rmi = (rmi.sum() / max(x.shape[0], 1)).to(dtype)
                return self.bce_weight * bce + self.rmi_weight * rmi
            # Per sample: its BCE sum over the batch's mean valid count, its own RMI term.
            bce = F.binary_cross_entropy_with_logits(x, onehot, weight=weight,
                                                     pos_weight=pos_weight, reduction="none")
            bce = bce.flatten(1).sum(1) * (x.shape[0] / valid.sum().clamp_min(1).to(dtype))
            loss = self.bce_weight * bce + self.rmi_weight * rmi.sum(dim=1).to(dtype)
            return loss.sum() if self.reduction == "sum" else loss

import numpy as np
import pytest
import torch

from samcl_loss import RMILoss
from samcl_loss.rmi import MAX_LOGIT

requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


def slow_pool(x, pool, k, s):
    """Explicit-loop pooling of (H, W) with zero padding k // 2 (max ignores the padding)."""
    if k == 1 and s == 1:
        return x.copy()
    pad = k // 2
    h, w = x.shape
    oh, ow = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
    out = np.empty((oh, ow))
    for i in range(oh):
        for j in range(ow):
            vals = []
            for di in range(k):
                for dj in range(k):
                    y, x_ = i * s - pad + di, j * s - pad + dj
                    if 0 <= y < h and 0 <= x_ < w:
                        vals.append(x[y, x_])
                    elif pool == "avg":
                        vals.append(0.0)
            out[i, j] = max(vals) if pool == "max" else sum(vals) / (k * k)
    return out


def slow_region_vectors(x, r):
    """(h, w) -> (r*r, P): one column per position, rows = offsets (dy, dx) in row-major order."""
    h, w = x.shape
    cols = []
    for i in range(h - r + 1):
        for j in range(w - r + 1):
            cols.append([x[i + dy, j + dx] for dy in range(r) for dx in range(r)])
    return np.array(cols, dtype=np.float64).T


def slow_rmi_term(prob, label, r, pool, k, s):
    """0.5 * log det(posterior covariance) / r**2 for one (H, W) class map pair."""
    pr = slow_region_vectors(slow_pool(prob, pool, k, s), r)
    la = slow_region_vectors(slow_pool(label, pool, k, s), r)
    pr = pr - pr.mean(axis=1, keepdims=True)
    la = la - la.mean(axis=1, keepdims=True)
    eye = np.eye(r * r)
    pr_cov = pr @ pr.T + 5e-4 * eye
    la_pr = la @ pr.T
    post = la @ la.T - la_pr @ np.linalg.inv(pr_cov) @ la_pr.T + 5e-4 * eye
    sign, logdet = np.linalg.slogdet(post)
    assert sign > 0
    return 0.5 * logdet / (r * r)


def slow_rmi_loss(logits, target, num_classes, radius=3, pool="max", pool_size=3, stride=3,
                  ignore_index=255, bce_weight=0.5, rmi_weight=0.5, pos_weight=None):
    logits = logits.detach().double().numpy()
    target = target.numpy()
    n = logits.shape[0]
    valid = target != ignore_index
    bce_sum, rmi = 0.0, 0.0
    for b in range(n):
        for c in range(num_classes):
            y = ((target[b] == c) & valid[b]).astype(np.float64)
            z = logits[b, c]
            pw = 1.0 if pos_weight is None else float(pos_weight[c])
            # -[pw * y * log(sigmoid(z)) + (1 - y) * log(1 - sigmoid(z))], stably.
            softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))
            bce = pw * y * (softplus - z) + (1 - y) * softplus
            bce_sum += (bce * valid[b]).sum()
            prob = 1.0 / (1.0 + np.exp(-z)) * valid[b]
            rmi += slow_rmi_term(prob, y, radius, pool, pool_size, stride)
    bce = bce_sum / max(valid.sum(), 1)
    return bce_weight * bce + rmi_weight * rmi / n


def make_inputs(n=2, c=3, h=14, w=17, seed=0, dtype=torch.float64, ignore_frac=0.0):
    g = torch.Generator().manual_seed(seed)
    logits = 2 * torch.randn(n, c, h, w, generator=g, dtype=dtype)
    target = torch.randint(0, c, (n, h, w), generator=g)
    # Smooth-ish labels: blocks, so that region statistics are not pure noise.
    target = target[:, ::2, ::2].repeat_interleave(2, 1).repeat_interleave(2, 2)[:, :h, :w]
    if ignore_frac:
        target = torch.where(torch.rand(n, h, w, generator=g) < ignore_frac, 255, target)
    return logits, target.contiguous()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(pool="avg"),
        dict(radius=2, pool_size=2, stride=2),
        dict(radius=1, pool_size=1, stride=1),
        dict(bce_weight=1.0, rmi_weight=0.25),
        dict(bce_weight=1.0, pos_weight=(1.0, 6.5, 30.0)),
        dict(pos_weight=torch.tensor([0.0, 1.0, 2.5])),
    ],
)
@pytest.mark.parametrize("ignore_frac", [0.0, 0.2])
def test_matches_slow_reference(kwargs, ignore_frac):
    logits, target = make_inputs(ignore_frac=ignore_frac)
    got = RMILoss(3, **kwargs)(logits, target)
    want = slow_rmi_loss(logits, target, 3, **kwargs)
    assert got.dtype == torch.float64
    assert got.item() == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_pos_weight_of_ones_is_the_unweighted_loss_and_raises_a_class_recall():
    logits, target = make_inputs(n=2, c=3, h=20, w=20, ignore_frac=0.1)
    plain = RMILoss(3)(logits, target)
    assert RMILoss(3, pos_weight=[1, 1, 1])(logits, target).item() == pytest.approx(
        plain.item(), rel=1e-12)
    # Weighting class 2's positives pulls its scores up where it is the label, nowhere else.
    logits.requires_grad_(True)
    RMILoss(3, rmi_weight=0.0, pos_weight=[1.0, 1.0, 10.0])(logits, target).backward()
    weighted = logits.grad[:, 2].clone()
    logits.grad = None
    RMILoss(3, rmi_weight=0.0)(logits, target).backward()
    on = target == 2
    assert (weighted[on] < logits.grad[:, 2][on]).all()
    torch.testing.assert_close(weighted[~on], logits.grad[:, 2][~on])


def test_pos_weight_is_a_buffer_that_follows_the_module():
    loss = RMILoss(3, pos_weight=(1.0, 2.0, 3.0)).to(torch.float32)
    assert "pos_weight" in loss.state_dict() and "pos_weight=[1.0, 2.0, 3.0]" in repr(loss)
    assert "pos_weight" not in RMILoss(3).state_dict()
    logits, target = make_inputs()
    assert loss(logits, target).dtype == torch.float64


def test_float32_close_to_float64():
    logits, target = make_inputs(n=3, c=4, h=30, w=27)
    loss = RMILoss(4)
    got = loss(logits.float(), target)
    assert got.dtype == torch.float32
    assert got.item() == pytest.approx(loss(logits, target).item(), rel=1e-5, abs=1e-5)


def test_better_prediction_gives_lower_loss():
    _, target = make_inputs(n=2, c=3, h=30, w=30)
    perfect = 8.0 * (torch.nn.functional.one_hot(target, 3).permute(0, 3, 1, 2).double() - 0.5)
    noisy = perfect + 8.0 * torch.randn(perfect.shape, generator=torch.Generator().manual_seed(1),
                                        dtype=torch.float64)
    loss = RMILoss(3)
    assert loss(perfect, target) < loss(noisy, target) - 1.0


def test_ignored_pixels_have_no_influence_and_target_untouched():
    logits, target = make_inputs(n=2, c=3, h=24, w=24, ignore_frac=0.3)
    ignored = (target == 255).unsqueeze(1).expand_as(logits)
    other = torch.where(ignored, 50 * torch.randn(logits.shape, dtype=logits.dtype), logits)
    before = target.clone()
    loss = RMILoss(3)
    grads = []
    for x in (logits, other):
        x = x.clone().requires_grad_(True)
        value = loss(x, target)
        value.backward()
        grads.append((value.detach(), x.grad))
    assert torch.equal(target, before)
    assert grads[0][0].item() == pytest.approx(grads[1][0].item(), rel=1e-12)
    torch.testing.assert_close(grads[0][1], grads[1][1], rtol=1e-9, atol=1e-12)
    assert torch.all(grads[0][1][ignored] == 0)
    assert grads[0][1][~ignored].abs().sum() > 0


def test_nonfinite_scores_at_ignored_pixels_do_not_leak():
    logits, target = make_inputs(ignore_frac=0.3)
    logits = torch.where((target == 255).unsqueeze(1), float("nan"), logits).requires_grad_(True)
    value = RMILoss(3)(logits, target)
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(logits.grad).all()


def test_all_pixels_ignored_is_finite():
    logits, target = make_inputs()
    value = RMILoss(3)(logits, torch.full_like(target, 255))
    assert torch.isfinite(value)


@pytest.mark.parametrize("pool", ["max", "avg"])
def test_gradcheck_float64(pool):
    logits, target = make_inputs(n=2, c=2, h=9, w=10, seed=3, ignore_frac=0.1)
    logits.requires_grad_(True)
    loss = RMILoss(2, radius=2, pool=pool, pool_size=2, stride=2)
    assert torch.autograd.gradcheck(lambda x: loss(x, target), (logits,), eps=1e-6, atol=1e-5)


def test_cpu_autocast_bfloat16_close_to_float32():
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(1, 4, 3, padding=1)
    image = torch.randn(2, 1, 32, 32)
    target = (image[:, 0] > 0).long() + (image[:, 0] > 1).long()
    loss = RMILoss(4)
    ref = loss(conv(image), target)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = conv(image)
        assert logits.dtype == torch.bfloat16
        value = loss(logits, target)
    assert value.dtype == torch.float32 and torch.isfinite(value)
    assert value.item() == pytest.approx(ref.item(), rel=2e-2, abs=2e-2)


@pytest.mark.parametrize(
    "logits, target, exc, match",
    [
        ([[1.0]], torch.zeros(1, 8, 8, dtype=torch.long), TypeError,
         "logits must be a torch.Tensor"),
        (torch.zeros(1, 3, 8, 8, dtype=torch.long), torch.zeros(1, 8, 8, dtype=torch.long),
         TypeError, "logits must be a floating-point tensor"),
        (torch.zeros(3, 8, 8), torch.zeros(1, 8, 8, dtype=torch.long),
         ValueError, r"logits must have shape \(N, C, H, W\)"),
        (torch.zeros(1, 4, 8, 8), torch.zeros(1, 8, 8, dtype=torch.long),
         ValueError, "logits must have num_classes=3 channels"),
        (torch.zeros(1, 3, 8, 8), torch.zeros(1, 8, 8), TypeError,
         "target must be an integer tensor"),
        (torch.zeros(1, 3, 8, 8), torch.zeros(1, 8, 8, dtype=torch.bool),
         TypeError, "target must be an integer tensor"),
        (torch.zeros(1, 3, 8, 8), torch.zeros(8, 8, dtype=torch.long),
         ValueError, r"target must have shape \(N, H, W\)"),
        (torch.zeros(1, 3, 8, 8), torch.zeros(1, 8, 9, dtype=torch.long),
         ValueError, r"target shape \(1, 8, 9\) does not match logits"),
        (torch.zeros(1, 3, 8, 8), torch.full((1, 8, 8), 3), ValueError,
         r"target must hold labels in \[0, 3\) or ignore_index=255, found \[3\]"),
        (torch.zeros(1, 3, 8, 8), torch.full((1, 8, 8), -1), ValueError,
         r"target must hold labels in \[0, 3\) or ignore_index=255, found \[-1\]"),
        (torch.zeros(1, 3, 5, 5), torch.zeros(1, 5, 5, dtype=torch.long), ValueError,
         "logits spatial size .* too small for RMI"),
    ],
)
def test_bad_input(logits, target, exc, match):
    with pytest.raises(exc, match=match):
        RMILoss(3)(logits, target)


def slow_per_sample(logits, target, num_classes, ignore_index=255):
    """Sample n: bce_n / (mean valid pixels per sample) * 0.5 + its RMI term * 0.5."""
    valid = target != ignore_index
    mean_valid = max(int(valid.sum()), 1) / target.shape[0]
    losses = []
    for b in range(target.shape[0]):
        alone = slow_rmi_loss(logits[b:b + 1], target[b:b + 1], num_classes, bce_weight=1.0,
                              rmi_weight=0.0) * max(int(valid[b].sum()), 1)
        rmi = slow_rmi_loss(logits[b:b + 1], target[b:b + 1], num_classes, bce_weight=0.0,
                            rmi_weight=1.0)
        losses.append(0.5 * alone / mean_valid + 0.5 * rmi)
    return losses


@pytest.mark.parametrize("ignore_frac", [0.0, 0.3])
def test_reduction_like_torch_losses(ignore_frac):
    logits, target = make_inputs(n=3, ignore_frac=ignore_frac)
    target[2, :4] = 255  # samples with different numbers of valid pixels
    mean = RMILoss(3)(logits, target)
    none = RMILoss(3, reduction="none")(logits, target)
    total = RMILoss(3, reduction="sum")(logits, target)
    assert none.shape == (3,) and none.dtype == total.dtype == torch.float64
    assert none.mean().item() == pytest.approx(mean.item(), rel=1e-12, abs=1e-12)
    assert total.item() == pytest.approx(none.sum().item(), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(none.numpy(), slow_per_sample(logits, target, 3), rtol=1e-9,
                               atol=1e-9)


def test_per_sample_losses_do_not_depend_on_the_batch_without_ignored_pixels():
    logits, target = make_inputs(n=3)
    none = RMILoss(3, reduction="none")(logits, target)
    for b in range(3):
        alone = RMILoss(3)(logits[b:b + 1], target[b:b + 1])
        assert none[b].item() == pytest.approx(alone.item(), rel=1e-12, abs=1e-12)


def test_per_sample_losses_have_per_sample_gradients():
    logits, target = make_inputs(n=2)
    logits.requires_grad_(True)
    RMILoss(3, reduction="none")(logits, target)[1].backward()
    assert logits.grad[0].abs().max() == 0 and logits.grad[1].abs().max() > 0
    assert "reduction='none'" in repr(RMILoss(3, reduction="none"))


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(num_classes=3, reduction="avg"), ValueError,
         "reduction must be one of 'mean', 'sum', 'none', got 'avg'"),
        (dict(num_classes=0), ValueError, r"num_classes must be an int in \[1, 65536\]"),
        (dict(num_classes=2.0), TypeError, "num_classes must be an int"),
        (dict(num_classes=3, pool="median"), ValueError, "pool must be one of 'max', 'avg'"),
        (dict(num_classes=3, radius=0), ValueError, r"radius must be an int in \[1, 32768\]"),
        (dict(num_classes=3, ignore_index=1), ValueError, "ignore_index must lie outside"),
        (dict(num_classes=3, bce_weight=-1), ValueError,
         r"bce_weight must be a finite number in \[0, 1e\+06\], got -1"),
        (dict(num_classes=3, pos_weight=(1.0, 2.0)), ValueError,
         r"pos_weight must have one weight per class, shape \(3,\), got shape \(2,\)"),
        (dict(num_classes=3, pos_weight=torch.ones(3, 1)), ValueError,
         r"pos_weight must have one weight per class"),
        (dict(num_classes=3, pos_weight=(1.0, -2.0, 1.0)), ValueError,
         r"pos_weight must hold finite numbers in \[0, 1e\+06\]"),
        (dict(num_classes=3, pos_weight=(1.0, float("nan"), 1.0)), ValueError,
         r"pos_weight must hold finite numbers"),
        (dict(num_classes=3, pos_weight=(1.0, "2", 1.0)), TypeError,
         "pos_weight must hold real numbers, got str"),
        (dict(num_classes=3, pos_weight=torch.ones(3, dtype=torch.bool)), TypeError,
         "pos_weight must hold real numbers, got a tensor of torch.bool"),
        (dict(num_classes=3, pos_weight=2.0), TypeError,
         "pos_weight must be None, a sequence or a 1-D tensor of 3 numbers, got float"),
    ],
)
def test_bad_parameters(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        RMILoss(**kwargs)


@requires_cuda
def test_cuda_matches_cpu_and_autocast_fp16():
    logits, target = make_inputs(n=2, c=3, h=40, w=44, ignore_frac=0.1)
    loss = RMILoss(3)
    cpu = loss(logits.float(), target)
    x = logits.float().cuda().requires_grad_(True)
    gpu = loss(x, target.cuda())
    gpu.backward()
    assert gpu.item() == pytest.approx(cpu.item(), rel=1e-4, abs=1e-4)
    with torch.autocast("cuda", dtype=torch.float16):
        half = loss(x.half(), target.cuda())
    assert half.dtype == torch.float32 and torch.isfinite(half)
    assert half.item() == pytest.approx(cpu.item(), rel=1e-2, abs=1e-2)


def test_finite_scores_near_the_float32_maximum_give_a_finite_loss():
    # torch's BCE summed them to inf (and gave NaN for some); an infinite score still gives NaN.
    g = torch.Generator().manual_seed(0)
    target = torch.randint(0, 6, (2, 16, 16), generator=g)
    logits = ((torch.rand(2, 6, 16, 16, generator=g) * 2 - 1) * 3e38).requires_grad_()
    loss = RMILoss(num_classes=6)(logits, target)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(logits.grad).all()
    small = torch.randn(2, 6, 16, 16, generator=g)
    assert torch.equal(RMILoss(num_classes=6)(small, target),
                       RMILoss(num_classes=6)(small.clamp(-MAX_LOGIT, MAX_LOGIT), target))
    small[0, 0, 0, 0] = float("inf")
    assert torch.isnan(RMILoss(num_classes=6)(small, target))

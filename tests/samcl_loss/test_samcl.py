import pytest
import torch
import torch.nn.functional as F

from samcl_loss import SAMCLLoss, class_swap
from samcl_loss.rmi import rmi_lower_bound

requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
MODES = ["frozen", "joint"]


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def one_hot(t, c, valid):
    return F.one_hot(torch.where(valid, t, 0), c).permute(0, 3, 1, 2).double() * valid.unsqueeze(1)


def separate_passes(loss_fn, logits, target, seed):
    """The SAM-CL loss per sample, recomputed with one aux pass per input and explicit loops."""
    c, m, ign = loss_fn.num_classes, loss_fn.margin, loss_fn.ignore_index
    valid = target != ign
    neg_target = class_swap(target, c, generator=gen(seed), ignore_index=ign)
    a = torch.softmax(torch.where(valid.unsqueeze(1), logits, 0.0), 1) * valid.unsqueeze(1)
    p, n = one_hot(target, c, valid), one_hot(neg_target, c, valid)
    d_p = rmi_lower_bound(a, p[None])[0].mean(-1)
    d_n = rmi_lower_bound(a, n[None])[0].mean(-1)
    total = F.relu(d_p - d_n + m)
    w = valid.unsqueeze(1).double()
    for fa, fp, fn in zip(loss_fn.aux(a), loss_fn.aux(p), loss_fn.aux(n)):
        w = F.avg_pool2d(w, 3, 2, 1)
        for i in range(logits.shape[0]):
            d_pos, d_neg = (_cosine(fa[i], f[i], w[i, 0]) for f in (fp, fn))
            total[i] = total[i] + F.relu(d_pos - d_neg + m)
    return total


def _cosine(u, v, weight):
    """Weighted mean over pixels of 1 - cos(u, v); u, v (C, h, w), weight (h, w)."""
    num = (u * v).sum(0)
    den = ((u ** 2).sum(0) + 1e-6).sqrt() * ((v ** 2).sum(0) + 1e-6).sqrt()
    return ((1 - num / den) * weight).sum() / weight.sum()


@pytest.mark.parametrize("mode", MODES)
def test_matches_separate_passes(mode, blobs):
    torch.manual_seed(0)
    _, target = blobs(3, 24, 28, 4)
    target[0, :5] = 255
    logits = torch.randn(3, 4, 24, 28, dtype=torch.float64)
    loss_fn = SAMCLLoss(4, aux=mode, reduction="none", margin=0.7).double()
    got = loss_fn(logits, target, generator=gen(3))
    want = separate_passes(loss_fn, logits, target, 3)
    torch.testing.assert_close(got, want.detach(), rtol=1e-10, atol=1e-10)


def test_uninformative_anchor_gives_margin_per_scale(blobs):
    # Frozen aux: a constant anchor is exactly as far from the positive as from the negative.
    _, target = blobs(2, 32, 32, 5)
    for scales in (1, 2, 4):
        loss_fn = SAMCLLoss(5, num_scales=scales, margin=0.5, reduction="none")
        value = loss_fn(torch.zeros(2, 5, 32, 32, dtype=torch.float64), target, generator=gen())
        torch.testing.assert_close(value, torch.full((2,), 0.5 * scales, dtype=torch.float64))


@pytest.mark.parametrize("mode", MODES)
def test_correct_anchor_beats_uninformative_anchor(mode, blobs):
    _, target = blobs(2, 32, 32, 4)
    perfect = 20.0 * F.one_hot(target, 4).permute(0, 3, 1, 2).float()
    loss_fn = SAMCLLoss(4, aux=mode, num_scales=1)
    assert loss_fn(perfect, target, generator=gen()).item() == pytest.approx(0.0, abs=1e-6)
    loss_fn = SAMCLLoss(4, aux=mode)
    assert loss_fn(perfect, target, generator=gen()) < loss_fn(torch.randn(2, 4, 32, 32), target,
                                                               generator=gen()) - 1.0


@pytest.mark.parametrize("mode", MODES)
def test_gradient_reaches_the_segmenter(mode, blobs):
    torch.manual_seed(0)
    image, target = blobs(2, 32, 32, 4)
    net = torch.nn.Conv2d(1, 4, 3, padding=1)
    loss_fn = SAMCLLoss(4, aux=mode)
    loss_fn(net(image), target, generator=gen()).backward()
    assert net.weight.grad.abs().sum() > 0
    if mode == "joint":
        assert all(p.grad.abs().sum() > 0 for p in loss_fn.parameters())


@pytest.mark.parametrize("mode", MODES)
def test_ignored_pixels_have_no_influence(mode, blobs):
    torch.manual_seed(0)
    _, target = blobs(2, 32, 32, 4)
    target[:, 10:20, 5:25] = 255
    target[1, :, :3] = 255
    before = target.clone()
    logits = torch.randn(2, 4, 32, 32, dtype=torch.float64)
    ignored = (target == 255).unsqueeze(1).expand_as(logits)
    other = torch.where(ignored, 30 * torch.randn(logits.shape, dtype=torch.float64), logits)
    loss_fn = SAMCLLoss(4, aux=mode).double()
    results = []
    for x in (logits, other):
        x = x.clone().requires_grad_(True)
        value = loss_fn(x, target, generator=gen(5))
        value.backward()
        results.append((value.detach(), x.grad))
    assert torch.equal(target, before)
    torch.testing.assert_close(results[0][0], results[1][0], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(results[0][1], results[1][1], rtol=1e-9, atol=1e-12)
    assert torch.all(results[0][1][ignored] == 0)


def test_reductions_and_samples_without_valid_pixels(blobs):
    _, target = blobs(3, 24, 24, 3)
    target[1] = 255
    logits = torch.randn(3, 3, 24, 24)
    per_sample = SAMCLLoss(3, reduction="none")(logits, target, generator=gen())
    assert per_sample.shape == (3,) and per_sample[1] == 0 and torch.all(per_sample[[0, 2]] > 0)
    total = SAMCLLoss(3, reduction="sum")(logits, target, generator=gen())
    mean = SAMCLLoss(3)(logits, target, generator=gen())
    torch.testing.assert_close(total, per_sample.sum())
    torch.testing.assert_close(mean, per_sample.sum() / 2)
    empty = SAMCLLoss(3)(logits, torch.full_like(target, 255))
    assert empty.item() == 0.0


def test_reproducible_with_generator(blobs):
    _, target = blobs(4, 24, 24, 4)
    logits = torch.randn(4, 4, 24, 24)
    loss_fn = SAMCLLoss(4, reduction="none")
    a, b = loss_fn(logits, target, generator=gen(1)), loss_fn(logits, target, generator=gen(1))
    c = loss_fn(logits, target, generator=gen(2))
    assert torch.equal(a, b) and not torch.equal(a, c)



@pytest.mark.parametrize("mode", MODES)
def test_leaves_the_global_rng_alone(mode, blobs):
    # Without a generator the swaps come from the loss's own generator: adding the loss must not
    # change the user's dropout masks or data order.
    _, target = blobs(2, 24, 24, 4)
    logits = torch.randn(2, 4, 24, 24, requires_grad=True)
    loss_fn = SAMCLLoss(4, aux=mode)
    assert "generator" not in str(list(loss_fn.state_dict()))
    before = torch.random.get_rng_state()
    loss_fn(logits, target).backward()
    loss_fn(logits, target).backward()
    assert torch.equal(torch.random.get_rng_state(), before)


def test_own_generator_is_seedable(blobs):
    _, target = blobs(4, 24, 24, 4)
    logits = torch.randn(4, 4, 24, 24)
    loss_fn = SAMCLLoss(4, reduction="none")
    assert loss_fn.generator.device == torch.device("cpu")
    a = loss_fn(logits, target)
    loss_fn.generator.manual_seed(1)
    b = loss_fn(logits, target)
    torch.testing.assert_close(b, loss_fn(logits, target, generator=gen(1)), rtol=0, atol=0)
    loss_fn.generator.manual_seed(1)
    assert torch.equal(loss_fn(logits, target), b) and not torch.equal(a, b)
    torch.manual_seed(5)
    x, y = SAMCLLoss(4, reduction="none"), SAMCLLoss(4, reduction="none")
    assert torch.equal(x(logits, target), y(logits, target))  # seeded from torch.initial_seed()


def test_copies_and_pickles_carry_the_generators_state(blobs):
    import copy
    import pickle

    _, target = blobs(2, 16, 16, 4)
    logits = torch.randn(2, 4, 16, 16)
    loss_fn = SAMCLLoss(4, reduction="none")
    loss_fn(logits, target)  # move the generator off its seed
    for make in (copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))):
        clone = make(loss_fn)
        assert clone.generator is not loss_fn.generator
        assert torch.equal(clone.generator.get_state(), loss_fn.generator.get_state())
        torch.testing.assert_close(clone(logits, target), loss_fn(logits, target), rtol=0, atol=0)


@pytest.mark.parametrize("mode", MODES)
def test_gradcheck_float64(mode, blobs):
    _, target = blobs(2, 12, 14, 3, seed=2)
    target[0, :2] = 255
    loss_fn = SAMCLLoss(3, aux=mode, num_scales=3, rmi_radius=2, rmi_pool_size=2,
                        rmi_stride=2).double()
    logits = torch.randn(2, 3, 12, 14, dtype=torch.float64, requires_grad=True)
    names = [name for name, _ in loss_fn.named_parameters()]
    weights = [p.detach().clone().requires_grad_(True) for p in loss_fn.parameters()]
    assert len(weights) == (2 if mode == "joint" else 0)

    def fn(x, *ws):
        return torch.func.functional_call(loss_fn, dict(zip(names, ws)), (x, target),
                                          {"generator": gen(4)})

    assert torch.autograd.gradcheck(fn, (logits, *weights), eps=1e-6, atol=1e-5)


def test_cpu_autocast_bfloat16_close_to_float32(blobs):
    torch.manual_seed(0)
    image, target = blobs(2, 32, 32, 4)
    net = torch.nn.Conv2d(1, 4, 3, padding=1)
    loss_fn = SAMCLLoss(4, aux="joint")
    ref = loss_fn(net(image), target, generator=gen())
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = net(image)
        assert logits.dtype == torch.bfloat16
        value = loss_fn(logits, target, generator=gen())
    assert value.dtype == torch.float32 and torch.isfinite(value)
    assert value.item() == pytest.approx(ref.item(), rel=2e-2, abs=2e-2)


@pytest.mark.slow
def test_torch_compile_matches_eager(blobs):
    pytest.importorskip("torch._inductor")
    import shutil

    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("torch.compile (inductor) needs a C compiler")
    _, target = blobs(2, 24, 24, 3)
    logits = torch.randn(2, 3, 24, 24, requires_grad=True)
    loss_fn = SAMCLLoss(3, aux="joint", num_scales=2, reduction="none")
    compiled = torch.compile(loss_fn)
    got = compiled(logits, target, generator=gen())
    want = loss_fn(logits, target, generator=gen())
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    (g1,) = torch.autograd.grad(got.sum(), logits)
    (g2,) = torch.autograd.grad(want.sum(), logits)
    torch.testing.assert_close(g1, g2, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "logits, target, exc, match",
    [
        (torch.zeros(1, 3, 8, 8, dtype=torch.int32), torch.zeros(1, 8, 8, dtype=torch.long),
         TypeError, "logits must be a floating-point tensor"),
        (torch.zeros(1, 3, 8, 8), torch.zeros(1, 8, 8), TypeError,
         "target must be an integer tensor"),
        (torch.zeros(1, 2, 8, 8), torch.zeros(1, 8, 8, dtype=torch.long), ValueError,
         "logits must have num_classes=3 channels"),
        (torch.zeros(1, 3, 8, 8), torch.zeros(2, 8, 8, dtype=torch.long), ValueError,
         "does not match logits"),
        (torch.zeros(1, 3, 8, 8, 1), torch.zeros(1, 8, 8, dtype=torch.long), ValueError,
         r"logits must have shape \(N, C, H, W\)"),
        (torch.zeros(1, 3, 8, 8), torch.full((1, 8, 8), 7), ValueError,
         r"target must hold labels in \[0, 3\) or ignore_index=255, found \[7\]"),
        (torch.zeros(1, 3, 8, 8), torch.full((1, 8, 8), -2), ValueError, r"found \[-2\]"),
    ],
)
def test_bad_input(logits, target, exc, match):
    with pytest.raises(exc, match=match):
        SAMCLLoss(3)(logits, target)


def test_bad_generator():
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        SAMCLLoss(3)(torch.zeros(1, 3, 8, 8), torch.zeros(1, 8, 8, dtype=torch.long), generator=1)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(num_classes=1), ValueError, r"num_classes must be an int in \[2, 65536\]"),
        (dict(num_classes=3, aux="critic"), ValueError, "aux must be one of 'joint', 'frozen'"),
        (dict(num_classes=3, reduction="avg"), ValueError, "reduction must be one of"),
        (dict(num_classes=3, margin=-1.0), ValueError,
         r"margin must be a finite number in \[0, 1e\+06\]"),
        (dict(num_classes=3, num_scales=0), ValueError,
         r"num_scales must be an int in \[1, 32\], got 0"),
        (dict(num_classes=3, ignore_index=2), ValueError, "ignore_index must lie outside"),
    ],
)
def test_bad_parameters(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        SAMCLLoss(**kwargs)


@requires_cuda
@pytest.mark.parametrize("mode", MODES)
def test_cuda_matches_cpu_and_autocast_fp16(mode, blobs):
    torch.manual_seed(0)
    _, target = blobs(2, 40, 48, 4)
    target[:, :4] = 255
    logits = torch.randn(2, 4, 40, 48)
    loss_fn = SAMCLLoss(4, aux=mode, reduction="none")
    cpu = loss_fn(logits, target, generator=gen())
    loss_fn.cuda()
    x = logits.cuda().requires_grad_(True)
    gpu = loss_fn(x, target.cuda(), generator=gen())
    gpu.sum().backward()
    torch.testing.assert_close(gpu.detach().cpu(), cpu.detach(), rtol=1e-4, atol=1e-4)
    assert torch.isfinite(x.grad).all()
    with torch.autocast("cuda", dtype=torch.float16):
        half = loss_fn(x.half(), target.cuda(), generator=gen())
    assert half.dtype == torch.float32 and torch.isfinite(half).all()
    torch.testing.assert_close(half.detach().cpu(), cpu.detach(), rtol=2e-2, atol=2e-2)
    # A CUDA generator draws the swaps on the GPU.
    value = loss_fn(x, target.cuda(), generator=torch.Generator("cuda").manual_seed(0))
    assert torch.isfinite(value).all()

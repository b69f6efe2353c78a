"""Every public callable of samcl_loss against the tensors users actually hand it.

The losses and :func:`samcl_loss.class_swap` are discovered from ``samcl_loss.__all__``; each
needs an entry in :data:`BUILD` (how to make it with valid parameters), so a new public name is
covered the day it is added. For every logits layout and dtype and every integer target dtype the
result is the reference result (or a clear TypeError/ValueError), inputs are never modified, and
no error of another type escapes.
"""

import pytest
import torch

import samcl_loss
from samcl_loss import AuxiliaryNetwork, RMILoss, SAMCLLoss, class_swap

C = 3


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


# How to build (or call) each public name with valid parameters. A loss is called as
# loss(logits, target); SAMCLLoss gets a fixed generator so that runs are comparable.
BUILD = {
    "SAMCLLoss": lambda: (lambda lg, t: SAMCLLoss(C)(lg, t, generator=gen())),
    "RMILoss": lambda: RMILoss(C),
    "class_swap": None,  # a function of the target only: see the class_swap tests below
    "AuxiliaryNetwork": None,  # a building block of SAMCLLoss: see test_auxiliary_network
}
LOSSES = [name for name, build in BUILD.items() if build is not None]


def test_every_public_name_has_an_entry():
    missing = sorted(set(samcl_loss.__all__) - set(BUILD))
    assert not missing, (
        f"samcl_loss.{missing[0]} has no entry in BUILD of tests/samcl_loss/test_contract.py; add "
        "how to build it with valid parameters (or None with the test that covers it)")


def inputs(n=2, h=12, w=14, seed=0, ignore=True):
    g = gen(seed)
    logits = torch.randn(n, C, h, w, generator=g)
    target = torch.randint(0, C, (n, h, w), generator=g)
    if ignore:
        target[:, :2, :3] = 255
    return logits, target


def loss_of(name, logits, target):
    return BUILD[name]()(logits, target)


LAYOUTS = {
    "strided": lambda x: torch.stack([x, x], -1)[..., 0],
    "channels_last": lambda x: x.contiguous(memory_format=torch.channels_last),
    "transposed": lambda x: x.transpose(-1, -2).contiguous().transpose(-1, -2),
}


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_logits_layouts_give_the_reference_loss_and_gradient(name, layout):
    logits, target = inputs()
    ref_x = logits.clone().requires_grad_(True)
    ref = loss_of(name, ref_x, target)
    ref.backward()
    x = LAYOUTS[layout](logits.clone()).requires_grad_(True)
    assert not x.is_contiguous()
    before = x.detach().clone()
    value = loss_of(name, x, target)
    value.backward()
    torch.testing.assert_close(value, ref)
    torch.testing.assert_close(x.grad, ref_x.grad)
    assert torch.equal(x.detach(), before)


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_logits_dtypes(name, dtype):
    logits, target = inputs()
    x = logits.to(dtype).requires_grad_(True)
    value = loss_of(name, x, target)
    value.backward()
    assert value.dtype == (torch.float64 if dtype == torch.float64 else torch.float32)
    assert torch.isfinite(value) and x.grad.dtype == dtype and torch.isfinite(x.grad).all()
    # Half precision is computed in float32: exactly the loss of the upcast scores.
    expected = loss_of(name, x.detach().to(torch.float32 if dtype != torch.float64 else dtype),
                       target)
    torch.testing.assert_close(value, expected)


@pytest.mark.parametrize("name", LOSSES)
def test_logits_without_grad(name):
    logits, target = inputs()
    value = loss_of(name, logits, target)
    assert not value.requires_grad and torch.isfinite(value)
    torch.testing.assert_close(value, loss_of(name, logits.requires_grad_(True), target).detach())


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("dtype", [torch.int8, torch.uint8, torch.int16, torch.int32])
def test_every_integer_target_dtype_gives_the_int64_loss(name, dtype):
    logits, target = inputs(ignore=False)
    target[:, :2, :3] = 100  # an ignore label every integer dtype holds
    before = target.to(dtype)
    small = before.clone()
    kwargs = {"ignore_index": 100}
    build = {"SAMCLLoss": lambda: lambda lg, t: SAMCLLoss(C, **kwargs)(lg, t, generator=gen()),
             "RMILoss": lambda: RMILoss(C, **kwargs)}[name]
    torch.testing.assert_close(build()(logits, small), build()(logits, target))
    assert torch.equal(small, before)


@pytest.mark.parametrize("name", LOSSES)
def test_uint8_target_does_not_wrap_ignore_index(name):
    # Compared in uint8, ignore_index=256 read as 0: class 0 was ignored and the loss changed.
    logits, target = inputs(ignore=False)
    build = {"SAMCLLoss": lambda: lambda lg, t: SAMCLLoss(C, ignore_index=256)(
        lg, t, generator=gen()), "RMILoss": lambda: RMILoss(C, ignore_index=256)}[name]
    torch.testing.assert_close(build()(logits, target.to(torch.uint8)), build()(logits, target))


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("dtype", [torch.int8, torch.int64])
def test_negative_label_is_refused_in_every_dtype(name, dtype):
    # In int8, ignore_index=255 wrapped to -1: a -1 label was silently ignored.
    logits, target = inputs()
    target[0, 5, 5] = -1
    with pytest.raises(ValueError, match=r"target must hold labels in \[0, 3\) or "
                                         r"ignore_index=255, found \[-1\]"):
        loss_of(name, logits, target.to(dtype))


@pytest.mark.parametrize("name", LOSSES)
def test_labels_out_of_range_and_wrong_target_types(name):
    logits, target = inputs()
    with pytest.raises(ValueError, match=r"target must hold labels in \[0, 3\) or "
                                         r"ignore_index=255, found \[3\]"):
        loss_of(name, logits, torch.full_like(target, 3))
    for bad in (target.float(), target.bool()):
        with pytest.raises(TypeError, match=r"target must be an integer tensor of class labels "
                                            r"\(uint8, int8, int16, int32 or int64\)"):
            loss_of(name, logits, bad)


@pytest.mark.parametrize("name", LOSSES)
def test_empty_batch(name):
    # Raised "cannot reshape tensor of 0 elements".
    logits, target = inputs(n=0)
    x = logits.requires_grad_(True)
    value = loss_of(name, x, target)
    assert value.item() == 0.0
    value.backward()
    assert x.grad.shape == x.shape


@pytest.mark.parametrize("name", LOSSES)
def test_every_pixel_ignored(name):
    logits, _ = inputs()
    x = logits.requires_grad_(True)
    value = loss_of(name, x, torch.full((2, 12, 14), 255))
    value.backward()
    assert torch.isfinite(value) and torch.all(x.grad == 0)


@pytest.mark.parametrize("name", LOSSES)
def test_a_nan_score_gives_nan_not_a_linalg_error(name):
    # One NaN logit made both losses raise torch._C._LinAlgError (not positive-definite).
    logits, target = inputs()
    logits[0, 1, 6, 6] = float("nan")
    assert target[0, 6, 6] != 255
    value = loss_of(name, logits.requires_grad_(True), target)
    assert torch.isnan(value)
    value.backward()  # a NaN loss still back-propagates (GradScaler then skips the step)
    # At an ignored pixel the score has no influence.
    logits, target = inputs()
    logits[0, 1, 0, 0] = float("nan")
    assert target[0, 0, 0] == 255
    assert torch.isfinite(loss_of(name, logits, target))


@pytest.mark.parametrize("cls", [SAMCLLoss, RMILoss])
def test_reductions_of_an_empty_batch(cls):
    logits, target = inputs(n=0)
    assert cls(C, reduction="none")(logits, target).shape == (0,)
    assert cls(C, reduction="sum")(logits, target).item() == 0.0


# --------------------------------------------------------------------------- class_swap

@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 4, 5), (2, 3, 4, 2), (0, 4, 5)])
@pytest.mark.parametrize("dtype", [torch.uint8, torch.int8, torch.int32, torch.int64])
def test_class_swap_shapes_and_dtypes(shape, dtype):
    # A 1-D target (one label per sample, as the docstring allows) raised IndexError.
    target = torch.randint(0, C, shape, generator=gen(1)).to(dtype)
    if target.numel():
        target.view(-1)[0] = 100
    before = target.clone()
    swapped = class_swap(target, C, generator=gen(2), ignore_index=100)
    assert swapped.shape == target.shape and swapped.dtype == dtype
    assert torch.equal(target, before)
    kept = target == 100
    assert torch.equal(swapped[kept], target[kept]) and torch.all(swapped[~kept] != target[~kept])
    again = class_swap(target.long(), C, generator=gen(2), ignore_index=100)
    assert torch.equal(swapped.long(), again)


def test_class_swap_strided_target():
    target = torch.randint(0, C, (4, 6, 10), generator=gen(3))
    view = target[:, :, ::2]
    assert torch.equal(class_swap(view, C, generator=gen(4)),
                       class_swap(view.contiguous(), C, generator=gen(4)))


def test_class_swap_does_not_wrap_ignore_index():
    target = torch.tensor([[0, 1, 2]], dtype=torch.uint8)
    swapped = class_swap(target, C, generator=gen(), ignore_index=256)
    assert torch.all(swapped != target)  # class 0 is swapped, not kept as "ignored"


def test_ignore_index_must_fit_int64():
    with pytest.raises(ValueError, match=r"ignore_index must lie outside the class labels "
                                         r"\[0, 3\) and fit int64, got 9223372036854775808"):
        RMILoss(C, ignore_index=2**63)


# --------------------------------------------------------------------------- aux network

@pytest.mark.parametrize("mode", ["frozen", "joint"])
def test_auxiliary_network(mode):
    aux = AuxiliaryNetwork(C, 2, mode)
    x = torch.rand(2, C, 12, 14, generator=gen())
    ref = aux(x)
    for flavour in (LAYOUTS["strided"](x), LAYOUTS["channels_last"](x)):
        for a, b in zip(aux(flavour), ref):
            torch.testing.assert_close(a, b)
    assert [tuple(y.shape) for y in aux(x[:0])] == [(0, C, 6, 7), (0, C, 3, 4)]
    assert [y.dtype for y in aux(x.double())] == [torch.float64] * 2


@pytest.mark.parametrize("build, match", [
    # Each layer or class costs time and memory: 2**31 scales or classes never returned.
    (lambda: SAMCLLoss(C, num_scales=2**31), r"num_scales must be an int in \[1, 32\]"),
    (lambda: AuxiliaryNetwork(C, 2**31), r"num_layers must be an int in \[0, 31\]"),
    (lambda: class_swap(torch.zeros(2, 3, dtype=torch.long), 2**31),
     r"num_classes must be an int in \[2, 65536\]"),
    # Found by the fuzz run: a pooling window of 2**63 passed the size check and raised torch's
    # "Overflow when unpacking long long" on an empty batch.
    (lambda: SAMCLLoss(C, rmi_pool_size=2**63), r"rmi_pool_size must be an int in \[1, 32768\]"),
    (lambda: RMILoss(C, stride=2**63), r"stride must be an int in \[1, 32768\]"),
    # A float32 loss times 1e300 is inf: weights and margins are bounded.
    (lambda: SAMCLLoss(C, margin=1e300), r"margin must be a finite number in \[0, 1e\+06\]"),
    (lambda: RMILoss(C, rmi_weight=1e300), r"rmi_weight must be a finite number in \[0, 1e\+06\]"),
])
def test_parameters_are_bounded(build, match):
    with pytest.raises(ValueError, match=match):
        build()

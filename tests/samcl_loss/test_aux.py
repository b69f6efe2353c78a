import pytest
import torch
import torch.nn.functional as F

from samcl_loss import AuxiliaryNetwork


@pytest.mark.parametrize("mode", ["joint", "frozen"])
def test_each_layer_halves_the_resolution(mode):
    aux = AuxiliaryNetwork(5, 3, mode)
    outs = aux(torch.rand(2, 5, 33, 20))
    assert [tuple(o.shape) for o in outs] == [(2, 5, 17, 10), (2, 5, 9, 5), (2, 5, 5, 3)]


def test_frozen_is_a_fixed_box_filter_without_parameters():
    aux = AuxiliaryNetwork(3, 2, "frozen")
    assert list(aux.parameters()) == [] and list(aux.buffers()) == []
    x = torch.rand(1, 3, 8, 8)
    box = torch.full((3, 1, 3, 3), 1 / 9)
    first = F.conv2d(x, box, stride=2, padding=1, groups=3)
    torch.testing.assert_close(aux(x)[0], first)
    torch.testing.assert_close(aux(x)[1], F.conv2d(first, box, stride=2, padding=1, groups=3))


def test_joint_is_scale_invariant_in_its_weights():
    # Filters are normalised in forward: weight decay cannot shrink the outputs to zero.
    torch.manual_seed(0)
    aux = AuxiliaryNetwork(4, 2, "joint")
    x = torch.rand(2, 4, 16, 16)
    before = [o.detach() for o in aux(x)]
    with torch.no_grad():
        for p in aux.parameters():
            p.mul_(1e-3)
    for a, b in zip(before, aux(x)):
        torch.testing.assert_close(a, b)
    assert len(list(aux.parameters())) == 2


def test_zero_input_gives_zero_output():
    for mode in ("joint", "frozen"):
        for out in AuxiliaryNetwork(3, 3, mode)(torch.zeros(1, 3, 16, 16)):
            assert torch.all(out == 0)


@pytest.mark.parametrize(
    "args, exc, match",
    [
        ((0, 2, "joint"), ValueError, r"num_classes must be an int in \[1, 65536\], got 0"),
        ((3, -1, "joint"), ValueError, r"num_layers must be an int in \[0, 31\], got -1"),
        ((3, 2, "critic"), ValueError, "mode must be one of 'joint', 'frozen'"),
    ],
)
def test_bad_parameters(args, exc, match):
    with pytest.raises(exc, match=match):
        AuxiliaryNetwork(*args)


def test_default_mode_matches_samcl_loss():
    import inspect

    from samcl_loss import SAMCLLoss

    default = inspect.signature(AuxiliaryNetwork).parameters["mode"].default
    assert default == inspect.signature(SAMCLLoss).parameters["aux"].default == "frozen"
    assert AuxiliaryNetwork(3, 2).mode == SAMCLLoss(3).aux.mode == "frozen"


@pytest.mark.parametrize("mode", ["joint", "frozen"])
@pytest.mark.parametrize(
    "x, exc, match",
    [
        ([[0.0]], TypeError, r"x must be a torch.Tensor of shape \(B, 3, H, W\), got list"),
        (torch.zeros(1, 3, 8, 8, dtype=torch.long), TypeError,
         r"x must be a floating-point tensor \(B, 3, H, W\), got torch.int64"),
        (torch.zeros(3, 8, 8), ValueError, r"x must have shape \(B, 3, H, W\), got \(3, 8, 8\)"),
        (torch.zeros(1, 4, 8, 8), ValueError,
         r"x must have num_classes=3 channels \(dim 1\), got 4"),
    ],
)
def test_bad_input(mode, x, exc, match):
    # Frozen, a wrong channel count was accepted silently; joint, torch's conv2d failed.
    with pytest.raises(exc, match=match):
        AuxiliaryNetwork(3, 2, mode)(x)

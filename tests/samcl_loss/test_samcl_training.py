"""Short training runs: the auxiliary network stays informative; the reference design collapses."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from samcl_loss import SAMCLLoss, class_swap

C = 4


def segmenter():
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1),
                         nn.ReLU(), nn.Conv2d(16, C, 3, padding=1))


def sgd(params):
    # The paper's optimiser settings.
    return torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["frozen", "joint"])
def test_aux_stays_informative_during_training(mode, blobs):
    torch.manual_seed(0)
    image, target = blobs(8, 32, 32, C)
    net, samcl = segmenter(), SAMCLLoss(C, aux=mode)
    opt = sgd([*net.parameters(), *samcl.parameters()])
    g = torch.Generator().manual_seed(0)
    initial = [p.detach().clone() for p in samcl.parameters()]
    values = []
    for _ in range(250):
        logits = net(image)
        term = samcl(logits, target, generator=g)
        loss = F.cross_entropy(logits, target) + 0.5 * term
        opt.zero_grad()
        loss.backward()
        opt.step()
        values.append(term.item())
    assert sum(values[-10:]) / 10 < 0.5 * sum(values[:10]) / 10
    with torch.no_grad():
        pos = F.one_hot(target, C).permute(0, 3, 1, 2).float()
        neg = F.one_hot(class_swap(target, C, generator=torch.Generator().manual_seed(9)), C)
        neg = neg.permute(0, 3, 1, 2).float()
        for fp, fn in zip(samcl.aux(pos), samcl.aux(neg)):
            assert fp.abs().max() > 0.1  # not all zero
            assert fp.std(dim=(2, 3)).mean() > 0.05  # not spatially constant
            gap = (fp - fn).norm(dim=1).mean() / fp.norm(dim=1).mean()
            assert gap > 0.5  # positive and negative stay distinguishable
    if mode == "joint":
        assert any(not torch.allclose(a, b) for a, b in zip(initial, samcl.parameters()))


def _reference_aux():
    """Reference-style aux: conv, BN, ReLU after every layer (the last a 1x1 with padding 1)."""

    def block(kernel, stride):
        return nn.Sequential(nn.Conv2d(C, C, kernel, stride=stride, padding=1, bias=False),
                             nn.BatchNorm2d(C), nn.ReLU())

    return nn.ModuleList([block(3, 2), block(3, 2), block(1, 1)])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_reference_design_collapses(seed, blobs):
    """Why the aux network here is different: the reference's joint training collapses.

    Reference ingredients: ReLU after every layer, distance = cross-entropy against the
    un-normalised ReLU outputs (zero targets give zero distance), separate BN passes, an
    all-zero "negative", weight decay. The cooperative gradient shrinks the positive's outputs
    until every ReLU is dead; then the positive and negative outputs are 0, every distance is 0,
    the loss is the constant 3 x margin and no gradient reaches the aux network any more.
    """
    torch.manual_seed(seed)
    image, target = blobs(8, 32, 32, C, seed=seed)
    net, aux = segmenter(), _reference_aux()
    triplet = nn.TripletMarginWithDistanceLoss(distance_function=nn.CrossEntropyLoss(), margin=1.0)
    opt = sgd([*net.parameters(), *aux.parameters()])

    def run(x):
        outs = []
        for layer in aux:
            x = layer(x)
            outs.append(x)
        return outs

    for _ in range(100):
        logits = net(image)
        anchor = F.one_hot(logits.argmax(1), C).permute(0, 3, 1, 2).float()
        pos = F.one_hot(target, C).permute(0, 3, 1, 2).float()
        neg = torch.zeros_like(pos)
        outs = [run(anchor), run(pos), run(neg)]
        term = sum(triplet(a, p, n) for a, p, n in zip(*outs))
        opt.zero_grad()
        (F.cross_entropy(logits, target) + 0.5 * term).backward()
        opt.step()
    assert term.item() == 3.0
    # Positive and negative maps are all zero at every scale, so every distance is zero.
    assert all(torch.all(o == 0) for group in outs[1:] for o in group)
    assert all(p.grad is None or torch.all(p.grad == 0) for p in aux.parameters()
               if p.ndim == 4)

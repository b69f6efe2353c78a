import collections

import pytest
import torch

from samcl_loss import class_swap


def label_map(target, swapped, ignore_index=255):
    """Per sample: the dict old label -> new label (asserting it is a function)."""
    maps = []
    for t, s in zip(target, swapped):
        m = {}
        for a, b in zip(t.flatten().tolist(), s.flatten().tolist()):
            assert m.setdefault(a, b) == b
        maps.append(m)
    return maps


def test_derangement_per_sample_and_ignore_kept():
    g = torch.Generator().manual_seed(0)
    target = torch.arange(5).repeat(8, 4, 1)  # every sample holds all 5 classes
    target[:, 0, 0] = 255
    swapped = class_swap(target, 5, generator=g)
    assert swapped.shape == target.shape and swapped.dtype == target.dtype
    assert torch.all(swapped[:, 0, 0] == 255)
    for m in label_map(target, swapped):
        assert m.pop(255) == 255
        assert sorted(m.values()) == list(range(5))  # a permutation
        assert all(k != v for k, v in m.items())  # no class keeps its label
    assert len({tuple(sorted(m.items())) for m in label_map(target, swapped)}) > 1


def test_reproducible_with_generator_and_target_untouched():
    target = torch.randint(0, 6, (4, 10, 10), dtype=torch.uint8)
    before = target.clone()
    a = class_swap(target, 6, generator=torch.Generator().manual_seed(7))
    b = class_swap(target, 6, generator=torch.Generator().manual_seed(7))
    c = class_swap(target, 6, generator=torch.Generator().manual_seed(8))
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert torch.equal(target, before) and a.dtype == torch.uint8


@pytest.mark.parametrize("num_classes, count", [(2, 1), (3, 2), (4, 9)])
def test_uniform_over_derangements(num_classes, count):
    # count = number of derangements of num_classes elements (subfactorial).
    g = torch.Generator().manual_seed(1)
    target = torch.arange(num_classes).repeat(3000, 1)
    swapped = class_swap(target, num_classes, generator=g)
    freq = collections.Counter(tuple(row) for row in swapped.tolist())
    assert len(freq) == count
    expected = 3000 / count
    assert all(abs(f - expected) < 5 * expected**0.5 for f in freq.values())


def test_other_ignore_index_and_shapes():
    target = torch.tensor([[0, 1, -1], [1, -1, 0]])
    swapped = class_swap(target, 2, ignore_index=-1)
    assert torch.equal(swapped, torch.tensor([[1, 0, -1], [0, -1, 1]]))


@pytest.mark.parametrize(
    "args, kwargs, exc, match",
    [
        ((torch.zeros(2, 3, dtype=torch.long), 1), {}, ValueError,
         r"num_classes must be an int in \[2, 65536\]"),
        ((torch.zeros(2, 3), 3), {}, TypeError, "target must be an integer tensor"),
        ((torch.full((2, 3), 3), 3), {}, ValueError, r"labels in \[0, 3\) or ignore_index=255"),
        ((torch.tensor(1), 3), {}, ValueError, "leading sample dimension"),
        ((torch.zeros(2, 3, dtype=torch.long), 3), dict(generator=0), TypeError,
         "generator must be a torch.Generator"),
    ],
)
def test_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        class_swap(*args, **kwargs)


@pytest.mark.parametrize("dtype, num_classes, top",
                         [(torch.int8, 200, 127), (torch.uint8, 1000, 255)])
def test_num_classes_beyond_target_dtype_refused(dtype, num_classes, top):
    # The swapped labels reach num_classes - 1: cast back to a narrow target dtype they would
    # wrap (int8 gave -95 for 200 classes, uint8 labels mod 256 that could collide).
    target = torch.tensor([[0, 1, 2]], dtype=dtype)
    match = rf"num_classes={num_classes} .*{dtype}.* \[0, {top}\]"
    with pytest.raises(ValueError, match=match):
        class_swap(target, num_classes, generator=torch.Generator().manual_seed(0),
                   ignore_index=num_classes)


def test_num_classes_filling_the_target_dtype_accepted():
    target = torch.tensor([[0, 1, 127, -1]], dtype=torch.int8)
    swapped = class_swap(target, 128, generator=torch.Generator().manual_seed(0), ignore_index=-1)
    assert swapped.dtype == torch.int8 and int(swapped.min()) == -1
    assert bool((swapped[0, :3] >= 0).all()) and bool((swapped[0, :3] != target[0, :3]).all())

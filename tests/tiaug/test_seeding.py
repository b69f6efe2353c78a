import numpy as np
import pytest

from tiaug import Compose, NETDNoise, Rotate
from tiaug.seeding import sample_rng


def test_same_triple_same_stream_distinct_triples_differ():
    draws = {(s, i, e): sample_rng(s, i, e).random(4).tolist()
             for s in (0, 1) for i in (0, 1, 2) for e in (0, 1)}
    assert draws[(0, 1, 1)] == sample_rng(0, 1, 1).random(4).tolist()
    assert len({tuple(v) for v in draws.values()}) == len(draws)
    assert sample_rng(5, 3).random() == sample_rng(5, 3, epoch=0).random()


def test_is_a_plain_numpy_generator_without_global_state():
    # The legacy global state is what must stay untouched.
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    rng = sample_rng(0, 0)
    assert isinstance(rng, np.random.Generator)
    assert isinstance(rng.bit_generator, np.random.PCG64)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"seed": -1, "index": 0}, ValueError, "seed must be a non-negative int, got -1"),
    ({"seed": 0, "index": 1.0}, TypeError, "index must be a non-negative int, got float"),
    ({"seed": 0, "index": 0, "epoch": True}, TypeError, "epoch must be a non-negative int"),
    ({"seed": 0, "index": 0, "epoch": -2}, ValueError, "epoch must be a non-negative int"),
])
def test_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        sample_rng(**kwargs)


class AugmentedFrames:
    """A map-style dataset seeding each sample with ``sample_rng(seed, index, epoch)``."""

    def __init__(self, n, seed):
        self.n, self.seed, self.epoch = n, seed, 0
        self.aug = Compose([Rotate(angle=(-30, 30)), NETDNoise(0.5)])
        self.frame = np.linspace(20.0, 36.0, 16 * 20, dtype=np.float32).reshape(16, 20)

    def set_epoch(self, epoch):
        self.epoch = epoch

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        rng = sample_rng(self.seed, index, self.epoch)
        return self.aug(image=self.frame, rng=rng)["image"]


def load(dataset, num_workers, epoch):
    torch = pytest.importorskip("torch")
    dataset.set_epoch(epoch)
    loader = torch.utils.data.DataLoader(dataset, batch_size=3, num_workers=num_workers,
                                         shuffle=False)
    return np.concatenate([batch.numpy() for batch in loader])


def test_dataloader_samples_do_not_depend_on_num_workers():
    pytest.importorskip("torch")
    dataset = AugmentedFrames(n=7, seed=42)
    serial = load(dataset, 0, epoch=0)
    parallel = load(dataset, 2, epoch=0)
    np.testing.assert_array_equal(serial, parallel)
    # Distinct samples, and each epoch augments them anew.
    assert len({frame.tobytes() for frame in serial}) == len(serial)
    next_epoch = load(dataset, 2, epoch=1)
    assert not any(np.array_equal(a, b) for a, b in zip(serial, next_epoch, strict=True))
    np.testing.assert_array_equal(load(dataset, 0, epoch=1), next_epoch)

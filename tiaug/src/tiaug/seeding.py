"""Reproducible per-sample random generators for data loading, independent of worker count.

Seeding per *sample* rather than per worker process makes an augmented dataset a pure function
of ``(seed, epoch, index)``: the same frames come out whether a ``torch.utils.data.DataLoader``
uses 0, 2 or 16 workers, in whatever order the workers finish. tiaug never imports torch; this
module only builds numpy generators.

Examples
--------
A dataset that augments with a fresh, reproducible generator per sample:

>>> import numpy as np
>>> from tiaug import TiAug
>>> from tiaug.seeding import sample_rng
>>> class ThermalFaces:  # a torch Dataset in practice
...     def __init__(self, frames, labels, seed=0):
...         self.frames, self.labels, self.seed, self.epoch = frames, labels, seed, 0
...         self.aug = TiAug()
...     def set_epoch(self, epoch):  # call once per epoch, before iterating
...         self.epoch = epoch
...     def __len__(self):
...         return len(self.frames)
...     def __getitem__(self, index):
...         rng = sample_rng(self.seed, index, self.epoch)
...         out = self.aug(image=self.frames[index], mask=self.labels[index], rng=rng)
...         return out["image"], out["mask"]
"""

import numbers

import numpy as np

__all__ = ["sample_rng"]


def sample_rng(seed, index, epoch=0):
    """Return the generator for sample `index` of epoch `epoch` of a run seeded with `seed`.

    Parameters
    ----------
    seed : int
        The run's seed, ``>= 0``.
    index : int
        The sample's index in the dataset, ``>= 0``.
    epoch : int, optional
        The epoch, ``>= 0``; each epoch gets new augmentations of the same sample.

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator seeded with ``numpy.random.SeedSequence([seed, epoch, index])``:
        independent streams for distinct triples, identical for equal ones, in any process.

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is negative.

    Notes
    -----
    Call it inside ``Dataset.__getitem__`` and pass the result as ``rng=`` to a transform. Worker
    processes then need no ``worker_init_fn``, and the samples do not depend on ``num_workers``,
    the batch size or the order in which workers run. Keep the epoch in the dataset (e.g. a
    ``set_epoch`` method called before each epoch, as with ``DistributedSampler``). With
    ``persistent_workers=True`` the workers keep the copy of the dataset they started with, so a
    ``set_epoch`` in the main process does not reach them; let the sampler yield
    ``(epoch, index)`` pairs instead.

    Examples
    --------
    >>> from tiaug.seeding import sample_rng
    >>> a = sample_rng(0, index=7, epoch=1).random()
    >>> b = sample_rng(0, index=7, epoch=1).random()
    >>> a == b, a == sample_rng(0, index=8, epoch=1).random()
    (True, False)
    """
    entropy = [_check_count(seed, "seed"), _check_count(epoch, "epoch"),
               _check_count(index, "index")]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def _check_count(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value}")
    return int(value)

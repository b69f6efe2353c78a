"""Order statistics of a frame's temperatures on a regular grid, for the scene's ambient and skin
estimates (:func:`tiaug.scene.scene_temperatures`).

The quantiles reproduce numpy's bit for bit: ``np.percentile(x, q)`` (the default "linear"
method: the order statistics around ``(n - 1) * q / 100``, interpolated in the samples' dtype as
numpy's ``_lerp`` does with a Python-float weight) and ``np.median`` (the mean of the two middle
values in the samples' dtype). The selection is numpy's own ``partition``; doing all of it in one
compiled call saves the ~10 numpy calls per frame that cost several times the work.
"""

import numpy as np

from . import jit


@jit
def grid_samples(image, mask, step, ignore, has_ignore, face, background, every):
    """Temperatures of the grid's nodes (every `step`-th row and column from 0): all of them into
    `every`, and when `mask` has rows, those labelled 0 into `background` and the others, less
    `ignore` when `has_ignore`, into `face`. Returns the three counts."""
    n_face = n_background = n_every = 0
    with_mask = mask.shape[0] > 0
    for i in range(0, image.shape[0], step):
        for j in range(0, image.shape[1], step):
            t = image[i, j]
            every[n_every] = t
            n_every += 1
            if with_mask:
                v = mask[i, j]
                if v == 0:
                    background[n_background] = t
                    n_background += 1
                elif not (has_ignore and v == ignore):
                    face[n_face] = t
                    n_face += 1
    return n_face, n_background, n_every


@jit
def _kth_pair(x, n, k):
    """The k-th and (k+1)-th smallest of ``x[:n]`` (the k-th twice when k is the last);
    reorders ``x[:n]``."""
    v = x[:n]
    v[:] = np.partition(v, k)
    a = v[k]
    b = a
    if k + 1 < n:
        b = v[k + 1]
        for i in range(k + 2, n):
            if v[i] < b:
                b = v[i]
    return a, b


@jit
def percentile(x, n, q):
    """``np.percentile(x[:n], 100 * q)``, bit for bit (n >= 1); reorders ``x[:n]``."""
    virtual = (n - 1) * q
    if virtual >= n - 1:
        return np.max(x[:n])
    below = int(np.floor(virtual))
    t = virtual - below
    a, b = _kth_pair(x, n, below)
    d = b - a
    if t >= 0.5:
        return b - d * x.dtype.type(1.0 - t)
    return a + d * x.dtype.type(t)


@jit
def median(x, n):
    """``np.median(x[:n])``, bit for bit (n >= 1); reorders ``x[:n]``."""
    if n % 2 == 1:
        return _kth_pair(x, n, (n - 1) // 2)[0]
    a, b = _kth_pair(x, n, n // 2 - 1)
    return (a + b) / x.dtype.type(2.0)

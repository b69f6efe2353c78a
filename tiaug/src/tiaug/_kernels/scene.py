"""Order statistics of a frame's temperatures on a regular grid, for the scene's ambient and skin
estimates (:func:`tiaug.scene.scene_temperatures`).

The quantiles reproduce numpy's bit for bit: ``np.percentile(x, q)`` (the default "linear"
method: the order statistics around ``(n - 1) * q / 100``, interpolated in the samples' dtype as
numpy's ``_lerp`` does with a Python-float weight) and ``np.median`` (the mean of the two middle
values in the samples' dtype). Any exact selection finds the same order statistics, bits and all,
unless zeros of both signs are among the samples: then numpy's own ``partition`` chooses, as it
always did, and otherwise a quickselect whose partitions take no branch on the data. Doing all of
it in one compiled call saves the ~10 numpy calls per frame that cost several times the work.
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
    overwrites ``x[:n]``."""
    v = x[:n]
    zeros = 0
    for i in range(n):
        zeros += v[i] == 0.0
    if zeros:
        # -0 and +0 compare equal but differ in their bits: which one is the k-th stays numpy's
        # partition's choice.
        return _partitioned_pair(v, k)
    return _selected_pair(v, k)


@jit
def _partitioned_pair(v, k):
    """:func:`_kth_pair` of all of `v` with numpy's partition."""
    v[:] = np.partition(v, k)
    a = v[k]
    b = a
    if k + 1 < v.size:
        b = v[k + 1]
        for i in range(k + 2, v.size):
            if v[i] < b:
                b = v[i]
    return a, b


@jit
def _selected_pair(v, k):
    """:func:`_kth_pair` of all of `v` (no NaN) by three-way partitions around the median of
    three, each writing every value both to the front and to the back of the other of two
    buffers (`v` and a scratch array) and keeping the copy its comparisons ask for, so that no
    branch depends on the data: a quickselect's swaps mispredict about every other comparison,
    which made them the most expensive part of a scene estimate."""
    buffers = (v, np.empty_like(v))
    src = v
    side = 1
    above = v[0]
    bounded = False  # whether a value above the candidates was left out: `above`, the smallest
    while True:
        dst = buffers[side]
        m = src.size
        a, b, c = src[0], src[m >> 1], src[m - 1]
        p = max(min(a, b), min(max(a, b), c))
        smaller = 0
        larger = 0
        for i in range(m):
            t = src[i]
            dst[smaller] = t
            dst[m - 1 - larger] = t
            smaller += t < p
            larger += t > p
        if k < smaller:
            src = dst[:smaller]
            above = p
            bounded = True
        elif k >= m - larger:
            src = dst[m - larger:m]
            k -= m - larger
        else:
            break
        side = 1 - side
    if k + 1 < m - larger:  # the next value is the pivot's equal too
        return p, p
    if larger:
        return p, np.min(dst[m - larger:m])
    return p, (above if bounded else p)


@jit
def percentile(x, n, q):
    """``np.percentile(x[:n], 100 * q)``, bit for bit (n >= 1); overwrites ``x[:n]``."""
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
    """``np.median(x[:n])``, bit for bit (n >= 1); overwrites ``x[:n]``."""
    if n % 2 == 1:
        return _kth_pair(x, n, (n - 1) // 2)[0]
    a, b = _kth_pair(x, n, n // 2 - 1)
    return (a + b) / x.dtype.type(2.0)

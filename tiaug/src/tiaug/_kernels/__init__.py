"""numba kernels behind tiaug's validating public functions.

Nothing here checks its arguments: callers (the public functions) do. Every kernel is tested
against a slow reference implementation in ``tests/tiaug``.
"""

import numba
import numpy as np


def jit(func):
    """``numba.njit(cache=True)``, without the on-disk cache where no cache directory is writable.

    numba caches next to the source or in the user's cache directory; when neither is writable
    (read-only install, read-only HOME) ``cache=True`` raises at decoration time, so the kernel
    is compiled per process instead of failing to import.
    """
    try:
        return numba.njit(cache=True)(func)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(func)


# min/max as plain selects: with the builtins on floats in them, LLVM left loops scalar.
@jit
def select_min(a, b):
    return a if a < b else b


@jit
def select_max(a, b):
    return a if a > b else b


@jit
def gather_corners(flat, offsets, row, n, v00, v01, v10, v11):
    """The four corners of cells of a row-major grid `row` (uint32) nodes wide, for j < n:
    ``v00[j], v01[j], v10[j], v11[j] = flat[k], flat[k + 1], flat[k + row], flat[k + row + 1]``
    with ``k = offsets[j]`` (uint32, which spares numba's negative-index wraparound).

    The scalar gather pass of the bilinear kernels, kept apart from their arithmetic so that
    the arithmetic vectorises.
    """
    one = np.uint32(1)
    for j in range(n):
        k = offsets[j]
        v00[j] = flat[k]
        v01[j] = flat[k + one]
        v10[j] = flat[k + row]
        v11[j] = flat[k + row + one]

"""numba kernels behind tiaug's validating public functions.

Nothing here checks its arguments: callers (the public functions) do. Every kernel is tested
against a slow reference implementation in ``tests/tiaug``.
"""

import numba


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

"""numba kernels behind tiaug's validating public functions.

Nothing here checks its arguments: callers (the public functions) do. Every kernel is tested
against a slow reference implementation in ``tests/tiaug``.
"""

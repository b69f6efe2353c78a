"""The SplitMix64 finaliser: a counter-based uniform in [0, 1) for the texture lattices of the
occluder kernels (each value a pure function of its counter, so replay is exact)."""

import numpy as np

from . import jit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # the golden-ratio increment between counters
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV_2_53 = 1.0 / 9007199254740992.0


@jit
def uniform(z):
    """Uniform float64 in [0, 1) from the uint64 counter `z`."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return np.float64(np.int64(z >> _S11)) * _INV_2_53  # via int64: vectorises (< 2**53, exact)

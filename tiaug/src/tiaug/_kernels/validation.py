"""The pass over a frame that the check of its temperatures needs (:mod:`tiaug._validation`)."""

import numpy as np

from . import jit


@jit
def extreme_bits(bits):
    """Bit patterns of the smallest and largest of the floats whose bits `bits` holds (a 2-D
    float32 frame viewed as int32, a float64 one as int64), in IEEE 754's total order: a NaN with
    the sign bit set below -inf, any other NaN above +inf, -0 below +0.

    Floats order as signed integers once the negative ones have every bit but the sign flipped.
    Integer minima and maxima vectorise where float ones that must not miss a NaN do not: one pass
    for both extremes takes about the time of numpy's ``min`` alone.
    """
    t = bits.dtype.type
    flip = t(np.iinfo(bits.dtype).max)
    zero = t(0)
    first = bits[0, 0]
    lo = t(first ^ flip) if first < zero else first
    hi = lo
    for i in range(bits.shape[0]):
        row = bits[i]
        for j in range(row.size):
            u = row[j]
            # A select, not a shifted sign mask: the shift widened float32's lanes to 64 bits.
            key = t(u ^ flip) if u < zero else u
            lo = key if key < lo else lo
            hi = key if key > hi else hi
    return (t(lo ^ flip) if lo < zero else lo), (t(hi ^ flip) if hi < zero else hi)

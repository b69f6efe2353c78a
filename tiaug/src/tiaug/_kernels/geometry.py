"""Affine resampling of a temperature frame, its labels and its occlusion map in one pass."""

import numpy as np

from . import gather_corners, jit
from . import select_max as _max
from . import select_min as _min


@jit
def _limits(h, w):
    """Source-point bounds of an (h, w) frame: the last pixel centre, the end of the pixel area
    and the last top-left neighbour, along y then x.

    The top-left neighbour stays at most (H - 2, W - 2), so the other three are always in the
    frame; on the last row / column the weight is then exactly 1.
    """
    return h - 1.0, w - 1.0, h - 0.5, w - 0.5, h - 2.0, w - 2.0


@jit
def warp_affine(image, mask, occluded, out_image, out_mask, out_occluded,
                i00, i01, i02, i10, i11, i12, edge, fill, mask_fill, has_mask, has_occluded):
    """Resample through the inverse map y = (i00 r + i02) + i01 c, x = (i10 r + i12) + i11 c.

    See :func:`warp_general`; maps without rotation or shear (``i01 == i10 == 0``: scaling,
    flips, shifts) take :func:`warp_axes`, which gives the same output faster.
    """
    if i01 == 0.0 and i10 == 0.0:
        warp_axes(image, mask, occluded, out_image, out_mask, out_occluded, i00, i02, i11, i12,
                  edge, fill, mask_fill, has_mask, has_occluded)
    else:
        warp_general(image, mask, occluded, out_image, out_mask, out_occluded,
                     i00, i01, i02, i10, i11, i12, edge, fill, mask_fill, has_mask, has_occluded)


@jit
def warp_general(image, mask, occluded, out_image, out_mask, out_occluded,
                 i00, i01, i02, i10, i11, i12, edge, fill, mask_fill, has_mask, has_occluded):
    """Resample through the inverse map y = (i00 r + i02) + i01 c, x = (i10 r + i12) + i11 c.

    A source point is inside when it lies in the input's pixel area [-0.5, H - 0.5) x
    [-0.5, W - 0.5). Temperatures are bilinear at the source point clamped to [0, H - 1] x
    [0, W - 1], then clamped to the range of the four neighbours used; outside they are
    `fill` unless `edge`. Labels and occlusion flags are nearest neighbour inside, `mask_fill`
    and False outside. `mask` / `occluded` are only read (and their outputs written) when
    `has_mask` / `has_occluded`; callers pass 1x1 dummies otherwise. All arrays are
    C-contiguous, at least 2x2, and below 2**31 pixels (offsets computed as int32, the
    conversion AVX2 vectorises, and stored as uint32).

    Each output row runs in passes so that the arithmetic vectorises and only the gathers
    stay scalar: source offsets and weights, then gathers, then interpolation. Unsigned
    offsets also spare numba's negative-index wraparound on every gather.
    """
    h, w = image.shape
    ho, wo = out_image.shape
    flat = image.reshape(-1)
    labels = mask.reshape(-1)
    flags = occluded.reshape(-1)
    ylast, xlast, yend, xend, ytop, xtop = _limits(h, w)
    width = np.uint32(w)
    zero = np.uint32(0)
    one = np.uint32(1)
    # Row buffers; interpolation runs in the image's precision.
    base = np.empty(wo, np.uint32)
    nearest = np.empty(wo, np.uint32)
    inside = np.empty(wo, np.bool_)
    keep = np.empty(wo, np.bool_)
    fx = np.empty(wo, image.dtype)
    fy = np.empty(wo, image.dtype)
    v00 = np.empty(wo, image.dtype)
    v01 = np.empty(wo, image.dtype)
    v10 = np.empty(wo, image.dtype)
    v11 = np.empty(wo, image.dtype)
    # Constants in the image's dtype, so that float32 frames are interpolated in float32.
    constants = np.empty(2, image.dtype)
    constants[0] = fill
    constants[1] = 1.0
    fill_t = constants[0]
    unit = constants[1]
    for r in range(ho):
        yrow = i00 * r + i02
        xrow = i10 * r + i12
        for c in range(wo):
            y = yrow + i01 * c
            x = xrow + i11 * c
            inside[c] = (y >= -0.5) & (y < yend) & (x >= -0.5) & (x < xend)
            keep[c] = inside[c] | edge
            y = min(max(y, 0.0), ylast)
            x = min(max(x, 0.0), xlast)
            y0 = min(np.floor(y), ytop)
            x0 = min(np.floor(x), xtop)
            # Exact: the fraction of a double is a double.
            ty = y - y0
            tx = x - x0
            fy[c] = ty
            fx[c] = tx
            o = np.uint32(np.int32(y0 * w + x0))
            base[c] = o
            # Nearest neighbour, ties rounding up.
            nearest[c] = o + (width if ty >= 0.5 else zero) + (one if tx >= 0.5 else zero)
        gather_corners(flat, base, width, wo, v00, v01, v10, v11)
        row = out_image[r]
        for c in range(wo):
            a = v00[c]
            b = v01[c]
            d = v10[c]
            e = v11[c]
            sx = fx[c]
            sy = fy[c]
            # Weights of the form (1 - t, t): a zero weight reproduces a neighbour exactly.
            top = (unit - sx) * a + sx * b
            bottom = (unit - sx) * d + sx * e
            value = (unit - sy) * top + sy * bottom
            # Rounding must never leave the neighbours' range (no overshoot).
            lo = _min(_min(a, b), _min(d, e))
            hi = _max(_max(a, b), _max(d, e))
            value = _min(_max(value, lo), hi)
            row[c] = value if keep[c] else fill_t
        if has_mask:
            mrow = out_mask[r]
            for c in range(wo):
                mrow[c] = labels[nearest[c]] if inside[c] else mask_fill
        if has_occluded:
            orow = out_occluded[r]
            for c in range(wo):
                orow[c] = flags[nearest[c]] and inside[c]


@jit
def warp_axes(image, mask, occluded, out_image, out_mask, out_occluded, i00, i02, i11, i12,
              edge, fill, mask_fill, has_mask, has_occluded):
    """:func:`warp_general` for maps without rotation or shear: y = i00 r + i02, x = i11 c + i12.

    The source column of every output column is the same on every row, and each output row
    blends two source rows, each interpolated along x once and kept while the next output rows
    use it (a source row at index k is kept in slot k % 2, so a row pair never collides). The
    arithmetic is the general kernel's, in the same order: the outputs are identical.
    """
    h, w = image.shape
    ho, wo = out_image.shape
    labels = mask.reshape(-1)
    flags = occluded.reshape(-1)
    ylast, xlast, yend, xend, ytop, xtop = _limits(h, w)
    # Per output column: the left source column, its weight, the nearest column, and whether the
    # source point lies in the frame's pixel area along x.
    left = np.empty(wo, np.int64)
    near = np.empty(wo, np.int64)
    inside_x = np.empty(wo, np.bool_)
    fx = np.empty(wo, image.dtype)
    for c in range(wo):
        x = i12 + i11 * c
        inside_x[c] = (x >= -0.5) & (x < xend)
        x = min(max(x, 0.0), xlast)
        x0 = min(np.floor(x), xtop)
        tx = x - x0
        fx[c] = tx
        left[c] = int(x0)
        near[c] = left[c] + (1 if tx >= 0.5 else 0)
    # Slots of interpolated source rows (values, and the lower and upper of each pixel pair).
    along = np.empty((2, wo), image.dtype)
    low = np.empty((2, wo), image.dtype)
    high = np.empty((2, wo), image.dtype)
    held = np.full(2, -1, np.int64)
    keep = np.empty(wo, np.bool_)
    constants = np.empty(3, image.dtype)
    constants[0] = fill
    constants[1] = 1.0
    fill_t = constants[0]
    unit = constants[1]
    for r in range(ho):
        y = i00 * r + i02
        inside_y = (y >= -0.5) & (y < yend)
        y = min(max(y, 0.0), ylast)
        y0 = min(np.floor(y), ytop)
        constants[2] = y - y0  # the weight in the image's dtype, as the general kernel stores it
        sy = constants[2]
        top = int(y0)
        for k in (top, top + 1):
            slot = k % 2
            if held[slot] != k:
                held[slot] = k
                src = image[k]
                vals = along[slot]
                lows = low[slot]
                highs = high[slot]
                for c in range(wo):
                    a = src[left[c]]
                    b = src[left[c] + 1]
                    sx = fx[c]
                    vals[c] = (unit - sx) * a + sx * b
                    lows[c] = _min(a, b)
                    highs[c] = _max(a, b)
        s0 = top % 2
        s1 = 1 - s0
        above, below = along[s0], along[s1]
        lo_a, lo_b = low[s0], low[s1]
        hi_a, hi_b = high[s0], high[s1]
        for c in range(wo):
            keep[c] = (inside_y & inside_x[c]) | edge
        row = out_image[r]
        for c in range(wo):
            value = (unit - sy) * above[c] + sy * below[c]
            lo = _min(lo_a[c], lo_b[c])
            hi = _max(hi_a[c], hi_b[c])
            value = _min(_max(value, lo), hi)
            row[c] = value if keep[c] else fill_t
        nearest_row = (top + (1 if y - y0 >= 0.5 else 0)) * w
        if has_mask:
            mrow = out_mask[r]
            for c in range(wo):
                mrow[c] = labels[nearest_row + near[c]] if inside_y & inside_x[c] else mask_fill
        if has_occluded:
            orow = out_occluded[r]
            for c in range(wo):
                orow[c] = flags[nearest_row + near[c]] and (inside_y & inside_x[c])


@jit
def reverse_columns(src, out):
    """``out[i, j] = src[i, w - 1 - j]``: a left-right mirror at the speed of a copy.

    Unsigned indices spare numba's negative-index wraparound, so the reversed loads vectorise
    (numpy's copy of a negatively strided view runs element by element, 3-10x slower).
    """
    h, w = src.shape
    last = np.uint64(w - 1)
    for i in range(h):
        row = src[i]
        dst = out[i]
        for j in range(w):
            dst[np.uint64(j)] = row[last - np.uint64(j)]
    return out

"""The room and the body: a monotone map of every pixel towards a new ambient temperature, and
smooth compact bumps of skin temperature change (see :mod:`tiaug.ambience`)."""

import numpy as np

from . import jit, select_max, select_min


@jit
def label_moments(mask, lut, offset, step, out):
    """Zeroth, first and second moments of the labelled regions on every `step`-th row and
    column (from ``step // 2``): a pixel labelled ``v`` counts towards region ``k = lut[v -
    offset]`` when ``0 <= v - offset < lut.size`` and ``k < len(out)``, and ``out[k] = (n, sum
    r, sum c, sum r*r, sum r*c, sum c*c)`` in pixel coordinates. Returns `out`."""
    out[:] = 0.0
    n = out.shape[0]
    size = lut.size
    # The grid's nodes sit in the middle of their cells, so no side of a region is favoured.
    for i in range(step // 2, mask.shape[0], step):
        fi = np.float64(i)
        row = mask[i]
        for j in range(step // 2, mask.shape[1], step):
            # One table lookup instead of a comparison per region: 3x faster.
            idx = np.int64(row[j]) - offset
            k = lut[idx] if 0 <= idx < size else n
            if k < n:
                fj = np.float64(j)
                out[k, 0] += 1.0
                out[k, 1] += fi
                out[k, 2] += fj
                out[k, 3] += fi * fi
                out[k, 4] += fi * fj
                out[k, 5] += fj * fj
    return out


@jit
def split_moments(mask, label, step, r0, c0, ar, ac, out):
    """Moments of the pixels labelled `label` (on the grid of :func:`label_moments`) on either side
    of the line through ``(r0, c0)`` across the axis ``(ar, ac)``: ``out[side] = (n, sum r,
    sum c, sum p, sum p*p)``, ``p`` the position along the axis, side 1 where ``p >= 0``.
    Returns `out`."""
    out[:] = 0.0
    for i in range(step // 2, mask.shape[0], step):
        fi = np.float64(i)
        for j in range(step // 2, mask.shape[1], step):
            if mask[i, j] == label:
                fj = np.float64(j)
                p = (fi - r0) * ar + (fj - c0) * ac
                side = 1 if p >= 0.0 else 0
                out[side, 0] += 1.0
                out[side, 1] += fi
                out[side, 2] += fj
                out[side, 3] += p
                out[side, 4] += p * p
    return out


@jit
def room(image, shift, inv_span, core, low, high, out):
    """``out = image + shift * s`` with ``s = clip((core - image) * inv_span, 0, 1)``: a pixel at
    the old ambient or colder moves by the whole `shift`, one at `core` or hotter stays, and
    those between move in proportion (`inv_span` = 1 / (core - old ambient)); the result is
    clipped to [`low`, `high`]. The scalars have the frame's dtype. Returns `out`."""
    x = image.ravel()
    o = out.ravel()
    zero = x.dtype.type(0.0)
    one = x.dtype.type(1.0)
    for i in range(x.size):
        t = x[i]
        s = select_max(select_min((core - t) * inv_span, one), zero)
        o[i] = select_max(select_min(t + shift * s, high), low)
    return out


@jit
def add_bumps(image, occluded, ambient, inv_half, spots, low, high, out):
    """Add to `out` the bumps ``spots[k] = (row, col, radius, delta)``: ``delta * (1 - d**2 /
    radius**2)**2`` within `radius` pixels of the centre, weighted per pixel by how warm the
    *input* pixel is, ``clip((image - ambient) * inv_half, 0, 1)``, and left out where
    `occluded` (uint8, 0 or 1) is set; the pixels changed are clipped to [`low`, `high`].
    `ambient`, `inv_half`, `low` and `high` have the frame's dtype. Returns `out`."""
    height, width = image.shape
    t = image.dtype.type
    zero, one = t(0.0), t(1.0)
    for k in range(spots.shape[0]):
        r0, c0, radius, delta = spots[k, 0], spots[k, 1], spots[k, 2], spots[k, 3]
        inv_r2 = 1.0 / (radius * radius)
        col, inv, d = t(c0), t(inv_r2), t(delta)
        i0 = max(int(np.ceil(r0 - radius)), 0)
        i1 = min(int(np.floor(r0 + radius)), height - 1)
        for i in range(i0, i1 + 1):
            dr2 = (i - r0) * (i - r0)
            # The columns of this row inside the disc: no test per pixel, so the loop vectorises.
            half = np.sqrt(max(radius * radius - dr2, 0.0))
            j0 = max(int(np.ceil(c0 - half)), 0)
            j1 = min(int(np.floor(c0 + half)), width - 1)
            base = t(1.0 - dr2 * inv_r2)
            # Row views: with 2-D indexing numba left the loop scalar (4x slower).
            x = image[i, j0:j1 + 1]
            o = out[i, j0:j1 + 1]
            occ = occluded[i, j0:j1 + 1]
            start = t(j0) - col
            for j in range(x.size):
                dc = start + t(j)
                q = select_max(base - dc * dc * inv, zero)
                w = select_max(select_min((x[j] - ambient) * inv_half, one), zero)
                w = w * (one - t(occ[j]))
                o[j] = select_max(select_min(o[j] + d * q * q * w, high), low)
    return out

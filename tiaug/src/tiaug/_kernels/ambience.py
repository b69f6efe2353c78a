"""The room and the body: a continuous, piecewise-linear map of every pixel to a new room, and
smooth compact bumps of skin temperature change (see :mod:`tiaug.ambience`)."""

import numpy as np

from . import jit, select_max, select_min


@jit
def label_moments(mask, lut, offset, step, out):
    """Zeroth, first and second moments of the labelled regions on every `step`-th row and
    column (from ``step // 2``): a pixel labelled ``v`` counts towards region ``k = lut[v -
    offset]`` when ``0 <= v - offset < lut.size`` and ``k < len(out)``, and ``out[k] = (n, sum
    r, sum c, sum r*r, sum r*c, sum c*c, first row, last row)`` in pixel coordinates (the rows
    0 where n is 0). Returns `out`."""
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
                if out[k, 0] == 0.0:
                    out[k, 6] = fi
                out[k, 0] += 1.0
                out[k, 1] += fi
                out[k, 2] += fj
                out[k, 3] += fi * fi
                out[k, 4] += fi * fj
                out[k, 5] += fj * fj
                out[k, 7] = fi
    return out


@jit
def split_moments(mask, label, step, first, last, r0, c0, ar, ac, out):
    """Moments of the pixels labelled `label` (on the grid of :func:`label_moments`, rows `first`
    to `last` of it) on either side of the line through ``(r0, c0)`` across the axis ``(ar,
    ac)``: ``out[side] = (n, sum r, sum c, sum p, sum p*p)``, ``p`` the position along the axis,
    side 1 where ``p >= 0``. Returns `out`."""
    out[:] = 0.0
    for i in range(first, last + 1, step):
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
def move(image, occluded, shift, before, edge, slope, gain, core, inv_half, spots, low, high,
         out):
    """Move `image` to another room and add the body's bumps, row by row, into `out`.

    The room: a pixel at ``v`` moves by `shift` where ``v <= before`` (the old ambient), by
    ``gain * max(core - v, 0)`` where ``v > edge`` (the skin band), and in between by ``shift +
    (v - before) * slope`` (`slope` = the passive band's new width over its old one, less 1: 0
    keeps the room when `shift` and `gain` are 0), clipped to [`low`, `high`]. Then each bump
    ``spots[k] = (row, col, radius, delta)`` in order: ``delta * (1 - d**2 / radius**2)**2``
    within `radius` pixels of the centre, weighted by how warm the *input* pixel is,
    ``clip((image - before) * inv_half, 0, 1)``, left out where `occluded` (uint8, 0 or 1; an
    empty array: nothing occluded) is set, each sum clipped to [`low`, `high`]. The scalars have
    the frame's dtype. Returns `out`.
    """
    height, width = image.shape
    t = image.dtype.type
    zero, one = t(0.0), t(1.0)
    has_occluded = occluded.shape[0] > 0
    for i in range(height):
        # The room on the whole row, then the bumps on its spans while the row is in cache.
        x = image[i]
        o = out[i]
        for j in range(width):
            v = x[j]
            # Selects, not branches: the loop vectorises.
            passive = select_max(v - before, zero) * slope + shift
            skin = select_max(core - v, zero) * gain
            d = passive if v <= edge else skin
            o[j] = select_max(select_min(v + d, high), low)
        for k in range(spots.shape[0]):
            r0, c0, radius, delta = spots[k, 0], spots[k, 1], spots[k, 2], spots[k, 3]
            dr2 = (i - r0) * (i - r0)
            if dr2 > radius * radius:
                continue
            inv_r2 = 1.0 / (radius * radius)
            # The columns of this row inside the disc: no test per pixel, so the loop vectorises.
            half = np.sqrt(radius * radius - dr2)
            j0 = max(int(np.ceil(c0 - half)), 0)
            j1 = min(int(np.floor(c0 + half)), width - 1)
            if j1 < j0:
                continue
            base, inv, d = t(1.0 - dr2 * inv_r2), t(inv_r2), t(delta)
            start = t(j0) - t(c0)
            xs = x[j0:j1 + 1]
            os = o[j0:j1 + 1]
            if has_occluded:
                occ = occluded[i, j0:j1 + 1]
                for j in range(xs.size):
                    dc = start + t(j)
                    q = select_max(base - dc * dc * inv, zero)
                    w = select_max(select_min((xs[j] - before) * inv_half, one), zero)
                    w = w * (one - t(occ[j]))
                    os[j] = select_max(select_min(os[j] + d * q * q * w, high), low)
            else:
                for j in range(xs.size):
                    dc = start + t(j)
                    q = select_max(base - dc * dc * inv, zero)
                    w = select_max(select_min((xs[j] - before) * inv_half, one), zero)
                    os[j] = select_max(select_min(os[j] + d * q * q * w, high), low)
    return out

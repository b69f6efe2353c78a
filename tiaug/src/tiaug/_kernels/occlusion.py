"""Rasterising occluder shapes and filling flat occluders, touching only their bounding boxes.

Pixel ``(r, c)`` has its centre at the point ``(r, c)``; a pixel belongs to a shape when its centre
does. Shapes come packed as arrays (see ``tiaug.occlusion._schema.pack``):

- polygons: ``verts`` (N, 2) rows of (row, col); polygon ``k`` is
  ``verts[offsets[k]:offsets[k + 1]]``;
  even-odd rule with PNPOLY's half-open crossing test;
- segments: ``segs`` (M, 5) rows of (r0, c0, r1, c1, half_width); a pixel is inside when the
  distance from its centre to the segment is ``<= half_width`` (a capsule: round caps);
- ellipses: ``ells`` (K, 5) rows of (row, col, a, b, angle); the semi-axis ``a`` points along
  (row, col) = (cos(angle), sin(angle)).
"""

import math

import numpy as np

from . import jit


@jit
def rasterise(height, width, verts, offsets, segs, ells):
    """Return ``(r_lo, c_lo, buf)``: the union of all shapes; ``buf`` covers their clipped bbox."""
    rmin = cmin = np.inf
    rmax = cmax = -np.inf
    for i in range(verts.shape[0]):
        rmin = min(rmin, verts[i, 0])
        rmax = max(rmax, verts[i, 0])
        cmin = min(cmin, verts[i, 1])
        cmax = max(cmax, verts[i, 1])
    for i in range(segs.shape[0]):
        hw = segs[i, 4]
        rmin = min(rmin, min(segs[i, 0], segs[i, 2]) - hw)
        rmax = max(rmax, max(segs[i, 0], segs[i, 2]) + hw)
        cmin = min(cmin, min(segs[i, 1], segs[i, 3]) - hw)
        cmax = max(cmax, max(segs[i, 1], segs[i, 3]) + hw)
    for i in range(ells.shape[0]):
        hr, hc = _ellipse_half_extent(ells[i, 2], ells[i, 3], ells[i, 4])
        rmin = min(rmin, ells[i, 0] - hr)
        rmax = max(rmax, ells[i, 0] + hr)
        cmin = min(cmin, ells[i, 1] - hc)
        cmax = max(cmax, ells[i, 1] + hc)
    r_lo, r_hi = span(rmin, rmax, 0, height)
    c_lo, c_hi = span(cmin, cmax, 0, width)
    if r_lo > r_hi or c_lo > c_hi:
        return 0, 0, np.zeros((0, 0), np.bool_)
    buf = np.zeros((r_hi - r_lo + 1, c_hi - c_lo + 1), np.bool_)
    xs = np.empty(max(verts.shape[0], 1))
    for k in range(offsets.shape[0] - 1):
        _fill_polygon(buf, r_lo, c_lo, verts[offsets[k]:offsets[k + 1]], xs)
    for i in range(segs.shape[0]):
        _fill_segment(buf, r_lo, c_lo, segs[i, 0], segs[i, 1], segs[i, 2], segs[i, 3], segs[i, 4])
    for i in range(ells.shape[0]):
        _fill_ellipse(buf, r_lo, c_lo, ells[i, 0], ells[i, 1], ells[i, 2], ells[i, 3], ells[i, 4])
    return r_lo, c_lo, buf


@jit
def fill(image, occluded, r_lo, c_lo, buf, t0, t1, ar, ac, gr, gc):
    """Write temperatures into ``image`` and True into ``occluded`` where ``buf`` is set.

    The temperature is ``t0 + (t1 - t0) * clip((r - ar) * gr + (c - ac) * gc, 0, 1)``, clamped to
    [min(t0, t1), max(t0, t1)] so rounding can never leave the drawn range.
    """
    lo = min(t0, t1)
    hi = max(t0, t1)
    for i in range(buf.shape[0]):
        r = r_lo + i
        for j in range(buf.shape[1]):
            if buf[i, j]:
                c = c_lo + j
                s = min(max((r - ar) * gr + (c - ac) * gc, 0.0), 1.0)
                image[r, c] = min(max(t0 + (t1 - t0) * s, lo), hi)
                occluded[r, c] = True


@jit
def span(lo, hi, off, size):
    # Indices i in [0, size) of the pixel centres off + i that may lie in [lo, hi]. Rounded
    # outward (floor/ceil) so rounding never drops a pixel: the exact test happens per pixel.
    # Clipped before the integer cast so huge coordinates cannot overflow it.
    lo = min(max(lo - off, -2.0), size + 1.0)
    hi = min(max(hi - off, -2.0), size + 1.0)
    return max(int(math.floor(lo)), 0), min(int(math.ceil(hi)), size - 1)


@jit
def _ceil_in(x, lo, hi):
    # ceil(x) clamped to [lo, hi] (integers).
    return min(max(int(math.ceil(min(max(x, lo - 1.0), hi + 1.0))), lo), hi)


@jit
def _ellipse_half_extent(a, b, angle):
    ca = math.cos(angle)
    sa = math.sin(angle)
    return math.sqrt((a * ca) ** 2 + (b * sa) ** 2), math.sqrt((a * sa) ** 2 + (b * ca) ** 2)


@jit
def _fill_polygon(buf, r_lo, c_lo, v, xs):
    n = v.shape[0]
    if n < 3:
        return
    ymin = ymax = v[0, 0]
    for i in range(1, n):
        ymin = min(ymin, v[i, 0])
        ymax = max(ymax, v[i, 0])
    i_lo, i_hi = span(ymin, ymax, r_lo, buf.shape[0])
    for i in range(i_lo, i_hi + 1):
        y = float(r_lo + i)
        k = 0
        for m in range(n):
            yi, xi = v[m, 0], v[m, 1]
            yj, xj = v[m - 1, 0], v[m - 1, 1]
            if (yi > y) != (yj > y):
                # PNPOLY's crossing abscissa; inside <=> an odd number of crossings right of x.
                x = (xj - xi) * (y - yi) / (yj - yi) + xi
                p = k  # insertion sort: a handful of crossings per row
                while p > 0 and xs[p - 1] > x:
                    xs[p] = xs[p - 1]
                    p -= 1
                xs[p] = x
                k += 1
        for m in range(0, k - 1, 2):
            # Columns c with xs[m] <= c < xs[m + 1], in frame coordinates so nothing rounds.
            c0 = _ceil_in(xs[m], c_lo, c_lo + buf.shape[1])
            c1 = _ceil_in(xs[m + 1], c_lo, c_lo + buf.shape[1])
            for j in range(c0 - c_lo, c1 - c_lo):
                buf[i, j] = True


@jit
def _fill_segment(buf, r_lo, c_lo, r0, c0, r1, c1, hw):
    dr = r1 - r0
    dc = c1 - c0
    len2 = dr * dr + dc * dc
    hw2 = hw * hw
    i_lo, i_hi = span(min(r0, r1) - hw, max(r0, r1) + hw, r_lo, buf.shape[0])
    j_lo, j_hi = span(min(c0, c1) - hw, max(c0, c1) + hw, c_lo, buf.shape[1])
    for i in range(i_lo, i_hi + 1):
        pr = float(r_lo + i) - r0
        for j in range(j_lo, j_hi + 1):
            pc = float(c_lo + j) - c0
            t = 0.0
            if len2 > 0.0:
                t = min(max((pr * dr + pc * dc) / len2, 0.0), 1.0)
            er = pr - t * dr
            ec = pc - t * dc
            if er * er + ec * ec <= hw2:
                buf[i, j] = True


@jit
def _fill_ellipse(buf, r_lo, c_lo, rc, cc, a, b, angle):
    ca = math.cos(angle)
    sa = math.sin(angle)
    hr, hc = _ellipse_half_extent(a, b, angle)
    i_lo, i_hi = span(rc - hr, rc + hr, r_lo, buf.shape[0])
    j_lo, j_hi = span(cc - hc, cc + hc, c_lo, buf.shape[1])
    for i in range(i_lo, i_hi + 1):
        dr = float(r_lo + i) - rc
        for j in range(j_lo, j_hi + 1):
            dc = float(c_lo + j) - cc
            u = (dr * ca + dc * sa) / a
            w = (dc * ca - dr * sa) / b
            if u * u + w * w <= 1.0:
                buf[i, j] = True

"""Compositing textured, soft-edged occluders into a frame, touching only their bounding boxes.

An occluder is built in two premultiplied buffers over its (padded) bounding box: the coverage
``A`` in [0, 1] and ``P = A * T``, ``T`` the occluder's own temperature. Parts are composited into
them in order with the *over* operator (:func:`shade`); the camera's point-spread function blurs
both buffers (the separable Gaussian of :mod:`tiaug._kernels.blur`); then :func:`composite` lays
the layer over the frame, ``out = face * (1 - A) + P``. So a pixel where ``A == 0`` is never
written, a fully covered one reads a convex combination of occluder temperatures, and an edge
pixel a convex combination of both: nothing overshoots.

Temperature field of a part at pixel ``(r, c)``, clamped to the part's ``[lo, hi]``:

- a piecewise-linear *profile* along an axis: ``s = clip((r - ar) * gr + (c - ac) * gc, 0, 1)``
  is interpolated in the knots ``(s_k, t_k)`` (sorted by ``s_k``; before the first knot and after
  the last one the end temperatures hold);
- *bumps* ``(r0, c0, a, b, angle, delta)``: ``delta * (1 - q) ** 2`` where
  ``q = (u / a) ** 2 + (v / b) ** 2 < 1``, ``(u, v)`` the offsets along (cos, sin)(angle) and
  (-sin, cos)(angle), the convention of the ``"ellipse"`` shape;
- a *texture* ``(amplitude, period, octaves, gain, angle, stretch)``: value noise at ``octaves``
  scales (period halving, amplitude times ``gain`` per octave) on a lattice rotated by ``angle``
  and stretched ``stretch`` times along it, normalised so ``abs(texture) <= amplitude``.
  The lattice value of node ``(i, j)`` of octave ``o`` is the SplitMix64 mix of
  ``seed + o * G + ((i + 2**20) * 2**32 + j + 2**20) * G`` (``G`` the golden-ratio increment),
  mapped to [-1, 1); between nodes it is interpolated with smoothstep weights. When the finest
  octave's period is at least 8 pixels, the texture is evaluated only every
  ``g = floor(finest / 4)`` pixels, at ``(r0 + g * a, c0 + g * b)`` from the corner ``(r0, c0)``
  of the part's bounding box, and interpolated bilinearly in between (a period of 4 or more
  samples keeps that within a few % of the texture's amplitude, at a fraction of the cost).
"""

import math

import numpy as np

from . import gather_corners, jit, select_max, select_min
from .occlusion import span
from .splitmix import GOLDEN, uniform

_S32 = np.uint64(32)
# Lattice indices are shifted by this so they are non-negative (pixel coordinates stay far below).
LATTICE_OFFSET = 1 << 20


@jit
def lattice_value(seed, octave, i, j):
    """Value noise node ``(i, j)`` of `octave` in [-1, 1) (see the module docstring)."""
    key = (np.uint64(i + LATTICE_OFFSET) << _S32) + np.uint64(j + LATTICE_OFFSET)
    return 2.0 * uniform(np.uint64(seed) + np.uint64(octave) * GOLDEN + key * GOLDEN) - 1.0


@jit
def _smooth(f):
    return f * f * (3.0 - 2.0 * f)


@jit
def _lattices(r0, c0, h, w, tex, seed):
    """Node values of every octave the pixels ``(r0 + i, c0 + j)`` need.

    Returns ``(grids, origin, sizes, freq)``: ``grids[o, a, b]`` is node ``(iu0 + a, iv0 + b)``
    of octave ``o``, ``origin[o] = (iu0, iv0)``, ``sizes[o]`` the number of nodes per axis and
    ``freq[o]`` the octave's frequency across the stretched axis. No octaves without a texture.
    """
    period, angle, stretch = tex[1], tex[4], tex[5]
    octaves = int(tex[2]) if tex[0] != 0.0 else 0
    ca = math.cos(angle)
    sa = math.sin(angle)
    origin = np.zeros((octaves, 2), np.int64)
    sizes = np.zeros((octaves, 2), np.int64)
    freq = np.zeros(octaves)
    f = 1.0 / period
    nu = nv = 1
    for o in range(octaves):
        # Lattice coordinates of the bbox corners bound the nodes this octave needs.
        umin = vmin = np.inf
        umax = vmax = -np.inf
        for rr in (float(r0), float(r0 + h - 1)):
            for cc in (float(c0), float(c0 + w - 1)):
                u = (rr * ca + cc * sa) * f / stretch
                v = (cc * ca - rr * sa) * f
                umin = min(umin, u)
                umax = max(umax, u)
                vmin = min(vmin, v)
                vmax = max(vmax, v)
        origin[o, 0] = int(math.floor(umin))
        origin[o, 1] = int(math.floor(vmin))
        sizes[o, 0] = int(math.floor(umax)) - origin[o, 0] + 2
        sizes[o, 1] = int(math.floor(vmax)) - origin[o, 1] + 2
        freq[o] = f
        f *= 2.0
        nu = max(nu, sizes[o, 0])
        nv = max(nv, sizes[o, 1])
    grids = np.zeros((octaves, nu, nv))
    for o in range(octaves):
        for a in range(sizes[o, 0]):
            for b in range(sizes[o, 1]):
                grids[o, a, b] = lattice_value(seed, o, origin[o, 0] + a, origin[o, 1] + b)
    return grids, origin, sizes, freq


@jit
def _profile(knots, s):
    k = knots.shape[0]
    if s <= knots[0, 0]:
        return knots[0, 1]
    for m in range(1, k):
        if s <= knots[m, 0]:
            s0, t0 = knots[m - 1, 0], knots[m - 1, 1]
            s1, t1 = knots[m, 0], knots[m, 1]
            if s1 <= s0:
                return t1
            return t0 + (t1 - t0) * (s - s0) / (s1 - s0)
    return knots[k - 1, 1]


@jit
def _texture_step(tex):
    """Sampling step ``g`` of the texture (1: every pixel); see the module docstring."""
    octaves = int(tex[2]) if tex[0] != 0.0 else 0
    if octaves < 1:
        return 1
    finest = tex[1] / 2.0 ** (octaves - 1)
    return max(1, int(finest / 4.0))


@jit
def _add_texture(acc, r, c_start, step, grids, origin, sizes, freq, weights, ca, sa, stretch,
                 cells, work):
    """Add the texture at pixels ``(r, c_start + step * j)`` to ``acc[j]``, for every j.

    Each octave runs in three passes so that the arithmetic vectorises and only the gathers stay
    scalar: lattice cells and smoothstep weights, the cells' four node values, the interpolation.
    `cells` (uint32) and `work` (6 rows of float64) are scratch, at least as long as `acc`.
    """
    n = acc.shape[0]
    fa, fb, g00, g01, g10, g11 = work[0], work[1], work[2], work[3], work[4], work[5]
    for o in range(grids.shape[0]):
        fu = freq[o] / stretch
        u0 = (r * ca + c_start * sa) * fu - origin[o, 0]
        v0 = (c_start * ca - r * sa) * freq[o] - origin[o, 1]
        du = sa * fu * step
        dv = ca * freq[o] * step
        # Cells (a, b) stay within the nodes _lattices made, (sizes - 2) at most; grids has
        # fewer than 2**31 nodes, so int32 cells and uint32 offsets hold them.
        na, nb = np.int32(sizes[o, 0] - 2), np.int32(sizes[o, 1] - 2)
        nv = np.int32(grids.shape[2])
        row_step = np.uint32(nv)
        g = grids[o].reshape(-1)
        wo = weights[o]
        for j in range(n):
            u = u0 + j * du
            v = v0 + j * dv
            a = select_min(select_max(np.int32(u), np.int32(0)), na)
            b = select_min(select_max(np.int32(v), np.int32(0)), nb)
            fa[j] = _smooth(select_min(select_max(u - a, 0.0), 1.0))
            fb[j] = _smooth(select_min(select_max(v - b, 0.0), 1.0))
            cells[j] = np.uint32(a * nv + b)
        gather_corners(g, cells, row_step, n, g00, g01, g10, g11)
        for j in range(n):
            top = g00[j] + fb[j] * (g01[j] - g00[j])
            bottom = g10[j] + fb[j] * (g11[j] - g10[j])
            acc[j] += wo * (top + fa[j] * (bottom - top))


@jit
def shade(cover, premult, r_off, c_off, r0, c0, buf, opacity, ar, ac, gr, gc, knots, bumps,
          tex, seed, lo, hi):
    """Composite one part over the buffers where `buf` (at frame offset ``(r0, c0)``) is set.

    `cover` and `premult` are ``A`` and ``P`` over the frame window starting at
    ``(r_off, c_off)``; the part's temperature ``T`` (profile + bumps + texture, clamped to
    ``[lo, hi]``) goes in with ``P = a * T + (1 - a) * P``, ``A = a + (1 - a) * A``,
    ``a = opacity``. Works row by row, every coordinate stepped along the row.
    """
    h, w = buf.shape
    step = _texture_step(tex)
    # Texture samples: every pixel, or a grid of every step-th pixel (one more node past the end).
    th = h if step == 1 else (h - 1) // step + 2
    tw = w if step == 1 else (w - 1) // step + 2
    grids, origin, sizes, freq = _lattices(r0, c0, (th - 1) * step + 1, (tw - 1) * step + 1,
                                           tex, seed)
    ca = math.cos(tex[4])
    sa = math.sin(tex[4])
    weights = np.empty(grids.shape[0])
    weight = 1.0
    for o in range(grids.shape[0]):
        weights[o] = weight
        weight *= tex[3]
    if grids.shape[0]:
        weights *= tex[0] / weights.sum()
    sampled = np.zeros((th if step > 1 else 0, tw))
    cells = np.empty(tw, np.uint32)
    work = np.empty((6, tw))
    for a in range(sampled.shape[0]):
        _add_texture(sampled[a], float(r0 + a * step), float(c0), step, grids, origin, sizes,
                     freq, weights, ca, sa, tex[5], cells, work)
    # Bumps as (row, col, cos/a, sin/a, cos/b, sin/b, delta, half extents).
    prepared = np.empty((bumps.shape[0], 9))
    for m in range(bumps.shape[0]):
        b = bumps[m]
        cm, sm = math.cos(b[4]), math.sin(b[4])
        prepared[m, 0], prepared[m, 1] = b[0], b[1]
        prepared[m, 2], prepared[m, 3] = cm / b[2], sm / b[2]
        prepared[m, 4], prepared[m, 5] = cm / b[3], sm / b[3]
        prepared[m, 6] = b[5]
        prepared[m, 7] = math.sqrt((b[2] * cm) ** 2 + (b[3] * sm) ** 2)
        prepared[m, 8] = math.sqrt((b[2] * sm) ** 2 + (b[3] * cm) ** 2)
    # Where each column lies between the texture samples: sample column and weight.
    sample_col = np.empty(w if step > 1 else 0, np.int64)
    sample_w = np.empty(sample_col.shape[0])
    for j in range(sample_col.shape[0]):
        b = j // step
        sample_col[j] = b
        sample_w[j] = (j - b * step) / step
    keep = 1.0 - opacity
    t = np.empty(w)
    for i in range(h):
        r = float(r0 + i)
        s0 = (r - ar) * gr + (c0 - ac) * gc
        row = buf[i]
        for j in range(w):
            if row[j]:
                t[j] = _profile(knots, min(max(s0 + j * gc, 0.0), 1.0))
        for m in range(prepared.shape[0]):
            q = prepared[m]
            dr = r - q[0]
            if abs(dr) >= q[7]:
                continue
            j_lo = max(int(math.floor(q[1] - q[8])) - c0, 0)
            j_hi = min(int(math.ceil(q[1] + q[8])) - c0, w - 1)
            for j in range(j_lo, j_hi + 1):
                if row[j]:
                    dc = float(c0 + j) - q[1]
                    u = dr * q[2] + dc * q[3]
                    v = dc * q[4] - dr * q[5]
                    e = u * u + v * v
                    if e < 1.0:
                        t[j] += q[6] * (1.0 - e) * (1.0 - e)
        if step == 1:
            # Also on uncovered pixels, whose t is never read: a branch-free row vectorises.
            _add_texture(t, r, float(c0), 1, grids, origin, sizes, freq, weights, ca, sa,
                         tex[5], cells, work)
        elif grids.shape[0]:
            a = i // step
            fa = (i - a * step) / step
            above = sampled[a]
            below = sampled[a + 1]
            for j in range(w):  # on every pixel, as _add_texture
                b = sample_col[j]
                fb = sample_w[j]
                top = above[b] + fb * (above[b + 1] - above[b])
                bottom = below[b] + fb * (below[b + 1] - below[b])
                t[j] += top + fa * (bottom - top)
        # Selects in place of branches (and of min/max, in their order) keep the row vectorised;
        # an uncovered pixel keeps its values.
        x0 = c0 - c_off
        p_row = premult[r0 + i - r_off, x0:x0 + w]
        c_row = cover[r0 + i - r_off, x0:x0 + w]
        for j in range(w):
            v = t[j]
            v = lo if lo > v else v
            v = hi if hi < v else v
            shaded = opacity * v + keep * p_row[j]
            covered = opacity + keep * c_row[j]
            p_row[j] = shaded if row[j] else p_row[j]
            c_row[j] = covered if row[j] else c_row[j]


@jit
def composite(out, occluded, hit, r_off, c_off, cover, premult, lo, hi):
    """Lay the layer ``(A, P)`` at ``(r_off, c_off)`` over `out`: ``face * (1 - A) + P``.

    Only pixels with ``A > 0`` are written; each result is clamped to the range of its face value
    and ``[lo, hi]`` (the occluder's temperatures), so rounding cannot overshoot. ``hit`` (the
    window's shape) and `occluded` become True where ``A >= 0.5``.
    """
    h, w = cover.shape
    for i in range(h):
        r = r_off + i
        for j in range(w):
            a = cover[i, j]
            if a > 0.0:
                c = c_off + j
                face = out[r, c]
                v = face * (1.0 - a) + premult[i, j]
                out[r, c] = min(max(v, min(face, lo)), max(face, hi))
                if a >= 0.5:
                    hit[i, j] = True
                    occluded[r, c] = True


@jit
def footprint(out, bumps, ambient, skin, low, high):
    """Warm or cool skin in place: add each bump, weighted by how skin-like the pixel is.

    The weight is ``clip((T - ambient) / (skin - ambient), 0, 1)`` of the pixel's current
    temperature ``T`` (so the wall behind the face is left alone); bumps apply in order, over
    their bounding boxes only, each sum clipped to [`low`, `high`].
    """
    height, width = out.shape
    scale = skin - ambient
    for m in range(bumps.shape[0]):
        b = bumps[m]
        ca = math.cos(b[4])
        sa = math.sin(b[4])
        hr = math.sqrt((b[2] * ca) ** 2 + (b[3] * sa) ** 2)
        hc = math.sqrt((b[2] * sa) ** 2 + (b[3] * ca) ** 2)
        i_lo, i_hi = span(b[0] - hr, b[0] + hr, 0, height)
        j_lo, j_hi = span(b[1] - hc, b[1] + hc, 0, width)
        for r in range(i_lo, i_hi + 1):
            dr = float(r) - b[0]
            for c in range(j_lo, j_hi + 1):
                dc = float(c) - b[1]
                u = (dr * ca + dc * sa) / b[2]
                v = (dc * ca - dr * sa) / b[3]
                q = u * u + v * v
                if q < 1.0:
                    t = out[r, c]
                    weight = min(max((t - ambient) / scale, 0.0), 1.0)
                    t = t + b[5] * (1.0 - q) * (1.0 - q) * weight
                    out[r, c] = min(max(t, low), high)

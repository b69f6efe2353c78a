"""Occlusion kernels against slow, obvious references (pure Python per pixel, matplotlib)."""

import math

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from matplotlib.path import Path

from tiaug._kernels.occlusion import fill, rasterise

H, W = 24, 30
coord = st.floats(-8.0, 38.0, allow_nan=False)
point = st.tuples(coord, coord)


def _full(verts=None, segs=None, ells=None, shape=(H, W)):
    verts = np.zeros((0, 2)) if verts is None else np.asarray(verts, float)
    offsets = np.array([0, len(verts)] if len(verts) else [0], np.int64)
    segs = np.zeros((0, 5)) if segs is None else np.asarray(segs, float)
    ells = np.zeros((0, 5)) if ells is None else np.asarray(ells, float)
    r0, c0, buf = rasterise(*shape, verts, offsets, segs, ells)
    out = np.zeros(shape, bool)
    out[r0:r0 + buf.shape[0], c0:c0 + buf.shape[1]] = buf
    return out


def pnpoly(v, y, x):
    """The classic even-odd crossing test (W. R. Franklin), one point."""
    inside = False
    for i in range(len(v)):
        yi, xi = v[i]
        yj, xj = v[i - 1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
    return inside


def seg_dist2(r, c, r0, c0, r1, c1):
    dr, dc = r1 - r0, c1 - c0
    pr, pc = float(r) - r0, float(c) - c0
    len2 = dr * dr + dc * dc
    t = 0.0 if len2 == 0.0 else min(max((pr * dr + pc * dc) / len2, 0.0), 1.0)
    return (pr - t * dr) ** 2 + (pc - t * dc) ** 2


@given(st.lists(point, min_size=3, max_size=12))
def test_polygon_matches_pnpoly_everywhere(vertices):
    expected = np.array([[pnpoly(vertices, r, c) for c in range(W)] for r in range(H)])
    np.testing.assert_array_equal(_full(verts=vertices), expected)


@given(st.lists(point, min_size=3, max_size=12))
def test_polygon_matches_matplotlib_away_from_edges(vertices):
    rr, cc = np.mgrid[:H, :W]
    pts = np.column_stack([cc.ravel(), rr.ravel()]).astype(float)
    path = Path(np.asarray(vertices)[:, ::-1], closed=False)
    # matplotlib's boundary convention differs; compare only pixels at least 1e-6 from any edge.
    v = np.asarray(vertices)
    near = np.zeros(len(pts), bool)
    for i in range(len(v)):
        (r0, c0), (r1, c1) = v[i - 1], v[i]
        near |= np.array([seg_dist2(r, c, r0, c0, r1, c1) < 1e-12 for c, r in pts])
    got = _full(verts=vertices).ravel()
    expected = path.contains_points(pts)
    np.testing.assert_array_equal(got[~near], expected[~near])


@given(point, point, st.floats(0.05, 6.0))
def test_thick_segment_matches_distance(p0, p1, width):
    hw = width / 2
    expected = np.array([[seg_dist2(r, c, *p0, *p1) <= hw * hw for c in range(W)]
                         for r in range(H)])
    np.testing.assert_array_equal(_full(segs=[[*p0, *p1, hw]]), expected)


@given(point, st.floats(0.3, 15.0), st.floats(0.3, 15.0), st.floats(-4.0, 4.0))
def test_ellipse_matches_formula(centre, a, b, angle):
    ca, sa = math.cos(angle), math.sin(angle)

    def inside(r, c):
        dr, dc = float(r) - centre[0], float(c) - centre[1]
        u, w = (dr * ca + dc * sa) / a, (dc * ca - dr * sa) / b
        return u * u + w * w <= 1.0

    expected = np.array([[inside(r, c) for c in range(W)] for r in range(H)])
    np.testing.assert_array_equal(_full(ells=[[*centre, a, b, angle]]), expected)


@given(st.lists(point, min_size=3, max_size=6), point, point, st.floats(0.5, 4.0))
def test_union_of_shapes_is_or_of_each(vertices, p0, p1, width):
    seg = [[*p0, *p1, width / 2]]
    ell = [[*p1, 3.0, 2.0, 0.4]]
    union = _full(verts=vertices, segs=seg, ells=ell)
    np.testing.assert_array_equal(union, _full(verts=vertices) | _full(segs=seg) | _full(ells=ell))


def test_shapes_outside_the_frame_or_huge_coordinates_are_clipped():
    assert not _full(verts=[[-50, -50], [-50, -40], [-40, -45]]).any()
    assert _full(verts=[[-1e6, -1e6], [-1e6, 1e6], [1e6, 0.0]]).all()
    assert _full(segs=[[5.0, -1e9, 5.0, 1e9, 0.5]])[5].all()
    assert not _full().any()


def test_pixel_centre_convention():
    # A unit square around pixel (2, 3)'s centre holds exactly that pixel.
    got = _full(verts=[[1.5, 2.5], [1.5, 3.5], [2.5, 3.5], [2.5, 2.5]])
    assert got.sum() == 1 and got[2, 3]


@given(st.floats(-20.0, 80.0), st.floats(-20.0, 80.0), point, point,
       st.sampled_from([np.float32, np.float64]))
def test_paint_gradient_matches_reference_and_stays_in_range(t0, t1, a, b, dtype):
    dr, dc = b[0] - a[0], b[1] - a[1]
    len2 = dr * dr + dc * dc
    assume(len2 > 1e-6)
    t0, t1 = float(dtype(t0)), float(dtype(t1))
    image = np.zeros((H, W), dtype)
    occluded = np.zeros((H, W), bool)
    buf = np.ones((H - 4, W - 6), bool)
    buf[::3, ::2] = False
    fill(image, occluded, 2, 3, buf, t0, t1, a[0], a[1], dr / len2, dc / len2)
    np.testing.assert_array_equal(occluded[2:H - 2, 3:W - 3], buf)
    assert not occluded.sum() - buf.sum()
    vals = image[occluded].astype(np.float64)
    assert vals.min() >= min(t0, t1) and vals.max() <= max(t0, t1)
    for r, c in zip(*np.nonzero(occluded)):
        s = min(max(((r - a[0]) * dr + (c - a[1]) * dc) / len2, 0.0), 1.0)
        assert abs(float(image[r, c]) - (t0 + (t1 - t0) * s)) <= 1e-5 * (1 + abs(t0) + abs(t1))

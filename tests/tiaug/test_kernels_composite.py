"""Compositing kernels against slow, obvious references (pure Python per pixel)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaug._kernels.composite import composite, footprint, lattice_value, shade

H, W = 14, 17
MASK64 = (1 << 64) - 1


def splitmix_node(seed, octave, i, j):
    """The lattice value written out with Python integers (wrap-around by masking)."""
    golden = 0x9E3779B97F4A7C15
    key = ((i + (1 << 20)) << 32) + j + (1 << 20)
    z = (seed + octave * golden + key * golden) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    z ^= z >> 31
    return 2.0 * ((z >> 11) / 2.0**53) - 1.0


def smooth(f):
    return f * f * (3 - 2 * f)


def texture_ref(r, c, tex, seed):
    amplitude, period, octaves, gain, angle, stretch = tex
    if amplitude == 0.0 or octaves < 1:
        return 0.0
    along = r * math.cos(angle) + c * math.sin(angle)
    across = c * math.cos(angle) - r * math.sin(angle)
    total = norm = 0.0
    for o in range(int(octaves)):
        freq = 2.0**o / period
        u, v = along * freq / stretch, across * freq
        a, b = math.floor(u), math.floor(v)
        fa, fb = smooth(u - a), smooth(v - b)
        n = {(da, db): splitmix_node(seed, o, a + da, b + db) for da in (0, 1) for db in (0, 1)}
        top = n[0, 0] + fb * (n[0, 1] - n[0, 0])
        bottom = n[1, 0] + fb * (n[1, 1] - n[1, 0])
        total += gain**o * (top + fa * (bottom - top))
        norm += gain**o
    return amplitude * total / norm


def texture_step(tex):
    amplitude, period, octaves = tex[0], tex[1], int(tex[2])
    if amplitude == 0.0 or octaves < 1:
        return 1
    return max(1, math.floor(period / 2 ** (octaves - 1) / 4))


def sampled_texture_ref(r, c, tex, seed, r0, c0):
    """The texture as shaded for a part whose bounding box starts at (r0, c0): sampled every
    `g` pixels from that corner and interpolated bilinearly when its finest period allows."""
    g = texture_step(tex)
    if g == 1:
        return texture_ref(r, c, tex, seed)
    a, fa = divmod(r - r0, g)
    b, fb = divmod(c - c0, g)
    node = {(da, db): texture_ref(r0 + (a + da) * g, c0 + (b + db) * g, tex, seed)
            for da in (0, 1) for db in (0, 1)}
    top = node[0, 0] + fb / g * (node[0, 1] - node[0, 0])
    bottom = node[1, 0] + fb / g * (node[1, 1] - node[1, 0])
    return top + fa / g * (bottom - top)


def profile_ref(knots, s):
    if s <= knots[0][0]:
        return knots[0][1]
    for (s0, t0), (s1, t1) in zip(knots, knots[1:]):
        if s <= s1:
            return t1 if s1 <= s0 else t0 + (t1 - t0) * (s - s0) / (s1 - s0)
    return knots[-1][1]


def bump_ref(b, r, c):
    r0, c0, a, bb, angle, delta = b
    u = ((r - r0) * math.cos(angle) + (c - c0) * math.sin(angle)) / a
    v = ((c - c0) * math.cos(angle) - (r - r0) * math.sin(angle)) / bb
    q = u * u + v * v
    return delta * (1 - q) ** 2 if q < 1 else 0.0


def field_ref(r, c, axis, knots, bumps, tex, seed, lo, hi, r0, c0):
    (ar, ac), (br, bc) = axis
    len2 = (br - ar) ** 2 + (bc - ac) ** 2
    s = min(max(((r - ar) * (br - ar) + (c - ac) * (bc - ac)) / len2, 0.0), 1.0)
    t = (profile_ref(knots, s) + sampled_texture_ref(r, c, tex, seed, r0, c0)
         + sum(bump_ref(b, r, c) for b in bumps))
    return min(max(t, lo), hi)


coord = st.floats(-5.0, 20.0, allow_nan=False)
temps = st.floats(-10.0, 60.0, allow_nan=False)
knots_st = st.lists(st.tuples(st.floats(0.0, 1.0), temps), min_size=1, max_size=5).map(
    lambda k: sorted(k))
bump_st = st.tuples(coord, coord, st.floats(0.5, 9.0), st.floats(0.5, 9.0),
                    st.floats(-3.2, 3.2), st.floats(-4.0, 4.0))
tex_st = st.tuples(st.floats(0.0, 3.0), st.floats(2.0, 40.0), st.integers(0, 4),
                   st.floats(0.3, 0.8), st.floats(-3.2, 3.2), st.floats(1.0, 5.0))


def test_lattice_value_is_splitmix64_of_the_node():
    for seed, octave, i, j in [(0, 0, 0, 0), (12345, 2, -7, 30), (2**63 - 1, 3, 1000, -1000),
                               (99, 1, -(1 << 19), (1 << 19))]:
        with np.errstate(over="ignore"):
            got = lattice_value(seed, octave, i, j)
        assert got == splitmix_node(seed, octave, i, j)
        assert -1.0 <= got < 1.0


@given(point=st.tuples(coord, coord), other=st.tuples(coord, coord), knots=knots_st,
       bumps=st.lists(bump_st, max_size=3), tex=tex_st, seed=st.integers(0, 2**63 - 1),
       opacity=st.floats(0.0, 1.0), data=st.data())
def test_shade_matches_reference(point, other, knots, bumps, tex, seed, opacity, data):
    axis = (point, other)
    (ar, ac), (br, bc) = axis
    len2 = (br - ar) ** 2 + (bc - ac) ** 2
    if len2 < 1e-6:
        axis = (point, (point[0] + 1.0, point[1]))
        (ar, ac), (br, bc) = axis
        len2 = 1.0
    lo, hi = -5.0, 50.0
    # A part's buf at frame offset (r0, c0) inside a window at (2, 1).
    r0, c0 = data.draw(st.integers(2, 5)), data.draw(st.integers(1, 6))
    buf = np.array(data.draw(st.lists(st.lists(st.booleans(), min_size=8, max_size=8),
                                      min_size=7, max_size=7)))
    cover = np.full((H, W), 0.25)
    premult = np.full((H, W), 0.25 * 30.0)
    c_ref, p_ref = cover.copy(), premult.copy()
    with np.errstate(over="ignore"):
        shade(cover, premult, 2, 1, r0, c0, buf, opacity, ar, ac, (br - ar) / len2,
              (bc - ac) / len2, np.array(knots, float), np.array(bumps, float).reshape(-1, 6),
              np.array(tex, float), seed, lo, hi)
    for i, j in zip(*np.nonzero(buf)):
        t = field_ref(r0 + i, c0 + j, axis, knots, bumps, tex, seed, lo, hi, r0, c0)
        y, x = r0 + i - 2, c0 + j - 1
        p_ref[y, x] = opacity * t + (1 - opacity) * p_ref[y, x]
        c_ref[y, x] = opacity + (1 - opacity) * c_ref[y, x]
    np.testing.assert_allclose(premult, p_ref, rtol=0, atol=1e-9)
    np.testing.assert_allclose(cover, c_ref, rtol=0, atol=1e-12)
    assert cover.min() >= 0.0 and cover.max() <= 1.0


def test_shade_texture_stays_within_its_amplitude_and_varies_at_every_octave():
    buf = np.ones((48, 48), bool)
    roughness = []
    for octaves in (1, 3):
        cover, premult = np.zeros((48, 48)), np.zeros((48, 48))
        tex = np.array([2.0, 16.0, octaves, 0.6, 0.4, 1.0])
        with np.errstate(over="ignore"):
            shade(cover, premult, 0, 0, 0, 0, buf, 1.0, 0.0, 0.0, 0.0, 0.0,
                  np.array([[0.0, 30.0]]), np.zeros((0, 6)), tex, 7, -100.0, 100.0)
        t = premult - 30.0
        assert np.abs(t).max() <= 2.0 and t.std() > 0.1
        roughness.append(np.abs(np.diff(t, axis=1)).mean() / t.std())
    # Finer octaves add detail: neighbours differ more, relative to the overall variation.
    assert roughness[1] > 1.5 * roughness[0]


def test_sampled_texture_stays_close_to_the_full_one():
    # Finest period 16 px: sampled every 4 pixels; the interpolation error is a few % of the
    # amplitude (1 °C) at most.
    tex = (1.0, 32.0, 2.0, 0.5, 0.3, 1.5)
    assert texture_step(tex) == 4
    buf = np.ones((30, 30), bool)
    cover, premult = np.zeros((30, 30)), np.zeros((30, 30))
    with np.errstate(over="ignore"):
        shade(cover, premult, 0, 0, 0, 0, buf, 1.0, 0.0, 0.0, 0.0, 0.0, np.array([[0.0, 0.0]]),
              np.zeros((0, 6)), np.array(tex), 11, -10.0, 10.0)
    full = np.array([[texture_ref(r, c, tex, 11) for c in range(30)] for r in range(30)])
    assert np.abs(premult - full).max() < 0.05 * tex[0]
    assert np.abs(premult - full).max() > 0.0  # it does sample


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@given(seed=st.integers(0, 2**32 - 1))
def test_composite_matches_reference(dtype, seed):
    rng = np.random.default_rng(seed)
    out = rng.uniform(20.0, 36.0, (H, W)).astype(dtype)
    occluded = rng.random((H, W)) < 0.2
    cover = np.where(rng.random((9, 11)) < 0.3, 0.0, rng.uniform(0.0, 1.0, (9, 11))).astype(dtype)
    cover[0, 0], cover[1, 1] = 1.0, 0.5
    t = rng.uniform(0.0, 70.0, (9, 11))
    premult = (cover * t).astype(dtype)
    lo, hi = 0.0, 70.0
    expected, exp_occ = out.astype(np.float64), occluded.copy()
    for i, j in zip(*np.nonzero(cover > 0)):
        face = float(out[3 + i, 4 + j])
        v = face * (1 - float(cover[i, j])) + float(premult[i, j])
        expected[3 + i, 4 + j] = min(max(v, min(face, lo)), max(face, hi))
        exp_occ[3 + i, 4 + j] |= cover[i, j] >= 0.5
    before = out.copy()
    hit = np.zeros(cover.shape, bool)
    composite(out, occluded, hit, 3, 4, cover, premult, lo, hi)
    np.testing.assert_allclose(out, expected, rtol=1e-6 if dtype == np.float32 else 1e-13)
    np.testing.assert_array_equal(occluded, exp_occ)
    np.testing.assert_array_equal(hit, cover >= 0.5)
    untouched = np.ones((H, W), bool)
    untouched[3:12, 4:15] = cover == 0
    assert out[untouched].tobytes() == before[untouched].tobytes()


def test_composite_never_leaves_the_face_and_occluder_range():
    out = np.array([[30.0, 30.0]], np.float32)
    cover = np.array([[1.0, 0.3]], np.float32)
    premult = np.array([[np.float32(70.0) * 1.0000001, np.float32(0.3) * 70.0]], np.float32)
    composite(out, np.zeros((1, 2), bool), np.zeros((1, 2), bool), 0, 0, cover, premult, 0.0,
              70.0)
    assert out[0, 0] == 70.0 and 30.0 < out[0, 1] <= 70.0


@given(bumps=st.lists(bump_st, min_size=1, max_size=3), seed=st.integers(0, 1000))
def test_footprint_matches_reference(bumps, seed):
    rng = np.random.default_rng(seed)
    # Within the clip range [20, 35]: only the bumps push pixels out of it.
    out = rng.uniform(20.0, 35.0, (H, W))
    ambient, skin = 22.0, 34.0
    expected = out.copy()
    for b in bumps:
        for r in range(H):
            for c in range(W):
                d = bump_ref(b, r, c)
                if d:
                    weight = min(max((expected[r, c] - ambient) / (skin - ambient), 0.0), 1.0)
                    expected[r, c] = min(max(expected[r, c] + d * weight, 20.0), 35.0)
    footprint(out, np.array(bumps, float), ambient, skin, 20.0, 35.0)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)


def test_footprint_leaves_the_wall_alone_and_clips_huge_coordinates():
    out = np.full((6, 6), 20.0)
    out[2:4, 2:4] = 34.0
    footprint(out, np.array([[2.5, 2.5, 9.0, 9.0, 0.0, 2.0], [1e300, -1e300, 1.0, 1.0, 0.0, 5.0]]),
              22.0, 34.0, -273.15, 1e4)
    assert (out[out < 30] == 20.0).all()
    assert (out[2:4, 2:4] > 34.0).all()

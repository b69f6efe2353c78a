"""The affine resampling and mirroring kernels against slow, obvious references."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tiaug.geometry import _inverse, warp

LABEL_DTYPES = [np.uint8, np.int8, np.uint16, np.int16, np.int32, np.int64]


def reference_warp(image, mask, occluded, inverse, out_shape, fill, mask_fill):
    """Per-pixel loops: bilinear temperatures, nearest labels, fill outside the pixel area."""
    h, w = image.shape
    (i00, i01, i02), (i10, i11, i12) = inverse
    out_image = np.empty(out_shape, image.dtype)
    out_mask = None if mask is None else np.empty(out_shape, mask.dtype)
    out_occluded = None if occluded is None else np.empty(out_shape, bool)
    for r in range(out_shape[0]):
        for c in range(out_shape[1]):
            # Same association as the kernel, so both see the same source point.
            y = (i00 * r + i02) + i01 * c
            x = (i10 * r + i12) + i11 * c
            inside = -0.5 <= y < h - 0.5 and -0.5 <= x < w - 0.5
            y = min(max(y, 0.0), h - 1.0)
            x = min(max(x, 0.0), w - 1.0)
            y0, x0 = math.floor(y), math.floor(x)
            y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
            ty, tx = y - y0, x - x0
            value = ((1 - ty) * (1 - tx) * float(image[y0, x0])
                     + (1 - ty) * tx * float(image[y0, x1])
                     + ty * (1 - tx) * float(image[y1, x0])
                     + ty * tx * float(image[y1, x1]))
            out_image[r, c] = value if inside or fill == "edge" else fill
            ny = y0 + (ty >= 0.5)
            nx = x0 + (tx >= 0.5)
            if mask is not None:
                out_mask[r, c] = mask[ny, nx] if inside else mask_fill
            if occluded is not None:
                out_occluded[r, c] = occluded[ny, nx] if inside else False
    return out_image, out_mask, out_occluded


@st.composite
def affine_matrices(draw):
    """Random invertible affines, half of them built from integers and halves (exact grids)."""
    if draw(st.booleans()):
        entries = st.sampled_from([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
        shifts = st.sampled_from([-3.0, -1.5, 0.0, 0.5, 1.0, 2.5, 4.0])
    else:
        entries = st.floats(-2.0, 2.0, allow_subnormal=False)
        shifts = st.floats(-8.0, 8.0, allow_subnormal=False)
    a, b, c, d = (draw(entries) for _ in range(4))
    if abs(a * d - b * c) < 0.1:
        a, d = a + 1.0, d + 1.0
        if abs(a * d - b * c) < 0.1:
            a, b, c, d = 1.0, 0.0, 0.0, 1.0
    return np.array([[a, b, draw(shifts)], [c, d, draw(shifts)], [0.0, 0.0, 1.0]])


@st.composite
def axis_matrices(draw):
    """Affines without rotation or shear: scaling (flips included) and shifts."""
    scales = st.one_of(st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.0, 1.25, 2.0]),
                       st.floats(0.3, 3.0), st.floats(-3.0, -0.3))
    shifts = st.one_of(st.sampled_from([-1.5, 0.0, 0.5, 2.0]), st.floats(-8.0, 8.0))
    return np.array([[draw(scales), 0.0, draw(shifts)], [0.0, draw(scales), draw(shifts)],
                     [0.0, 0.0, 1.0]])


@st.composite
def warp_cases(draw, matrices=None):
    h, w = draw(st.integers(2, 12)), draw(st.integers(2, 12))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    image = rng.uniform(-20.0, 45.0, (h, w)).astype(dtype)
    mask = None
    mask_fill = 0
    if draw(st.booleans()):
        label_dtype = np.dtype(draw(st.sampled_from(LABEL_DTYPES)))
        mask = rng.integers(0, 6, (h, w)).astype(label_dtype)
        mask_fill = draw(st.sampled_from([0, 5, int(np.iinfo(label_dtype).max)]))
    occluded = rng.random((h, w)) < 0.3 if draw(st.booleans()) else None
    fill = draw(st.sampled_from(["edge", -30.0, 25.5, 100.0]))
    if draw(st.booleans()):
        image[:] = 0.0  # signed zeros: where reordered arithmetic would show
    out_shape = (draw(st.integers(1, 12)), draw(st.integers(1, 12)))
    matrix = draw(affine_matrices() if matrices is None else matrices)
    return image, mask, occluded, matrix, out_shape, fill, mask_fill


@given(warp_cases())
def test_kernel_matches_reference(case):
    image, mask, occluded, matrix, out_shape, fill, mask_fill = case
    got = warp(image, mask, occluded, matrix, out_shape, fill, mask_fill)
    want = reference_warp(image, mask, occluded, _inverse(matrix), out_shape, fill, mask_fill)
    # float32 frames are interpolated in float32.
    tol = 1e-4 if image.dtype == np.float32 else 1e-11
    np.testing.assert_allclose(got[0], want[0], rtol=0, atol=tol)
    assert got[0].dtype == image.dtype
    for g, w_ in zip(got[1:], want[1:]):
        if w_ is None:
            assert g is None
        else:
            assert g.dtype == w_.dtype
            np.testing.assert_array_equal(g, w_)


@given(warp_cases(axis_matrices()))
def test_axis_aligned_maps_match_reference(case):
    test_kernel_matches_reference.hypothesis.inner_test(case)


@given(warp_cases(axis_matrices()))
def test_axis_aligned_path_gives_the_general_kernels_output(case):
    from tiaug._kernels.geometry import warp_axes, warp_general

    image, mask, occluded, matrix, out_shape, fill, mask_fill = case
    (i00, i01, i02), (i10, i11, i12) = _inverse(matrix)
    mask = np.zeros((1, 1), np.uint8) if mask is None else mask
    occluded = np.zeros((1, 1), bool) if occluded is None else occluded
    edge = fill == "edge"
    args = (0.0 if edge else fill, 0, mask.shape == image.shape, occluded.shape == image.shape)
    outs = []
    for kernel, coefficients in ((warp_general, (i00, i01, i02, i10, i11, i12)),
                                 (warp_axes, (i00, i02, i11, i12))):
        out = (np.empty(out_shape, image.dtype),
               np.zeros(out_shape if args[2] else (1, 1), mask.dtype),
               np.zeros(out_shape if args[3] else (1, 1), bool))
        kernel(image, mask, occluded, *out, *coefficients, edge, *args)
        outs.append(out)
    for general, axes in zip(*outs):
        np.testing.assert_array_equal(axes, general)
        assert np.array_equal(np.signbit(axes), np.signbit(general))


@given(warp_cases())
def test_kernel_never_overshoots(case):
    image, mask, occluded, matrix, out_shape, fill, mask_fill = case
    out = warp(image, mask, occluded, matrix, out_shape, fill, mask_fill)[0]
    values = [image.min(), image.max()] + ([] if fill == "edge" else [image.dtype.type(fill)])
    assert out.min() >= min(values)
    assert out.max() <= max(values)


@given(warp_cases())
def test_integer_source_points_are_exact(case):
    image, mask, occluded, _, out_shape, fill, mask_fill = case
    # Integer matrices with integer shifts land on pixel centres: no interpolation at all.
    matrix = np.array([[0.0, -1.0, 3.0], [1.0, 0.0, -2.0], [0.0, 0.0, 1.0]])
    out = warp(image, mask, occluded, matrix, out_shape, fill, mask_fill)[0]
    want = reference_warp(image, None, None, _inverse(matrix), out_shape, fill, mask_fill)[0]
    np.testing.assert_array_equal(out, want)


def test_inverse_is_exact_for_integer_matrices():
    matrix = np.array([[0.0, -1.0, 7.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert _inverse(matrix) == ((0.0, 1.0, 0.0), (-1.0, 0.0, 7.0))


@given(affine_matrices())
def test_inverse_inverts(matrix):
    inverse = np.vstack([np.array(_inverse(matrix)), [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(inverse @ matrix, np.eye(3), atol=1e-12)


def test_kernel_handles_non_contiguous_inputs():
    rng = np.random.default_rng(3)
    image = rng.uniform(20, 40, (9, 14))[:, ::2]
    mask = rng.integers(0, 4, (9, 14)).astype(np.uint8)[:, ::2]
    matrix = np.array([[0.9, 0.2, 0.5], [-0.3, 1.1, -0.7], [0.0, 0.0, 1.0]])
    got = warp(image, mask, None, matrix, (8, 6), 10.0, 3)
    want = reference_warp(image, mask, None, _inverse(matrix), (8, 6), 10.0, 3)
    np.testing.assert_allclose(got[0], want[0], rtol=0, atol=1e-11)
    np.testing.assert_array_equal(got[1], want[1])


def test_nearest_label_ties_round_up():
    # Doubling from the origin puts every odd output row/column half-way between two pixels.
    mask = np.arange(12, dtype=np.int32).reshape(3, 4)
    matrix = np.array([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]])
    out = warp(np.zeros((3, 4)), mask, None, matrix, (6, 8), 0.0, -1)[1]
    rows = np.array([0, 1, 1, 2, 2, -1])
    cols = np.array([0, 1, 1, 2, 2, 3, 3, -1])
    want = np.where((rows[:, None] < 0) | (cols[None] < 0), -1, mask[rows[:, None], cols[None]])
    np.testing.assert_array_equal(out, want)


@given(h=st.integers(1, 9), w=st.integers(1, 70), seed=st.integers(0, 2**32 - 1),
       dtype=st.sampled_from([np.float32, np.float64, bool, *LABEL_DTYPES]),
       strided=st.booleans())
def test_reverse_columns_is_numpys_mirror(h, w, seed, dtype, strided):
    from tiaug._kernels.geometry import reverse_columns

    values = np.random.default_rng(seed).integers(-100, 100, (h, 2 * w))
    src = values.astype(dtype)
    src = src[:, ::2] if strided else src[:, :w]  # views with other strides are mirrored too
    out = reverse_columns(src, np.empty(src.shape, src.dtype))
    np.testing.assert_array_equal(out, src[:, ::-1])

"""Geometric transforms and functional ops: exactness, conventions, contract, errors."""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaug.geometry import (
    GeometricTransform,
    HorizontalFlip,
    RandomScale,
    Rotate,
    VerticalFlip,
    hflip,
    rotate,
    scale,
    vflip,
    warp,
    warp_affine,
)

FLOATS = [np.float32, np.float64]


def frame(shape=(12, 17), dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(20.0, 37.0, shape).astype(dtype)


def labels(shape=(12, 17), dtype=np.uint8, seed=1):
    return np.random.default_rng(seed).integers(0, 6, shape).astype(dtype)


def all_transforms():
    return [
        HorizontalFlip(),
        VerticalFlip(),
        Rotate(),
        Rotate(angle=(-180.0, 180.0), fill=-5.0, mask_fill=255),
        RandomScale(),
        RandomScale(scale=(0.4, 0.6), size=(10, 20), fill=15.0, mask_fill=255),
    ]


frames = st.builds(
    frame,
    shape=st.tuples(st.integers(2, 40), st.integers(2, 40)),
    dtype=st.sampled_from(FLOATS),
    seed=st.integers(0, 1000),
)


def pair(out):
    return out["image"], out["mask"]


# --- flips -----------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS)
def test_flips_are_exact_and_involutive(dtype):
    image, mask = frame(dtype=dtype), labels()
    out, out_mask = pair(hflip(image, mask=mask))
    np.testing.assert_array_equal(out, image[:, ::-1])
    np.testing.assert_array_equal(out_mask, mask[:, ::-1])
    np.testing.assert_array_equal(hflip(out)["image"], image)
    out, out_mask = pair(vflip(image, mask=mask))
    np.testing.assert_array_equal(out, image[::-1])
    np.testing.assert_array_equal(out_mask, mask[::-1])
    np.testing.assert_array_equal(vflip(out)["image"], image)
    assert out.dtype == dtype and out_mask.dtype == mask.dtype


@pytest.mark.parametrize("flip", [HorizontalFlip(), VerticalFlip()])
def test_flip_apply_equals_warp_through_its_affine(flip):
    # Compose fuses flips through affine(); the shortcut in apply() must agree with it.
    image, mask = frame(), labels()
    occluded = labels(dtype=np.uint8, seed=5) > 3
    matrix, out_shape = flip.affine({}, image.shape)
    want = warp(image, mask, occluded, matrix, out_shape, flip.fill, flip.mask_fill)
    for got, expected in zip(flip.apply({}, image, mask, occluded), want):
        np.testing.assert_array_equal(got, expected)


# --- rotation --------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("turns", [1, 2, 3, -1])
def test_quarter_turns_of_a_square_match_rot90(dtype, turns):
    image, mask = frame((13, 13), dtype), labels((13, 13))
    out, out_mask = pair(rotate(image, 90.0 * turns, mask=mask, fill=-100.0, mask_fill=9))
    np.testing.assert_array_equal(out, np.rot90(image, turns))
    np.testing.assert_array_equal(out_mask, np.rot90(mask, turns))


@given(frames)
def test_half_turn_matches_rot90_for_any_shape(image):
    np.testing.assert_array_equal(rotate(image, 180.0)["image"], np.rot90(image, 2))
    np.testing.assert_array_equal(rotate(image, -180.0, fill=0.0)["image"],
                                  np.rot90(image, 2))


@given(frames)
def test_rotation_by_zero_and_full_turns_is_identity(image):
    for angle in (0.0, 360.0, -720.0):
        np.testing.assert_array_equal(rotate(image, angle)["image"], image)


def test_positive_angle_turns_counter_clockwise_like_skimage():
    from skimage.transform import rotate as sk_rotate

    rows, cols = np.mgrid[0:31, 0:40]
    image = 30.0 + 0.1 * rows + 0.05 * cols + 0.01 * rows * cols / 10
    ours = rotate(image, 23.0)["image"]
    theirs = sk_rotate(image, 23.0, order=1, mode="edge", preserve_range=True)
    # Same centre, direction and bilinear weights: identical away from the frame border.
    np.testing.assert_allclose(ours[5:-5, 5:-5], theirs[5:-5, 5:-5], atol=1e-9)


def test_rotation_fills_corners_with_the_given_temperature_and_label():
    image, mask = np.full((20, 20), 30.0), np.full((20, 20), 1, np.uint8)
    out, out_mask = pair(rotate(image, 45.0, mask=mask, fill=-5.0, mask_fill=255))
    assert out[0, 0] == -5.0 and out_mask[0, 0] == 255
    assert out[10, 10] == 30.0 and out_mask[10, 10] == 1
    assert set(np.unique(out)) == {-5.0, 30.0}
    np.testing.assert_array_equal(out == -5.0, out_mask == 255)


def test_edge_fill_keeps_temperatures_but_marks_labels_outside():
    image, mask = frame((20, 20)), labels((20, 20))
    out, out_mask = pair(rotate(image, 45.0, mask=mask, mask_fill=255))
    assert image.min() <= out[0, 0] <= image.max()
    assert out_mask[0, 0] == 255


@given(frames, st.floats(-360.0, 360.0), st.sampled_from(["edge", -40.0, 60.0]))
def test_rotation_never_overshoots_and_invents_no_labels(image, angle, fill):
    mask = labels(image.shape)
    out, out_mask = pair(rotate(image, angle, mask=mask, fill=fill, mask_fill=7))
    low, high = image.min(), image.max()
    if fill != "edge":
        low, high = min(low, fill), max(high, fill)
    assert low <= out.min() and out.max() <= high
    assert set(np.unique(out_mask)) <= set(np.unique(mask)) | {7}
    assert out.dtype == image.dtype and out.shape == image.shape


# --- scaling ---------------------------------------------------------------------------------

@given(frames)
def test_scale_one_is_identity(image):
    mask = labels(image.shape)
    out, out_mask = pair(scale(image, 1.0, mask=mask, fill=-1.0))
    np.testing.assert_array_equal(out, image)
    np.testing.assert_array_equal(out_mask, mask)


def test_scale_one_into_a_larger_size_pads_centred_with_the_fill():
    image, mask = frame((6, 8)), labels((6, 8))
    out, out_mask = pair(scale(image, 1.0, size=(10, 14), mask=mask, fill=-3.0,
                                mask_fill=200))
    np.testing.assert_array_equal(out[2:8, 3:11], image)
    np.testing.assert_array_equal(out_mask[2:8, 3:11], mask)
    border = np.ones((10, 14), bool)
    border[2:8, 3:11] = False
    assert (out[border] == -3.0).all() and (out_mask[border] == 200).all()


def test_scale_reproduces_a_linear_temperature_ramp():
    # Bilinear interpolation is exact on affine functions of the coordinates.
    rows, cols = np.mgrid[0:16, 0:20]
    image = 25.0 + 0.3 * rows - 0.2 * cols
    out = scale(image, (2.0, 1.5), size=(12, 12))["image"]
    r, c = np.mgrid[0:12, 0:12]
    y = (r - 5.5) / 2.0 + 7.5
    x = (c - 5.5) / 1.5 + 9.5
    np.testing.assert_allclose(out, 25.0 + 0.3 * y - 0.2 * x, atol=1e-12)


def test_scale_down_maps_the_frame_to_a_centred_band():
    image = np.full((8, 8), 30.0)
    out = scale(image, 0.5, fill=0.0)["image"]
    assert (out[2:6, 2:6] == 30.0).all()
    assert (out[:2] == 0.0).all() and (out[:, 6:] == 0.0).all()


def test_random_scale_draws_scale_and_aspect():
    t = RandomScale(scale=(0.5, 2.0), aspect=(0.8, 1.25), size=(9, 11))
    for seed in range(20):
        out = t(image=frame(), rng=seed)
        sy, sx = out["params"]["scale"]
        assert 0.5 <= np.sqrt(sy * sx) <= 2.0 + 1e-12
        assert 0.8 <= sy / sx <= 1.25 + 1e-12
        assert out["image"].shape == (9, 11)


# --- warp_affine ----------------------------------------------------------------------------

def test_warp_affine_accepts_2x3_matrices_and_output_shape():
    image = frame((5, 6))
    shift = [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    out = warp_affine(image, shift, output_shape=(7, 6), fill=-9.0)["image"]
    np.testing.assert_array_equal(out[1:6], image)
    assert (out[0] == -9.0).all() and (out[6] == -9.0).all()


def test_fused_matrices_equal_chained_warps_for_exact_maps():
    # What Compose relies on: resampling once through A2 @ A1 equals two resamplings.
    image, mask = frame((9, 14)), labels((9, 14))
    a1, shape1 = Rotate(angle=90.0).affine({"angle": 90.0}, image.shape)
    a2, shape2 = HorizontalFlip().affine({}, shape1)
    once = warp(image, mask, None, a2 @ a1, shape2, -1.0, 9)
    twice = warp(*warp(image, mask, None, a1, shape1, -1.0, 9), a2, shape2, -1.0, 9)
    for got, want in zip(once, twice):
        np.testing.assert_array_equal(got, want)


def test_occlusion_map_is_resampled_nearest_and_false_outside():
    occluded = np.zeros((10, 10), bool)
    occluded[:, :5] = True
    t = Rotate(angle=90.0, fill=0.0)
    _, _, out = t.apply({"angle": 90.0}, frame((10, 10)), None, occluded)
    np.testing.assert_array_equal(out, np.rot90(occluded))
    _, _, out = t.apply({"angle": 45.0}, frame((10, 10)), None, np.ones((10, 10), bool))
    assert not out[0, 0] and out[5, 5]


def test_apply_keeps_absent_mask_and_occlusion_none():
    image, mask, occluded = Rotate().apply({"angle": 10.0}, frame(), None, None)
    assert mask is None and occluded is None


# --- the transform contract ------------------------------------------------------------------

@pytest.mark.parametrize("t", all_transforms(), ids=repr)
@pytest.mark.parametrize("dtype", FLOATS)
def test_contract(t, dtype):
    image, mask = frame(dtype=dtype), labels(dtype=np.int16)
    image_in, mask_in = image.copy(), mask.copy()
    out = t(image=image, mask=mask, rng=7)
    np.testing.assert_array_equal(image, image_in)
    np.testing.assert_array_equal(mask, mask_in)
    assert out["image"].dtype == dtype and out["mask"].dtype == np.int16
    assert out["occluded"].shape == out["image"].shape and not out["occluded"].any()
    assert set(np.unique(out["mask"])) <= set(np.unique(mask)) | {t.mask_fill}
    again = t(image=image, mask=mask, rng=7)
    replayed = t.replay(out["params"], image=image, mask=mask)
    clone = pickle.loads(pickle.dumps(t))
    cloned = clone(image=image, mask=mask, rng=7)
    for other in (again, replayed, cloned):
        np.testing.assert_array_equal(other["image"], out["image"])
        np.testing.assert_array_equal(other["mask"], out["mask"])
    assert pickle.loads(pickle.dumps(out["params"])) == out["params"]


@pytest.mark.parametrize("t", all_transforms(), ids=repr)
def test_apply_equals_warp_through_affine(t):
    image, mask = frame(), labels()
    params = t(image=image, rng=3)["params"]
    matrix, out_shape = t.affine(params, image.shape)
    assert matrix.dtype == np.float64 and matrix.shape == (3, 3)
    np.testing.assert_array_equal(matrix[2], [0.0, 0.0, 1.0])
    want = warp(image, mask, None, matrix, out_shape, t.fill, t.mask_fill)
    got = t.apply(params, image, mask, None)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


@pytest.mark.parametrize("t", [HorizontalFlip(p=0.0), Rotate(p=0.0), RandomScale(p=0.0)], ids=repr)
def test_skipped_transform_returns_copies_and_draws_only_the_coin(t):
    image, mask = frame(), labels()
    rng = np.random.default_rng(11)
    out = t(image=image, mask=mask, rng=rng)
    assert out["params"] == {"applied": False}
    assert out["image"] is not image and out["mask"] is not mask
    np.testing.assert_array_equal(out["image"], image)
    np.testing.assert_array_equal(out["mask"], mask)
    reference = np.random.default_rng(11)
    reference.random()
    assert rng.random() == reference.random()


def test_params_are_plain_values():
    assert Rotate(angle=(10.0, 20.0))(image=frame(), rng=0)["params"].keys() == {"applied", "angle"}
    params = RandomScale()(image=frame(), rng=0)["params"]
    assert isinstance(params["scale"], tuple) and all(type(v) is float for v in params["scale"])
    assert HorizontalFlip()(image=frame(), rng=0)["params"] == {"applied": True}


def test_fixed_angle_is_allowed():
    assert Rotate(angle=90.0).angle == (90.0, 90.0)
    assert Rotate(angle=90)(image=frame(), rng=0)["params"]["angle"] == 90.0


def test_geometric_transforms_share_the_base():
    assert all(isinstance(t, GeometricTransform) for t in all_transforms())
    assert repr(HorizontalFlip(p=0.5)) == "HorizontalFlip(p=0.5)"


# --- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    ({"angle": (30.0, -30.0)}, ValueError, r"angle must satisfy low <= high, got \(30, -30\)"),
    ({"angle": (0.0, float("nan"))}, ValueError, r"angle\[1\] must be finite"),
    ({"angle": "wide"}, TypeError, r"angle must be a number or a \(low, high\) pair"),
    ({"fill": "reflect"}, ValueError,
     r"fill must be 'edge' or a finite temperature in °C, got 'reflect'"),
    ({"fill": None}, TypeError, r"fill must be 'edge' or a finite temperature in °C, got None"),
    ({"fill": float("inf")}, ValueError, r"fill must be finite"),
    # A float32 frame cannot hold 1e39: the corners came out as inf.
    ({"fill": 1e39}, ValueError, r"fill must be in \[-273.15, 10000\], got 1e\+39"),
    ({"mask_fill": 1.5}, TypeError, r"mask_fill must be an int label"),
    ({"mask_fill": True}, TypeError, r"mask_fill must be an int label"),
    ({"p": 1.5}, ValueError, r"p must be in \[0, 1\]"),
])
def test_rotate_rejects_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        Rotate(**kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"scale": (0.0, 2.0)}, ValueError, r"scale\[0\] must be in \[0.01, 100\], got 0"),
    # Unbounded, 1e-200 underflowed the warp's determinant into the kernel: a segfault.
    ({"scale": 1e-200}, ValueError, r"scale\[0\] must be in \[0.01, 100\], got 1e-200"),
    ({"scale": (2.0, 1.0)}, ValueError, r"scale must satisfy low <= high"),
    ({"aspect": (-1.0, 1.0)}, ValueError, r"aspect\[0\] must be in \[0.01, 100\]"),
    ({"size": (1, 10)}, ValueError, r"size must be at least \(2, 2\) and at most \(32768, 32768\), "
                                 r"got \(1, 10\)"),
    # Unbounded, numpy could not allocate (MemoryError) or even describe the output.
    ({"size": (2**31, 3)}, ValueError, r"size must be at least \(2, 2\) and at most"),
    ({"size": (2.5, 10)}, TypeError, r"size must be None or an \(H, W\) pair of ints"),
    ({"size": 64}, TypeError, r"size must be None or an \(H, W\) pair of ints"),
])
def test_random_scale_rejects_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        RandomScale(**kwargs)


def test_mask_fill_must_fit_the_mask_dtype():
    mask = labels(dtype=np.int8)
    with pytest.raises(ValueError, match=r"mask_fill=255 does not fit the mask dtype int8 "
                                         r"\(range -128\.\.127\)"):
        Rotate(mask_fill=255)(image=frame(), mask=mask, rng=0)
    with pytest.raises(ValueError, match=r"mask_fill=-1 does not fit the mask dtype uint8"):
        rotate(frame(), 10.0, mask=labels(), mask_fill=-1)


@pytest.mark.parametrize("image, error, match", [
    ([[30.0, 31.0], [32.0, 33.0]], TypeError, r"image must be a numpy.ndarray of temperatures"),
    (np.ones((4, 4), np.uint16), TypeError, r"convert raw sensor counts"),
    (np.ones((2, 4, 4)), ValueError, r"image must be a 2-D \(H, W\) array"),
    (np.full((4, 4), np.nan), ValueError, r"image contains NaN or inf"),
])
def test_bad_images_are_rejected_by_transforms_and_functions(image, error, match):
    for call in (lambda: Rotate()(image=image, rng=0), lambda: rotate(image, 10.0),
                 lambda: scale(image, 2.0), lambda: hflip(image), lambda: vflip(image),
                 lambda: warp_affine(image, np.eye(3))):
        with pytest.raises(error, match=match):
            call()


def test_functional_errors():
    image = frame()
    with pytest.raises(ValueError, match=r"mask must have the image's shape"):
        rotate(image, 5.0, mask=labels((3, 3)))
    with pytest.raises(TypeError, match=r"angle must be a real number"):
        rotate(image, "90")
    with pytest.raises(ValueError, match=r"factor\[1\] must be in \[0.0001, 10000\]"):
        scale(image, (1.0, -2.0))
    with pytest.raises(ValueError, match=r"factor must be in \[0.0001, 10000\], got 1e-170"):
        scale(image, 1e-170)
    with pytest.raises(TypeError, match=r"factor must be a number or a \(row, col\) pair"):
        scale(image, (1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match=r"matrix must be invertible, got determinant 0"):
        warp_affine(image, [[1.0, 2.0, 0.0], [2.0, 4.0, 0.0]])
    with pytest.raises(ValueError, match=r"matrix must have shape \(3, 3\) or \(2, 3\)"):
        warp_affine(image, np.eye(2))
    with pytest.raises(ValueError, match=r"matrix must be affine \(last row \[0, 0, 1\]\)"):
        warp_affine(image, [[1, 0, 0], [0, 1, 0], [0.1, 0, 1]])
    with pytest.raises(ValueError, match=r"matrix contains NaN or inf"):
        warp_affine(image, [[1, 0, np.inf], [0, 1, 0]])
    with pytest.raises(TypeError, match=r"matrix must be a \(3, 3\) or \(2, 3\) array of"):
        warp_affine(image, "identity")
    with pytest.raises(ValueError, match=r"output_shape must be at least \(2, 2\)"):
        warp_affine(image, np.eye(3), output_shape=(0, 5))


# --- replay of edited params and maps the kernel must never see --------------------------------

@pytest.mark.parametrize("t, params, error, match", [
    # Each of these once crashed the warp kernel (segfault): NaN or singular maps.
    (Rotate(), {"applied": True, "angle": float("nan")}, ValueError,
     r"params\['angle'\] must be finite, got nan"),
    (RandomScale(), {"applied": True, "scale": (0.0, 1.0)}, ValueError,
     r"params\['scale'\]\[0\] must be in \[0.0001, 10000\], got 0"),
    (RandomScale(), {"applied": True, "scale": (float("nan"), 1.0)}, ValueError,
     r"params\['scale'\]\[0\] must be finite"),
    (Rotate(), {"applied": True}, TypeError,
     r"params must hold 'angle', as the 'params' dict returned by a call of this transform "
     r"does; got keys \['applied'\]"),
    (RandomScale(), {"applied": True, "scale": "big"}, TypeError,
     r"params\['scale'\] must be a real number, got str"),
    (Rotate(), {"applied": "yes", "angle": 3.0}, TypeError,
     r"params\['applied'\] must be True or False, got 'yes'"),
])
def test_replay_checks_edited_params(t, params, error, match):
    with pytest.raises(error, match=match):
        t.replay(params, image=frame())


def test_replay_accepts_edited_valid_params():
    image = frame()
    out = Rotate().replay({"applied": True, "angle": 90}, image=image)
    np.testing.assert_array_equal(out["image"], rotate(image, 90.0)["image"])
    out = RandomScale(size=(8, 8)).replay({"applied": True, "scale": [2.0, 2.0]}, image=image)
    np.testing.assert_array_equal(out["image"], scale(image, 2.0, size=(8, 8))["image"])


@pytest.mark.parametrize("matrix", [
    [[1e300, 0.0, 0.0], [0.0, 1e300, 0.0]],      # determinant overflows
    [[1e-5, 0.0, 1e300], [0.0, 1e-5, 0.0]],      # finite determinant, overflowing inverse shift
])
def test_warp_refuses_maps_whose_source_coordinates_overflow(matrix):
    # The message names warp_affine's argument, not "the affine map".
    with pytest.raises(ValueError, match=r"matrix must be an invertible affine map whose inverse "
                       r"has finite entries within ±1e\+290, got \[\[.*\]\] \(determinant .*\): "
                       r"singular or too extreme to resample"):
        warp_affine(frame(), matrix)


@pytest.mark.parametrize("matrix", [
    [[1, 0, 0], [0, 1, 1j]],
    np.eye(3, dtype=complex),
    [[1 + 0j, 0, 0], [0, 1, 0], [0, 0, 1]],
])
def test_warp_affine_refuses_complex_matrix(matrix):
    # Cast to float64 the imaginary part was dropped with only a ComplexWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=r"matrix must be a \(3, 3\) or \(2, 3\) array of real "
                           r"numbers, got complex128"):
            warp_affine(frame(), matrix)


def test_composed_geometry_that_underflows_is_refused():
    # 100 factors of 0.01 per axis: a determinant of 1e-400 underflows to 0, which once reached
    # the kernel as inf/NaN coordinates.
    from tiaug import Compose

    shrink = Compose([RandomScale(scale=0.01, aspect=1.0)] * 100)
    with pytest.raises(ValueError, match=r"determinant 0\) is singular or too extreme"):
        shrink(image=frame(), rng=0)


def test_skipped_random_scale_still_crops_or_pads_to_its_size():
    # A skipped RandomScale(size=...) returned the input's size, so batches failed to collate.
    image, mask = frame(), labels()
    t = RandomScale(size=(8, 20), p=0.5)
    outs = [t(image=image, mask=mask, rng=seed) for seed in range(8)]
    assert {o["params"]["applied"] for o in outs} == {True, False}
    assert {o["image"].shape for o in outs} == {o["mask"].shape for o in outs} == {(8, 20)}
    skipped = next(o for o in outs if not o["params"]["applied"])
    np.testing.assert_array_equal(skipped["image"], scale(image, 1.0, size=(8, 20))["image"])
    np.testing.assert_array_equal(skipped["mask"],
                                  scale(image, 1.0, size=(8, 20), mask=mask)["mask"])


def test_warp_refuses_frames_beyond_its_int32_offsets():
    # The kernel computes its offsets into the frame as int32; a broadcast view costs no memory.
    huge = np.broadcast_to(np.float32(20.0), (2**16, 2**16))
    with pytest.raises(ValueError, match=r"image must have fewer than 2\*\*31 pixels, got shape "
                                         r"\(65536, 65536\)"):
        warp(huge, None, None, np.eye(3), (4, 4), "edge", 0)

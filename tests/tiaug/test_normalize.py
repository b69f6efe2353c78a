import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaug.datasets import make_face
from tiaug.normalize import fixed_range, minmax, scene_range
from tiaug.occlusion import scene_temperatures
from tiaug.testing.strategies import temperatures

RANGES = [(-1.0, 1.0), (0.0, 1.0), (-3.5, 10.0)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("out_range", RANGES)
def test_minmax_hits_ends_and_keeps_dtype(dtype, out_range):
    image = np.array([[20.0, 25.0], [30.0, 40.0]], dtype=dtype)
    before = image.copy()
    out = minmax(image, out_range)
    assert out.dtype == dtype and out.shape == image.shape
    assert out.min() == out_range[0] and out.max() == out_range[1]
    np.testing.assert_allclose(out[0, 1], np.interp(25.0, [20, 40], out_range), rtol=1e-6)
    np.testing.assert_array_equal(image, before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_minmax_constant_image_maps_to_centre(dtype):
    out = minmax(np.full((3, 4), 36.6, dtype=dtype), (0, 1))
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, 0.5)
    np.testing.assert_array_equal(minmax(np.zeros((2, 2), dtype)), 0.0)


@given(temperatures(), st.sampled_from(RANGES))
def test_minmax_properties(image, out_range):
    out = minmax(image, out_range)
    lo, hi = out_range
    assert out.dtype == image.dtype and out.shape == image.shape
    assert np.isfinite(out).all()
    assert lo <= out.min() and out.max() <= hi
    # Non-decreasing: sorting the input sorts the output.
    order = np.argsort(image, axis=None, kind="stable")
    assert np.all(np.diff(out.ravel()[order]) >= 0)
    if image.min() < image.max():
        assert out.min() == lo and out.max() == hi


@given(temperatures(min_value=-20.0, max_value=80.0), st.sampled_from(RANGES), st.booleans())
def test_fixed_range_properties(image, out_range, clip):
    out = fixed_range(image, 10.0, 40.0, out_range, clip=clip)
    lo, hi = out_range
    assert out.dtype == image.dtype and out.shape == image.shape
    order = np.argsort(image, axis=None, kind="stable")
    assert np.all(np.diff(out.ravel()[order]) >= 0)
    expected = lo + (image.astype(np.float64) - 10.0) * (hi - lo) / 30.0
    if clip:
        expected = np.clip(expected, lo, hi)
        assert lo <= out.min() and out.max() <= hi
    tol = 1e-5 if image.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol * 10)


def test_fixed_range_maps_window_ends():
    image = np.array([[20.0, 40.0], [10.0, 50.0]], dtype=np.float32)
    np.testing.assert_array_equal(fixed_range(image, 20, 40), [[-1, 1], [-1, 1]])
    np.testing.assert_array_equal(
        fixed_range(image, 20, 40, out_range=(0, 1), clip=False), [[0, 1], [-0.5, 1.5]]
    )


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda im: minmax(im, (1, 1)), ValueError,
         r"out_range must be a \(low, high\) pair with low < high, e.g. \(-1, 1\) or \(0, 1\), "
         r"also after rounding to the image's dtype float32, got \(1, 1\)"),
        # Ends that collapse in float32, or a span beyond it: a constant or non-finite frame.
        (lambda im: minmax(im, (1.0, 1.0 + 1e-9)), ValueError,
         r"also after rounding to the image's dtype float32, got \(1, 1\)"),
        (lambda im: minmax(im, (-3e38, 3e38)), ValueError,
         r"out_range must fit the image's dtype float32: its ends and their difference must be at "
         r"most 3.40282e\+38 in magnitude, got \(-3e\+38, 3e\+38\)"),
        (lambda im: fixed_range(im, 0, 1e39), ValueError, r"t_max must be in \[-273.15, 10000\]"),
        (lambda im: fixed_range(im + np.eye(4, dtype=im.dtype), 30, 30.001,
                                out_range=(-1e38, 1e38), clip=False), ValueError,
         r"fixed_range with clip=False maps this frame to \[.*\], beyond the range of its dtype "
         r"float32; use clip=True, a wider window or a narrower out_range"),
        (lambda im: minmax(im, (1, 0)), ValueError, r"out_range must satisfy low <= high"),
        (lambda im: minmax(im, "01"), TypeError, "out_range must be a number or a"),
        (lambda im: minmax(im.astype(np.uint16)), TypeError, "image has dtype uint16"),
        (lambda im: fixed_range(im, 40, 20), ValueError,
         "t_min must be below t_max, got t_min=40, t_max=20"),
        (lambda im: fixed_range(im, 20, np.nan), ValueError, "t_max must be finite"),
        (lambda im: fixed_range(im, "20", 40), TypeError, "t_min must be a real number"),
        (lambda im: fixed_range(im, 20, 40, clip=1), TypeError, "clip must be True or False"),
        (lambda im: fixed_range(im, 20, 20 + 1e-9), ValueError,
         "t_min and t_max must differ in the image's dtype float32"),
        (lambda im: scene_range(im, margins=2.0), TypeError,
         r"margins must be a \(below ambient, above skin\) pair of °C, got 2.0"),
        (lambda im: scene_range(im, margins=(2.0, -1.0)), ValueError,
         r"margins\[1\] must be in \[0, 100\], got -1"),
        (lambda im: scene_range(im, margins=("2", 2)), TypeError, "margins.0. must be a real"),
        (lambda im: scene_range(im, out_range=(1, 0)), ValueError, "out_range must satisfy"),
        (lambda im: scene_range(im.astype(np.int32)), TypeError, "image has dtype int32"),
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(np.full((4, 4), 30.0, dtype=np.float32))


@pytest.mark.parametrize("dtype, margins", [
    (np.float32, (0.0, 2.0)), (np.float64, (0.0, 2.0)),
    (np.float32, (1e-9, 0.0)),  # a window too narrow for float32
])
def test_scene_range_blames_its_own_arguments(dtype, margins):
    # An ambient estimate at the top of the temperature range leaves no window: the error named
    # fixed_range's t_min / t_max, which scene_range does not have.
    image = np.full((4, 4), 1e4, dtype)
    image[0, 0] = 20.0
    with pytest.raises(ValueError, match=rf"image's ambient estimate 10000 °C less "
                       rf"margins\[0\]={margins[0]:g} leaves no window below 10000 °C in its "
                       rf"dtype {np.dtype(dtype)}; scene_range needs an ambient estimate"):
        scene_range(image, margins=margins)


@pytest.mark.parametrize("temps, out_range", [
    ([[20.0, 30.0], [35.0, 45.0]], (-3.4e38, 0.0)),   # ends -3.4e38 and 8.5e37: both fit
    ([[15.0, 30.0], [35.0, 44.0]], (-1e38, 2e38)),  # ends -1.75e38 and 2.6e38
])
def test_fixed_range_unclipped_refuses_overflow_on_the_way(temps, out_range):
    # A finite float32 frame mapped to finite ends came out with inf: (image - t_min) / span
    # times the out_range's width overflowed float32 before low was added.
    image = np.array(temps, np.float32)
    with np.errstate(all="raise"), pytest.raises(
            ValueError, match=r"fixed_range with clip=False overflows float32 on the way: \(image "
            r"- t_min\) / \(t_max - t_min\) \* \(out_range\[1\] - out_range\[0\]\) leaves "
            r"its range for this frame; use clip=True, a wider window or a narrower out_range"):
        fixed_range(image, 20.0, 40.0, out_range=out_range, clip=False)
    assert np.isfinite(fixed_range(image, 20.0, 40.0, out_range=out_range)).all()


def test_nan_rejected():
    image = np.full((4, 4), 30.0)
    image[1, 1] = np.nan
    with pytest.raises(ValueError, match="image contains NaN or inf"):
        minmax(image)


def test_scene_range_is_fixed_range_of_the_scene_estimates():
    temps, _ = make_face((96, 120), rng=3)
    before = temps.copy()
    ambient, skin = scene_temperatures(temps)
    out = scene_range(temps, margins=(1.5, 3.0), out_range=(0, 1))
    np.testing.assert_array_equal(out, fixed_range(temps, ambient - 1.5, skin + 3.0, (0, 1)))
    np.testing.assert_array_equal(temps, before)


def test_scene_range_ignores_hot_and_cold_objects():
    # A 70 °C cup and a 4 °C bottle squeeze the face under min-max, not in the scene's window.
    temps, labels = make_face((96, 120), rng=1)
    occluded = temps.copy()
    occluded[60:, :14] = 70.0
    occluded[60:, -14:] = 4.0
    face = labels > 0
    face[:, :14] = face[:, -14:] = False
    scene_shift = np.abs(scene_range(occluded) - scene_range(temps))[face].max()
    minmax_shift = np.abs(minmax(occluded) - minmax(temps))[face].max()
    assert scene_shift < 0.05 < 0.5 < minmax_shift
    out = scene_range(occluded)
    assert out[-1, 0] == 1.0 and out[-1, -1] == -1.0  # beyond the window: clipped


@given(temperatures(), st.sampled_from(RANGES),
       st.tuples(st.floats(0, 100), st.floats(0, 100)))
def test_scene_range_properties(image, out_range, margins):
    out = scene_range(image, margins, out_range)
    lo, hi = out_range
    assert out.dtype == image.dtype and out.shape == image.shape
    assert lo <= out.min() and out.max() <= hi
    order = np.argsort(image, axis=None, kind="stable")
    assert np.all(np.diff(out.ravel()[order]) >= 0)

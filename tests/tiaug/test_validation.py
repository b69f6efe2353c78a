"""The checks every public function applies to its image and mask (tiaug._validation)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tiaug import Rotate
from tiaug._kernels.validation import extreme_bits
from tiaug._validation import check_image, check_mask
from tiaug.functional import hflip, rotate


def frame(dtype=np.float32):
    return np.random.default_rng(0).uniform(20.0, 36.0, (6, 7)).astype(dtype)


@pytest.mark.parametrize("dtype", [">f4", ">f8"])
def test_big_endian_images_are_converted_once(dtype):
    image = frame().astype(dtype)
    checked = check_image(image)
    assert checked.dtype.isnative and checked.dtype == image.dtype.newbyteorder("=")
    np.testing.assert_array_equal(checked, image)
    # Was refused as "must have dtype float32 or float64, got >f8".
    out = rotate(image, 10.0)["image"]
    assert out.dtype == checked.dtype
    np.testing.assert_array_equal(out, rotate(checked, 10.0)["image"])


@pytest.mark.parametrize("dtype", [">u2", ">i2", ">i8"])
def test_big_endian_masks_are_converted_once(dtype):
    image, mask = frame(), np.arange(42).reshape(6, 7).astype(dtype) % 5
    # Every geometric path once crashed inside numba with a TypingError.
    out = Rotate(angle=30.0)(image=image, mask=mask, rng=0)
    native = mask.astype(mask.dtype.newbyteorder("="))
    assert out["mask"].dtype == native.dtype
    np.testing.assert_array_equal(out["mask"], Rotate(angle=30.0)(image=image, mask=native,
                                                                  rng=0)["mask"])
    assert check_mask(native, image.shape) is native


@pytest.mark.parametrize("image, match", [
    (frame()[..., None],
     r"image must be a 2-D \(H, W\) array of temperatures, got shape \(6, 7, 1\); for a trailing "
     r"channel axis of length 1 \(OpenCV, albumentations\) pass image\[..., 0\]"),
    (np.stack([frame()] * 3),
     r"got shape \(3, 6, 7\); apply the transform to each frame of a stack separately"),
    (frame() * 100.0 + 27315.0,
     r"image must hold temperatures in °C within \[-273.15, 10000\], got values from 29[\d.]+ to "
     r"30[\d.]+; convert other units with tiaug.units.to_celsius\(image, unit\)"),
    (frame() - 400.0, r"image must hold temperatures in °C within \[-273.15, 10000\]"),
])
def test_frames_that_are_not_celsius_frames_are_refused(image, match):
    with pytest.raises(ValueError, match=match):
        hflip(image)


def test_a_frame_that_looks_like_kelvin_is_warned_about():
    with pytest.warns(UserWarning, match=r"image's coldest pixel is 293.\d+ °C, hotter than any "
                                         r"scene with a face or a room \(at most 200 °C\): is the "
                                         r"frame in kelvin or centi-kelvin\? Convert it with "
                                         r"tiaug.units.to_celsius\(image, unit\)"):
        out = hflip(frame() + 273.15)
    np.testing.assert_array_equal(out["image"], (frame() + 273.15)[:, ::-1])


def test_float16_and_bool_get_a_conversion_hint():
    with pytest.raises(TypeError, match=r"image must have dtype float32 or float64, got float16; "
                                        r"convert it with image.astype\(np.float32\)"):
        hflip(frame(np.float16))
    with pytest.raises(TypeError, match=r"mask must have an integer dtype .* got bool; convert it "
                                        r"with mask.astype\(np.uint8\)"):
        hflip(frame(), mask=np.zeros((6, 7), bool))


def test_mask_with_a_trailing_channel_axis():
    with pytest.raises(ValueError, match=r"mask must have the image's shape \(6, 7\), got "
                                         r"\(6, 7, 1\); for a trailing channel axis .* pass "
                                         r"mask\[..., 0\]"):
        hflip(frame(), mask=np.zeros((6, 7, 1), np.uint8))


def test_room_and_hot_frames_pass():
    for image in (np.full((2, 2), -273.15), np.full((2, 2), 200.0),
                  np.array([[20.0, 1e4], [30.0, 40.0]])):
        assert check_image(image) is image


# ---------------------------------------------------------------- the one pass over the frame
def total_order(bits, width):
    """IEEE 754's total order of the float with the unsigned bit pattern `bits` as a Python int:
    negative floats (sign bit set) below the others and the larger the magnitude the lower, so
    -NaN < -inf < ... < -0 < +0 < ... < +inf < +NaN."""
    magnitude = bits & ((1 << (width - 1)) - 1)
    return -magnitude - 1 if bits >> (width - 1) else magnitude


def reference_extreme_bits(bits):
    """The bit patterns of the smallest and largest float in that order, pixel by pixel."""
    width = 8 * bits.itemsize
    unsigned = [int(b) % (1 << width) for b in bits.ravel()]
    keyed = sorted(unsigned, key=lambda b: total_order(b, width))
    return tuple(np.array([keyed[0], keyed[-1]], f"u{bits.itemsize}").view(bits.dtype))


@st.composite
def any_floats(draw):
    """Frames of every float there is: NaNs of both signs and any payload, infinities, zeros of
    both signs, subnormals; C-ordered, transposed or a strided view."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    width = 8 * np.dtype(dtype).itemsize
    shape = draw(st.tuples(st.integers(1, 9), st.integers(1, 9)))
    patterns = st.one_of(
        st.integers(0, (1 << width) - 1),
        st.floats(width=width).map(lambda v: int(np.array(v, dtype).view(f"u{width // 8}"))),
        st.sampled_from([0, 1 << (width - 1)]))  # +0 and -0
    bits = draw(arrays(f"u{width // 8}", shape, elements=patterns)).view(dtype)
    view = draw(st.sampled_from(["c", "transposed", "strided"]))
    if view == "transposed":
        return bits.T
    return bits[::-1, ::2] if view == "strided" else bits


@given(image=any_floats())
def test_extreme_bits_are_the_total_order_extremes(image):
    bits = image.view(f"i{image.itemsize}")
    assert tuple(extreme_bits(bits)) == reference_extreme_bits(bits)


@given(data=st.data(), dtype=st.sampled_from([np.float32, np.float64]),
       bad=st.sampled_from(["nan", "-nan", "inf", "-inf"]))
def test_a_nan_or_inf_anywhere_is_refused(data, dtype, bad):
    image = np.random.default_rng(0).uniform(20.0, 36.0, (5, 6)).astype(dtype)
    where = data.draw(st.tuples(st.integers(0, 4), st.integers(0, 5)))
    image[where] = np.inf if bad.endswith("inf") else np.nan
    if bad.startswith("-"):
        image[where] = -image[where]  # sets the sign bit, of a NaN too
    with pytest.raises(ValueError, match=r"image contains NaN or inf; replace invalid pixels "):
        check_image(image)


def test_subclasses_keep_numpys_extremes():
    # numba takes no ndarray subclass: a masked array's masked pixels are left out, as before.
    image = np.ma.masked_invalid(np.array([[np.nan, 30.0], [25.0, 32.0]]))
    assert check_image(image) is image
    with pytest.raises(ValueError, match=r"got values from 25 to 20000"):
        check_image(np.ma.masked_invalid(np.array([[np.nan, 2e4], [25.0, 32.0]])))

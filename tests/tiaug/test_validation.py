"""The checks every public function applies to its image and mask (tiaug._validation)."""

import numpy as np
import pytest

from tiaug import Rotate
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

"""tiaug.units: explicit conversions to °C, refusing what they cannot know."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tiaug
from tiaug.units import UNITS, from_counts, to_celsius


@pytest.mark.parametrize("unit, value, celsius", [
    ("kelvin", 273.15, 0.0), ("kelvin", 310.15, 37.0), ("kelvin", 0.0, -273.15),
    ("centikelvin", 27315, 0.0), ("centikelvin", 30965, 36.5),
    ("fahrenheit", 32.0, 0.0), ("fahrenheit", 98.6, 37.0), ("fahrenheit", -40.0, -40.0),
    ("celsius", 36.6, 36.6), ("celsius", -273.15, -273.15),
])
def test_known_values(unit, value, celsius):
    out = to_celsius(np.array([[value]]), unit)
    assert out.dtype == np.float32 and out.shape == (1, 1)
    assert out[0, 0] == np.float32(celsius)


@pytest.mark.parametrize("dtype", [np.uint16, np.int32, np.int64, np.float16, np.float32,
                                   np.float64])
def test_any_real_dtype_and_shape_gives_new_float32(dtype):
    frames = np.full((3, 4, 5), 300, dtype)  # a stack
    before = frames.copy()
    out = to_celsius(frames, "kelvin")
    assert out.dtype == np.float32 and out.shape == frames.shape
    np.testing.assert_allclose(out, 300.0 - 273.15, rtol=1e-6)
    np.testing.assert_array_equal(frames, before)
    same = np.full((2, 2), 30.0, np.float32)
    assert to_celsius(same, "celsius") is not same


@given(hnp.arrays(np.float64, (3, 4), elements=st.floats(0.0, 1e4)))
def test_units_agree_with_each_other(kelvin):
    as_c = to_celsius(kelvin, "kelvin")
    np.testing.assert_allclose(to_celsius(kelvin * 100.0, "centikelvin"), as_c, atol=1e-3)
    fahrenheit = kelvin * 9.0 / 5.0 - 459.67
    np.testing.assert_allclose(to_celsius(fahrenheit, "fahrenheit"), as_c, atol=1e-3)
    np.testing.assert_allclose(to_celsius(as_c.astype(np.float64), "celsius"), as_c)


def test_lepton_tlinear_frames():
    counts = np.array([[29815, 30965]], np.uint16)  # high gain: 0.01 K per count
    np.testing.assert_array_equal(to_celsius(counts, "centikelvin"),
                                  from_counts(counts, 0.01, 0.0))
    low_gain = np.array([[2982]], np.uint16)  # 0.1 K per count
    assert from_counts(low_gain, 0.1, 0.0)[0, 0] == np.float32(298.2 - 273.15)


def test_from_counts_applies_the_calibration_in_the_given_unit():
    counts = np.array([0, 1000, 2000])
    np.testing.assert_allclose(from_counts(counts, 0.02, 10.0, unit="celsius"), [10, 30, 50])
    np.testing.assert_allclose(from_counts(counts, -0.01, 300.0), [26.85, 16.85, 6.85],
                               atol=1e-5)
    np.testing.assert_allclose(from_counts(counts, 0.1, 32.0, unit="fahrenheit"),
                               [0.0, 100 / 1.8, 200 / 1.8], atol=1e-4)


def test_nan_stays_nan():
    out = to_celsius(np.array([np.nan, 300.0]), "kelvin")
    assert np.isnan(out[0]) and out[1] == np.float32(300.0 - 273.15)
    assert np.isnan(to_celsius(np.full(3, np.nan), "kelvin")).all()


def test_no_unit_is_assumed():
    frame = np.full((4, 4), 30000, np.uint16)
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'unit'"):
        to_celsius(frame)
    with pytest.raises(TypeError, match="missing 2 required positional arguments: 'gain' and "
                                        "'offset'"):
        from_counts(frame)


@pytest.mark.parametrize("call, error, match", [
    (lambda: to_celsius(np.ones(3), "K"), ValueError,
     r"unit must be one of 'celsius', 'kelvin', 'centikelvin', 'fahrenheit', got 'K'; for raw "
     r"counts with a linear calibration use tiaug.units.from_counts"),
    (lambda: to_celsius(np.ones(3), None), TypeError, r"unit must be one of .*got NoneType"),
    (lambda: to_celsius(np.ones(3, bool), "kelvin"), TypeError,
     r"array must hold real numbers \(an integer or float array\), got dtype bool"),
    (lambda: to_celsius(np.ones(3, complex), "kelvin"), TypeError, r"got dtype complex128"),
    (lambda: to_celsius(["a"], "kelvin"), TypeError, r"array must hold real numbers"),
    (lambda: to_celsius(np.array([-1.0, 300.0]), "kelvin"), ValueError,
     r"array holds -1 kelvin, below absolute zero \(0 kelvin\); is unit='kelvin' what the data "
     r"holds\?"),
    (lambda: to_celsius(np.array([-500.0]), "fahrenheit"), ValueError,
     r"below absolute zero \(-459.67 fahrenheit\)"),
    (lambda: to_celsius(np.array([-300.0]), "celsius"), ValueError, r"below absolute zero"),
    (lambda: to_celsius(np.array([-np.inf]), "kelvin"), ValueError, r"below absolute zero"),
    (lambda: from_counts(np.ones(3), 0.0, 0.0), ValueError,
     r"gain must be a non-zero temperature step per count, got 0"),
    (lambda: from_counts(np.ones(3), np.nan, 0.0), ValueError, r"gain must be finite, got nan"),
    (lambda: from_counts(np.ones(3), 0.01, "0"), TypeError, r"offset must be a real number"),
    (lambda: from_counts(np.ones(3), True, 0.0), TypeError, r"gain must be a real number"),
    (lambda: from_counts(np.ones(3), -0.01, 0.0), ValueError,
     r"counts \* gain \+ offset holds -0.01 kelvin, below absolute zero"),
    (lambda: from_counts(np.ones(3), 0.01, 0.0, unit="raw"), ValueError, r"unit must be one of"),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: to_celsius(np.array([300.0, 1e39]), "kelvin"),
     r"array holds 1e\+39 kelvin, 1e\+39 °C, beyond float32's range \(±3.40282e\+38\); is "
     r"unit='kelvin' what the data holds\?"),
    (lambda: to_celsius(np.array([3.5e38]), "celsius"), r"array holds 3.5e\+38 celsius"),
    (lambda: to_celsius(np.array([1e300]), "fahrenheit"), r"array holds 1e\+300 fahrenheit"),
    (lambda: from_counts(np.array([1.0, 1e30]), 1e10, 0.0),
     r"counts \* gain \+ offset holds 1e\+40 kelvin, 1e\+40 °C, beyond float32's range"),
    (lambda: from_counts(np.array([1e300]), 1e10, 0.0),
     r"counts \* gain \+ offset holds inf kelvin for a finite count \(gain=1e\+10, "
     r"offset=0\), beyond float32's range \(±3.40282e\+38\)"),
])
def test_finite_values_beyond_float32_are_refused(call, match):
    # They came out as inf with only a RuntimeWarning.
    with np.errstate(all="raise"), pytest.raises(ValueError, match=match):
        call()


def test_integer_frames_are_refused_with_a_pointer_to_the_units():
    frame = np.full((8, 8), 30000, np.uint16)
    with pytest.raises(TypeError, match=r"image has dtype uint16.*tiaug.units.to_celsius\(frame, "
                                        r"'centikelvin'\) for radiometric FLIR Lepton.*"
                                        r"tiaug.units.from_counts\(counts, gain, offset\)"):
        tiaug.Rotate()(image=frame)
    out = tiaug.Rotate(angle=90.0)(image=to_celsius(frame, "centikelvin"))
    assert out["image"].dtype == np.float32


def test_units_are_listed():
    assert UNITS == ("celsius", "kelvin", "centikelvin", "fahrenheit")
    assert tiaug.units.to_celsius is to_celsius

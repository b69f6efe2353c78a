import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiaug.datasets import CLASS_NAMES
from tiaug.testing.strategies import faces, frames, label_maps, temperatures


def _assert_no_subnormals(image):
    tiny = np.finfo(image.dtype).tiny
    assert not np.any((image != 0) & (np.abs(image) < tiny))


@given(temperatures())
def test_temperatures_default(image):
    assert isinstance(image, np.ndarray) and image.ndim == 2
    assert image.dtype in (np.float32, np.float64)
    assert 2 <= min(image.shape) and max(image.shape) <= 64
    assert np.isfinite(image).all()
    assert -40.0 <= image.min() and image.max() <= 150.0
    _assert_no_subnormals(image)


@given(temperatures((5, 7), dtype=np.float32, min_value=0.1, max_value=0.3))
def test_temperatures_fixed_shape_dtype_and_unrepresentable_bounds(image):
    assert image.shape == (5, 7) and image.dtype == np.float32
    # As Python floats: compared in float32, float32(30.3) passes as >= 30.3.
    assert 0.1 <= float(image.min()) and float(image.max()) <= 0.3


@pytest.mark.parametrize("make", [temperatures, frames])
@pytest.mark.parametrize("low, high", [(30.3, 30.30001), (-0.1, 0.1), (36.6, 36.600003)])
def test_bounds_that_float32_cannot_hold_are_kept_inwards(make, low, high):
    @settings(max_examples=60)
    @given(make(dtype=np.float32, min_value=low, max_value=high))
    def check(drawn):
        image = drawn[0] if isinstance(drawn, tuple) else drawn
        assert low <= float(image.min()) and float(image.max()) <= high

    check()
    with pytest.raises(ValueError, match=r"no float32 value lies between min_value=36.6 and "
                                         r"max_value=36.600002; widen the range"):
        make(dtype=np.float32, min_value=36.6, max_value=36.600002)
    make(dtype=np.float64, min_value=36.6, max_value=36.600002)


@given(temperatures(st.tuples(st.just(3), st.integers(4, 6)), dtype="float64",
                    min_value=-1e-30, max_value=1e-30))
def test_temperatures_shape_strategy_and_tiny_range(image):
    assert image.shape[0] == 3 and 4 <= image.shape[1] <= 6 and image.dtype == np.float64
    _assert_no_subnormals(image)


def test_temperatures_draws_both_dtypes_and_constant_frames():
    seen = set()
    constant = []

    @settings(max_examples=100)
    @given(temperatures((4, 4)))
    def collect(image):
        seen.add(image.dtype)
        constant.append(image.min() == image.max())

    collect()
    assert seen == {np.dtype(np.float32), np.dtype(np.float64)}
    assert any(constant) and not all(constant)


@given(label_maps())
def test_label_maps_default(mask):
    assert mask.dtype == np.uint8 and mask.ndim == 2
    assert mask.min() >= 0 and mask.max() < len(CLASS_NAMES)


@given(label_maps((3, 9), num_classes=300, dtype=np.int16))
def test_label_maps_options(mask):
    assert mask.shape == (3, 9) and mask.dtype == np.int16
    assert 0 <= mask.min() and mask.max() < 300


@given(frames(num_classes=4, min_value=10.0, max_value=50.0))
def test_frames_match(frame):
    image, mask = frame
    assert image.shape == mask.shape and image.dtype in (np.float32, np.float64)
    assert mask.dtype == np.uint8 and mask.max() < 4
    assert 10.0 <= image.min() and image.max() <= 50.0


@settings(max_examples=5)
@given(faces(dtype=np.float64))
def test_faces(face):
    image, labels = face
    assert image.dtype == np.float64 and labels.dtype == np.uint8
    assert image.shape == labels.shape and 32 <= min(image.shape) and max(image.shape) <= 96
    assert labels.max() <= 5 and np.isfinite(image).all()


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: temperatures((1, 5)), ValueError, r"shape must be at least 2x2, got \(1, 5\)"),
        (lambda: temperatures("big"), TypeError, "shape must be None, a \\(height, width\\) pair"),
        (lambda: temperatures(dtype=np.int32), TypeError,
         "dtype must be None \\(both\\), numpy.float32 or numpy.float64"),
        (lambda: temperatures(dtype="foo"), TypeError,
         "dtype must be None \\(both\\), numpy.float32 or numpy.float64, got 'foo'"),
        (lambda: temperatures(min_value=5, max_value=5), ValueError,
         "min_value must be below max_value, got min_value=5, max_value=5"),
        (lambda: temperatures(max_value=np.inf), ValueError, "max_value must be finite"),
        (lambda: label_maps(num_classes=0), ValueError, "num_classes must be at least 1, got 0"),
        (lambda: label_maps(num_classes=2.0), TypeError, "num_classes must be an int"),
        (lambda: label_maps(dtype=np.float32), TypeError, "dtype must be a numpy integer dtype"),
        (lambda: label_maps(num_classes=300), ValueError,
         "num_classes=300 does not fit into dtype uint8"),
        (lambda: frames(num_classes=0), ValueError, "num_classes must be at least 1"),
        (lambda: frames(min_value=3, max_value=1), ValueError, "min_value must be below"),
        (lambda: faces((16, 64)), ValueError, "shape must be at least 32x32"),
    ],
)
def test_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_import_without_hypothesis_says_how_to_install():
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import tiaug.testing.strategies\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install tiaug[testing]" in out.stdout
    # The package itself imports without hypothesis.
    code = "import sys; sys.modules['hypothesis'] = None; import tiaug.testing; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"

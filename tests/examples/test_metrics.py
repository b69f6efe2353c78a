"""The ROI temperature error of examples/metrics.py: mean °C through the predicted vs the true
mask, per class and frame, and its summary over frames (mae, bias, frames, missed)."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tiaug.datasets import synthetic_faces

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))

from metrics import CLASS_NAMES, roi_error, roi_temperatures  # noqa: E402

# Two hand-made 2x3 frames. Frame 0: every class in both masks, on partly different pixels.
# Frame 1: class 2 present but not predicted (missed), class 1 in neither mask.
IMAGE = np.array([[[30.0, 32.0, 34.0], [36.0, 38.0, 40.0]],
                  [[20.0, 22.0, 24.0], [26.0, 28.0, 30.0]]])
TARGET = np.array([[[0, 1, 1], [0, 2, 2]],
                   [[0, 0, 2], [0, 0, 2]]])
PRED = np.array([[[0, 0, 1], [1, 2, 2]],
                 [[0, 0, 0], [0, 0, 0]]])
NAN = np.nan


def test_roi_temperatures_by_hand():
    measured = roi_temperatures(PRED, TARGET, IMAGE, num_classes=4)
    assert measured.shape == (2, 4, 2) and measured.dtype == np.float64
    expected = [[[31.0, 33.0], [35.0, 33.0], [39.0, 39.0], [NAN, NAN]],
                [[25.0, 24.0], [NAN, NAN], [NAN, 27.0], [NAN, NAN]]]
    np.testing.assert_array_equal(measured, expected)  # NaN where that mask is empty
    # One (H, W) frame gives its (C, 2) row.
    np.testing.assert_array_equal(roi_temperatures(PRED[0], TARGET[0], IMAGE[0], 4), expected[0])


def test_roi_error_by_hand():
    summary = roi_error(roi_temperatures(PRED, TARGET, IMAGE, num_classes=4))
    assert summary == {
        0: {"mae": 1.5, "bias": -0.5, "frames": 2, "missed": 0},  # -2 then +1 °C
        1: {"mae": 2.0, "bias": 2.0, "frames": 1, "missed": 0},  # frame 1: in neither mask
        2: {"mae": 0.0, "bias": 0.0, "frames": 1, "missed": 1},  # frame 1: not predicted
        3: {"mae": None, "bias": None, "frames": 0, "missed": 0},  # never present: null
    }
    named = roi_error(roi_temperatures(PRED, TARGET, IMAGE, 4)[:, 1:], ["a", "b", "c"])
    assert list(named) == ["a", "b", "c"] and named["a"] == summary[1]
    json.dumps(named, allow_nan=False)  # NaN-free: valid JSON


def test_ignored_pixels_count_in_neither_mask():
    ignore = np.zeros(IMAGE.shape, bool)
    ignore[0, 0, 1] = True  # true class 1, predicted 0, 32 °C
    measured = roi_temperatures(PRED, TARGET, IMAGE, num_classes=4, ignore=ignore)
    np.testing.assert_array_equal(measured[0, :2], [[30.0, 33.0], [35.0, 34.0]])
    np.testing.assert_array_equal(measured[1], roi_temperatures(PRED, TARGET, IMAGE, 4)[1])
    # A target label outside the classes (the ignore label 255) is in no true mask; the predicted
    # masks still count those pixels unless `ignore` leaves them out.
    target = TARGET.copy()
    target[0, 0, 1] = 255
    measured = roi_temperatures(PRED, target, IMAGE, 4)
    np.testing.assert_array_equal(measured[0, :2], [[31.0, 33.0], [35.0, 34.0]])
    measured = roi_temperatures(PRED, target, IMAGE, 4, ignore=target == 255)
    np.testing.assert_array_equal(measured[0, :2], [[30.0, 33.0], [35.0, 34.0]])


def test_perfect_prediction_has_no_error():
    images, labels, _ = synthetic_faces(6, (32, 40), rng=0)
    summary = roi_error(roi_temperatures(labels, labels, images, 6)[:, 1:], CLASS_NAMES[1:])
    present = (labels[:, None] == np.arange(1, 6)[None, :, None, None]).any(axis=(2, 3)).sum(0)
    for name, count in zip(CLASS_NAMES[1:], present, strict=True):
        assert summary[name] == {"mae": 0.0, "bias": 0.0, "frames": int(count), "missed": 0}
    assert summary["nose"]["frames"] == 6


def test_mask_shifted_onto_a_cooler_region_has_a_negative_bias():
    # The face cools by 0.5 °C a row downwards (as the nose tip cools towards its end); a
    # predicted nose two rows too low measures 1 °C too cold in every frame.
    rows = np.arange(12, dtype=float)[:, None]
    image = np.broadcast_to(36.0 - 0.5 * rows, (3, 12, 10)) + np.arange(3)[:, None, None]
    target = np.zeros((3, 12, 10), np.uint8)
    target[:, 3:6, 2:8] = 5
    pred = np.roll(target, 2, axis=1)
    summary = roi_error(roi_temperatures(pred, target, image, 6)[:, 1:], CLASS_NAMES[1:])
    assert summary["nose"] == {"mae": pytest.approx(1.0), "bias": pytest.approx(-1.0),
                               "frames": 3, "missed": 0}
    assert summary["chin"] == {"mae": None, "bias": None, "frames": 0, "missed": 0}


def test_many_frames_in_one_call():
    rng = np.random.default_rng(0)
    pred = rng.integers(0, 6, (1000, 96, 120))
    target = rng.integers(0, 6, (1000, 96, 120)).astype(np.uint8)
    image = rng.normal(34.0, 1.0, (1000, 96, 120)).astype(np.float32)
    measured = roi_temperatures(pred, target, image, 6, ignore=target == 255)
    assert measured.shape == (1000, 6, 2) and not np.isnan(measured).any()
    np.testing.assert_allclose(measured[7, 3, 1], image[7][target[7] == 3].mean(dtype=np.float64))


def test_argument_errors_name_the_argument():
    ok = dict(pred=PRED, target=TARGET, image=IMAGE, num_classes=3)
    for name, value, error, match in [
        ("pred", PRED.astype(float), TypeError, "pred must be an integer"),
        ("target", TARGET.astype(float), TypeError, "target must be an integer"),
        ("image", IMAGE > 30, TypeError, "image must hold real temperatures"),
        ("ignore", np.zeros(IMAGE.shape), TypeError, "ignore must be a bool array"),
        ("num_classes", 3.0, TypeError, "num_classes must be an int"),
        ("num_classes", 0, ValueError, "num_classes must be at least 1"),
        ("pred", PRED[0, 0], ValueError, r"pred must be \(H, W\) or \(n, H, W\)"),
        ("target", TARGET[0], ValueError, "target must have pred's shape"),
        ("image", IMAGE[:, :1], ValueError, "image must have pred's shape"),
        ("ignore", np.zeros((2, 2), bool), ValueError, "ignore must have pred's shape"),
        ("pred", PRED + 2, ValueError, r"pred must lie in \[0, 3\), got values from 2 to 4"),
        ("image", np.where(PRED == 1, np.nan, IMAGE), ValueError, "image must be finite"),
    ]:
        with pytest.raises(error, match=match):
            roi_temperatures(**{**ok, name: value})
    # A non-finite temperature on an ignored pixel is not measured, so it is fine.
    dead = IMAGE.copy()
    dead[0, 0, 0] = np.nan
    assert np.isfinite(roi_temperatures(PRED, TARGET, dead, 3, ignore=np.isnan(dead))[0]).all()

    measured = roi_temperatures(PRED, TARGET, IMAGE, 3)
    with pytest.raises(TypeError, match="measured must hold temperatures"):
        roi_error(measured.astype(str))
    with pytest.raises(ValueError, match=r"measured must be \(n, C, 2\) or \(C, 2\)"):
        roi_error(measured[..., :1])
    with pytest.raises(ValueError, match="measured must hold finite temperatures or NaN"):
        roi_error(np.where(np.isnan(measured), np.inf, measured))
    with pytest.raises(ValueError, match=r"class_names must have one entry per class \(3\)"):
        roi_error(measured, ["a", "b"])


@st.composite
def frames(draw):
    """Random (pred, target, image, ignore, num_classes); targets include the ignore label."""
    num_classes = draw(st.integers(1, 4))
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    pred = draw(arrays(np.int64, shape, elements=st.integers(0, num_classes - 1)))
    target = draw(arrays(np.uint8, shape,
                         elements=st.sampled_from([*range(num_classes), 255])))
    image = draw(arrays(np.float64, shape, elements=st.floats(-30.0, 60.0)))
    ignore = draw(st.none() | arrays(bool, shape))
    return pred, target, image, ignore, num_classes


def reference(pred, target, image, ignore, num_classes):
    """The same, one frame and one class at a time."""
    keep = np.ones(pred.shape, bool) if ignore is None else ~ignore
    out = np.full((len(pred), num_classes, 2), np.nan)
    for i in range(len(pred)):
        for c in range(num_classes):
            for k, labels in enumerate((pred, target)):
                inside = (labels[i] == c) & keep[i]
                if inside.any():
                    out[i, c, k] = image[i][inside].mean()
    return out


@given(frames(), st.randoms(use_true_random=False))
def test_roi_properties(case, random):
    pred, target, image, ignore, num_classes = case
    measured = roi_temperatures(pred, target, image, num_classes, ignore=ignore)
    np.testing.assert_allclose(measured, reference(*case), rtol=1e-12, atol=1e-9)
    # Each mean lies within the frame's temperatures.
    low = image.min(axis=(1, 2))[:, None, None] - 1e-9
    high = image.max(axis=(1, 2))[:, None, None] + 1e-9
    assert ((low <= measured) & (measured <= high) | np.isnan(measured)).all()

    # Permuting the frames permutes the rows, and the summary does not change.
    order = list(range(len(pred)))
    random.shuffle(order)
    permuted = roi_temperatures(pred[order], target[order], image[order], num_classes,
                                ignore=None if ignore is None else ignore[order])
    np.testing.assert_array_equal(permuted, measured[order])

    summary = roi_error(measured)
    again = roi_error(permuted)
    json.dumps(summary, allow_nan=False)
    for c, s in summary.items():
        assert s["frames"] + s["missed"] <= len(pred)
        assert (s["mae"] is None) == (s["bias"] is None) == (s["frames"] == 0)
        if s["frames"]:
            assert s["mae"] >= abs(s["bias"]) - 1e-9
            assert again[c]["mae"] == pytest.approx(s["mae"], abs=1e-9)
            assert again[c]["bias"] == pytest.approx(s["bias"], abs=1e-9)
        assert (again[c]["frames"], again[c]["missed"]) == (s["frames"], s["missed"])

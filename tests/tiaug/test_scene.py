"""tiaug.scene: scene_temperatures, the eye split and the face frame occluders are placed in."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tiaug._kernels.scene import _kth_pair
from tiaug.datasets import make_face
from tiaug.scene import (
    _AMBIENT_PCT,
    _SAMPLE,
    _SKIN_PCT,
    SKIN_MAX,
    _face_labels,
    _scene_temperatures,
    _step,
    eye_centres,
    locate_face,
    scene_temperatures,
)


def reference_eye_centres(mask, eye_label):
    """The eye split the obvious way: the principal axis of the eye pixels from numpy's eigh."""
    rows, cols = np.nonzero(mask == eye_label)
    if rows.size < 2:
        return None
    pts = np.column_stack([rows, cols]).astype(np.float64)
    mean = pts.mean(axis=0)
    _, vecs = np.linalg.eigh(np.cov(pts - mean, rowvar=False))
    side = (pts - mean) @ vecs[:, -1] >= 0.0
    if side.all() or not side.any():
        return None
    return pts[~side].mean(axis=0), pts[side].mean(axis=0)


def reference_scene(image, mask, ignore_index=None):
    """The estimates with numpy's percentile and median on the strided grid, the obvious way."""
    step = _step(image.size, _SAMPLE)
    image = image[::step, ::step]
    mask = None if mask is None else mask[::step, ::step]
    if mask is not None:
        face = _face_labels(mask, ignore_index)
        if face.any():
            background = image[mask == 0]
            skin = float(np.median(image[face]))
            ambient = float(np.percentile(background if background.size else image,
                                          _AMBIENT_PCT))
            return ambient, skin
    ambient = float(np.percentile(image, _AMBIENT_PCT))
    cool = image[image <= SKIN_MAX]
    skin = float(np.percentile(cool, _SKIN_PCT)) if cool.size else ambient
    return ambient, skin


@st.composite
def scenes(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(st.tuples(st.integers(2, 90), st.integers(2, 90)))
    image = draw(arrays(dtype, shape, elements=st.floats(-273.0, 100.0, width=32)))
    mask_dtype = draw(st.sampled_from([np.uint8, np.int8, np.int64, np.uint16]))
    mask = draw(st.none() | arrays(mask_dtype, shape, elements=st.sampled_from([0, 1, 5, 7])))
    ignore = draw(st.sampled_from([None, 5, 255, 70000, -1]))
    return image, mask, ignore


@given(scenes())
def test_estimates_equal_numpys_quantiles_bit_for_bit(scene):
    # Occluder temperatures, and with them the studies' stored test sets, depend on every bit.
    image, mask, ignore = scene
    assert _scene_temperatures(image, mask, ignore) == reference_scene(image, mask, ignore)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("shape", [(96, 120), (256, 320), (512, 640)])
def test_estimates_of_faces_equal_numpys_bit_for_bit(seed, shape):
    temps, labels = make_face(shape, rng=seed)
    labels = labels.copy()
    labels[: shape[0] // 4] = np.where(labels[: shape[0] // 4] > 0, 255, 0)
    for image in (temps, temps.astype(np.float64)):
        for mask, ignore in ((None, None), (labels, None), (labels, 255), (labels * 0, 255)):
            assert (_scene_temperatures(image, mask, ignore)
                    == reference_scene(image, mask, ignore))


def reference_pair(values, k):
    """The k-th and (k+1)-th smallest (the k-th twice when k is the last), from a sorted copy."""
    ranked = sorted(values.tolist())
    return ranked[k], ranked[min(k + 1, len(ranked) - 1)]


# Few distinct values, zeros of both signs among them, make ties the rule.
samples = st.one_of(st.floats(-50.0, 50.0, width=32), st.sampled_from([-1.5, 0.0, -0.0, 2.25]))


@given(values=st.lists(samples, min_size=1, max_size=300), data=st.data(),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_kth_pair_is_the_pair_of_the_sorted_samples(values, data, dtype):
    x = np.array(values, dtype)
    k = data.draw(st.integers(0, x.size - 1))
    got = _kth_pair(x.copy(), x.size, k)
    expected = reference_pair(x, k)
    assert got == expected
    if not (x == 0).any():  # equal values have equal bits: the selection cannot tell them apart
        assert np.array(got, dtype).tobytes() == np.array(expected, dtype).tobytes()


@pytest.mark.parametrize("order", ["equal", "sorted", "reversed", "organ pipe", "two values"])
def test_kth_pair_of_ordered_and_repeated_samples(order):
    n = 4104  # about a scene grid's nodes
    x = {"equal": np.full(n, 21.5), "sorted": np.arange(1.0, n + 1),
         "reversed": np.arange(n, 0.0, -1),
         "organ pipe": np.r_[np.arange(1.0, n // 2 + 1), np.arange(n // 2, 0.0, -1)],
         "two values": np.tile([20.0, 30.0], n // 2)}[order]
    for k in (0, 1, n // 4, n // 2 - 1, n // 2, n - 2, n - 1):
        assert _kth_pair(x.copy(), n, k) == reference_pair(x, k)


@pytest.mark.parametrize("seed", range(4))
def test_estimates_match_the_labelled_face_and_the_wall(seed):
    temps, labels = make_face((256, 320), rng=seed)
    ambient, skin = scene_temperatures(temps, labels)
    assert abs(skin - np.median(temps[labels != 0])) < 0.2
    assert abs(ambient - np.percentile(temps[labels == 0], 25)) < 0.2
    # Without labels: the wall, and the warm face region.
    a2, s2 = scene_temperatures(temps)
    assert abs(a2 - ambient) < 0.5 and abs(s2 - skin) < 1.0


def test_estimates_are_robust_to_hot_and_cold_objects():
    temps, labels = make_face((256, 320), rng=1)
    ambient, skin = scene_temperatures(temps)
    hot, cold = temps.copy(), temps.copy()
    hot[200:, :90] = 65.0  # a hot drink over 7 % of the frame
    cold[:60, :] = 5.0  # a cold window across the top
    assert abs(scene_temperatures(hot)[1] - skin) < 0.6
    assert abs(scene_temperatures(hot)[0] - ambient) < 0.5
    assert abs(scene_temperatures(cold)[1] - skin) < 0.6
    # Min-max would have moved by tens of degrees.
    assert hot.max() - temps.max() > 25 and temps.min() - cold.min() > 10


def test_uniform_and_hot_frames():
    assert scene_temperatures(np.full((8, 8), 30.0)) == (30.0, 30.0)
    # Nothing at skin temperature or below: skin falls back to ambient.
    assert scene_temperatures(np.full((8, 8), SKIN_MAX + 10.0)) == (52.0, 52.0)
    # A mask without face pixels is ignored.
    temps = np.random.default_rng(0).uniform(20, 35, (16, 16))
    assert scene_temperatures(temps, np.zeros((16, 16), np.uint8)) == scene_temperatures(temps)


def test_ignored_pixels_are_neither_face_nor_background():
    temps, labels = make_face((128, 160), rng=0)
    base = scene_temperatures(temps, labels)
    spoiled_t, spoiled_l = temps.copy(), labels.copy()
    spoiled_t[:40], spoiled_l[:40] = 60.0, 255  # a hot occluder relabelled as ignored
    assert scene_temperatures(spoiled_t, spoiled_l, ignore_index=255) == pytest.approx(
        base, abs=0.3)
    assert scene_temperatures(spoiled_t, spoiled_l)[1] > base[1] + 5  # counted as face


def test_inputs_are_checked():
    with pytest.raises(TypeError, match="image has dtype uint16"):
        scene_temperatures(np.zeros((4, 4), np.uint16))
    with pytest.raises(ValueError, match=r"mask must have the image's shape \(4, 4\)"):
        scene_temperatures(np.zeros((4, 4)), np.zeros((3, 4), np.uint8))
    with pytest.raises(TypeError, match="ignore_index must be an int, got float"):
        scene_temperatures(np.zeros((4, 4)), ignore_index=255.0)


@pytest.mark.parametrize("seed", range(8))
def test_face_from_eyes_and_from_temperatures_agree(seed):
    temps, labels = make_face((256, 320), rng=seed)
    ambient, skin = scene_temperatures(temps, labels)
    by_eyes = locate_face(temps, labels, 3, ambient, skin)
    by_heat = locate_face(temps, None, 3, ambient, skin)
    # Labels: the eyes are the labelled ones, ordered along the face's right axis.
    rows, cols = np.nonzero(labels == 3)
    assert by_eyes.eyes[0][1] < by_eyes.eyes[1][1]
    assert abs(np.mean([e[0] for e in by_eyes.eyes]) - rows.mean()) < 3
    assert by_eyes.up @ np.array([-1.0, 0.0]) > 0.9  # make_face rolls at most 15 degrees
    # Temperatures only: upright, within 10 % of a face height of the eye-based frame.
    assert np.hypot(*(by_heat.centre - by_eyes.centre)) < 0.1 * by_eyes.size
    assert 0.85 < by_heat.size / by_eyes.size < 1.15


def test_face_turns_with_the_labels():
    temps, labels = make_face((256, 256), rng=0)
    ambient, skin = scene_temperatures(temps, labels)
    upright = locate_face(temps, labels, 3, ambient, skin)
    turned = locate_face(np.rot90(temps), np.rot90(labels), 3, ambient, skin)
    # np.rot90 turns counter-clockwise: the face's up (-1, 0) becomes (0, -1), i.e. left.
    expected = np.array([-upright.up[1], upright.up[0]])
    assert turned.up @ expected > 0.99
    assert abs(turned.size - upright.size) < 0.05 * upright.size


def test_face_without_eyes_or_warmth():
    temps = np.full((40, 60), 25.0)
    labels = np.zeros((40, 60), np.uint8)
    labels[20:30, 25:35] = 1
    face = locate_face(temps, labels, 3, 25.0, 29.0)
    np.testing.assert_allclose(face.centre, [24.5, 29.5])
    np.testing.assert_allclose(face.up, [-1.0, 0.0])
    middle = locate_face(temps, None, 3, 25.0, 29.0)
    np.testing.assert_allclose(middle.centre, [19.5, 29.5])
    assert middle.size == pytest.approx(0.6 * 40)


@given(seed=st.integers(0, 2**32 - 1), tilt=st.floats(-1.2, 1.2))
def test_eye_split_matches_the_eigenvector_split(seed, tilt):
    rng = np.random.default_rng(seed)
    labels = np.zeros((48, 64), np.uint8)
    centre, half = np.array([24.0, 32.0]), 14.0 * np.array([np.sin(tilt), np.cos(tilt)])
    for eye in (centre - half, centre + half):
        pts = eye + rng.normal(0.0, 2.0, (30, 2))
        labels[tuple(np.clip(np.round(pts), 0, [47, 63]).astype(int).T)] = 3
    ours, reference = eye_centres(labels, 3), reference_eye_centres(labels, 3)
    assert (ours is None) == (reference is None)
    if ours is not None:
        got = sorted(map(tuple, ours))
        np.testing.assert_allclose(got, sorted(map(tuple, reference)))

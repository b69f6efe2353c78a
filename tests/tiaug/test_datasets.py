import functools
import hashlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaug import _sensors, datasets
from tiaug.camera import CAMERAS, CameraSpec
from tiaug.datasets import CLASS_NAMES, CONDITIONS, make_face, subject_split, synthetic_faces

SHAPE = (256, 320)


@pytest.fixture(scope="module")
def default_frames():
    return [make_face(SHAPE, subject=s, rng=100 + s) for s in range(6)]


def test_class_names():
    assert CLASS_NAMES == ("background", "chin", "mouth", "eyes", "eyebrows", "nose")


@pytest.mark.parametrize("shape", [(32, 32), (64, 80), (256, 320), (97, 61)])
def test_shape_and_dtype(shape):
    image, labels = make_face(shape, rng=0)
    assert image.shape == labels.shape == shape
    assert image.dtype == np.float32 and labels.dtype == np.uint8
    assert image.flags.c_contiguous and labels.flags.c_contiguous
    assert np.isfinite(image).all()
    assert labels.max() <= 5


def test_deterministic_per_seed():
    a, la = make_face(SHAPE, subject=7, rng=3)
    b, lb = make_face(SHAPE, subject=7, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)
    c, _ = make_face(SHAPE, subject=7, rng=4)
    assert not np.array_equal(a, c)


def test_subject_fixes_identity_frames_vary():
    assert datasets._identity(5, None) == datasets._identity(5, np.random.default_rng(1))
    assert datasets._identity(5, None) != datasets._identity(6, None)
    # Frames of one subject differ (pose, ambient, noise) ...
    a, _ = make_face(SHAPE, subject=5, rng=0)
    b, _ = make_face(SHAPE, subject=5, rng=1)
    assert not np.array_equal(a, b)
    # ... and a subject's frame does not depend on how it is requested.
    data = synthetic_faces(2, SHAPE, subjects=[9, 5], rng=0)
    rng = np.random.default_rng(0)
    for i, s in enumerate([9, 5]):
        image, labels = make_face(SHAPE, subject=s, rng=rng)
        np.testing.assert_array_equal(data.images[i], image)
        np.testing.assert_array_equal(data.labels[i], labels)


def test_no_subject_draws_identity_from_rng():
    a, _ = make_face((64, 64), rng=1)
    b, _ = make_face((64, 64), rng=1)
    np.testing.assert_array_equal(a, b)


def test_every_class_present_in_default_frames(default_frames):
    for _, labels in default_frames:
        assert set(np.unique(labels)) == set(range(6))


def test_physical_temperatures(default_frames):
    for image, labels in default_frames:
        face = image[labels > 0]
        background = image[labels == 0]
        assert 15.0 < image.min() and image.max() < 37.5
        assert np.median(background) < np.median(face) - 5.0
        assert 32.0 < np.median(face) < 35.0
        eyes = image[labels == 3]
        assert eyes.max() > np.median(face) + 1.0  # the inner canthus, near core temperature
        assert np.median(eyes) < eyes.max() - 0.4  # the ocular surface is cooler (tear film)
        assert 35.0 < eyes.max() < 36.9  # inner eye corners near core temperature


def test_landmark_labels_are_convex_hulls(default_frames):
    from skimage.morphology import convex_hull_image

    for _, labels in default_frames:
        # Chin = hull of the jaw line, painted first: inside its hull only the classes painted
        # after it (mouth, eyes, nose) may replace it, and it reaches up to the eyes.
        hull = convex_hull_image(labels == 1)
        assert set(np.unique(labels[hull])) <= {0, 1, 2, 3, 5}
        assert (labels[hull] == 0).mean() < 0.02  # pixel centres on the hull's edge only
        assert (labels[hull] == 1).mean() > 0.85
        assert hull[labels == 2].all()
        eye_row = np.argwhere(labels == 3)[:, 0].mean()
        assert np.argwhere(labels == 1)[:, 0].min() < eye_row + 0.1 * labels.shape[0]


def test_class_fractions_of_the_landmark_labelling():
    data = synthetic_faces(16, (128, 160), subjects=range(8), rng=0)
    fractions = np.bincount(data.labels.ravel(), minlength=6) / data.labels.size
    # Documented in tiaug.datasets: chin ~12 %, nose ~0.7 %, mouth ~0.6 %, brows ~0.4 %,
    # eyes ~0.3 %.
    assert 0.08 < fractions[1] < 0.16
    assert (0.002 < fractions[2:]).all() and (fractions[2:] < 0.012).all()
    old = synthetic_faces(16, (128, 160), subjects=range(8), labelling="anatomical", rng=0)
    assert np.bincount(old.labels.ravel(), minlength=6)[1] / old.labels.size < 0.04
    np.testing.assert_array_equal(old.images, data.images)  # the labelling changes labels only


def _centroid(labels, value):
    return np.argwhere(labels == value).mean(0)


def _nose_and_cheeks(image, labels):
    """Pixels of the lower fifth of the nose and 5x5 patches of the cheeks beside the nose tip."""
    (r, c), eye_mid = np.argwhere(labels == 5).T, _centroid(labels, 3)
    down = _centroid(labels, 2) - eye_mid  # eyes -> mouth: the face's vertical axis
    down /= np.hypot(*down)
    along = (r - eye_mid[0]) * down[0] + (c - eye_mid[1]) * down[1]
    tip = image[r[along > np.percentile(along, 80)], c[along > np.percentile(along, 80)]]
    # Cheeks: below each eye, level with the nose tip.
    eyes = np.argwhere(labels == 3)
    level = np.percentile(along, 90) * down
    cheeks = []
    for half in (eyes[:, 1] < eye_mid[1], eyes[:, 1] >= eye_mid[1]):
        pr, pc = (eyes[half].mean(0) + level).round().astype(int)
        cheeks.append(image[pr - 2:pr + 3, pc - 2:pc + 3])
    return tip, np.concatenate(cheeks, axis=None)


def test_nose_tip_cooler_than_cheeks(default_frames):
    for image, labels in default_frames:
        tip, cheeks = _nose_and_cheeks(image, labels)
        assert np.median(tip) < np.median(cheeks) - 0.5


def test_noise_level():
    # Sensor noise: neighbouring background pixels differ by about sqrt(2) * NOISE_STD.
    image, labels = make_face(SHAPE, rng=2)
    wall = image[:24, :40]  # the top-left corner of a face close-up shows the room
    assert (labels[:24, :40] == 0).all()
    diff = np.diff(wall, axis=1)
    assert 0.5 * datasets.NOISE_STD < diff.std() < 2.0 * datasets.NOISE_STD


def test_synthetic_faces_default_subjects():
    data = synthetic_faces(3, (48, 64), rng=0)
    assert data.images.shape == (3, 48, 64) and data.images.dtype == np.float32
    assert data.labels.shape == (3, 48, 64) and data.labels.dtype == np.uint8
    assert data.subjects.tolist() == [0, 1, 2] and data.subjects.dtype == np.int64
    images, labels, subjects = data
    assert images is data.images


def test_synthetic_faces_cycles_subjects():
    data = synthetic_faces(5, (48, 64), subjects=range(10, 12), rng=0)
    assert data.subjects.tolist() == [10, 11, 10, 11, 10]
    np.testing.assert_array_equal(
        synthetic_faces(5, (48, 64), subjects=range(10, 12), rng=0).images, data.images
    )


def test_subject_split_disjoint_and_complete():
    subjects = np.repeat(np.arange(20), 3)
    parts = subject_split(subjects, (0.7, 0.15, 0.15), rng=0)
    assert [len(set(subjects[p])) for p in parts] == [14, 3, 3]
    assert sorted(np.concatenate(parts).tolist()) == list(range(60))
    for i, a in enumerate(parts):
        assert a.dtype == np.int64 and np.all(np.diff(a) > 0)
        for b in parts[i + 1:]:
            assert not set(subjects[a]) & set(subjects[b])
    again = subject_split(subjects, (0.7, 0.15, 0.15), rng=0)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again, strict=True))


def test_subject_split_every_set_gets_a_subject():
    parts = subject_split([0, 1, 2], (0.9, 0.05, 0.05), rng=1)
    assert sorted(len(p) for p in parts) == [1, 1, 1]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(shape=(31, 64)), ValueError, r"shape must be at least 32x32 pixels, got \(31, 64\)"),
        (dict(shape=(64,)), TypeError, r"shape must be a \(height, width\) pair of ints"),
        (dict(shape=(64.0, 64)), TypeError, r"shape must be a \(height, width\) pair of ints"),
        (dict(subject=-1), ValueError, "subject must be a non-negative int subject id, got -1"),
        (dict(subject=1.5), TypeError, "subject must be a non-negative int subject id, got float"),
        (dict(rng="seed"), TypeError, "rng must be None, a non-negative int seed"),
        (dict(labelling="hull"), ValueError,
         "labelling must be one of 'landmarks', 'anatomical', got 'hull'"),
    ],
)
def test_make_face_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_face(**kwargs)


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((0,), {}, ValueError, "n must be at least 1, got 0"),
        ((2.0,), {}, TypeError, "n must be an int number of frames, got float"),
        ((2,), dict(subjects=[]), ValueError, "subjects must hold at least one subject id"),
        ((2,), dict(subjects=3), TypeError, "subjects must be None or a sequence of int"),
        ((2,), dict(subjects=[0, -2]), ValueError, r"subjects\[\] must be a non-negative int"),
        ((2,), dict(shape=(16, 16)), ValueError, "shape must be at least 32x32"),
    ],
)
def test_synthetic_faces_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        synthetic_faces(*args, **kwargs)


@pytest.mark.parametrize(
    "subjects, fractions, error, match",
    [
        ([0, 1, 2], (0.5, 0.6), ValueError, r"fractions must be positive and sum to 1"),
        ([0, 1, 2], (1.2, -0.2), ValueError, r"fractions must be positive and sum to 1"),
        ([0, 1, 2], "ab", TypeError, "fractions must be a sequence of numbers"),
        ([0, 0, 1], (0.4, 0.3, 0.3), ValueError, "at least 3 distinct ids to fill 3 sets, got 2"),
        ([0.5, 1.0], (0.5, 0.5), TypeError, "subjects must be a 1-D sequence of int subject ids"),
        ([[0, 1]], (0.5, 0.5), TypeError, "subjects must be a 1-D sequence of int subject ids"),
    ],
)
def test_subject_split_errors(subjects, fractions, error, match):
    with pytest.raises(error, match=match):
        subject_split(subjects, fractions)


# --------------------------------------------------------------------------- conditions

# sha256 of lab frames (images, then labels), computed from the frames *before* `condition` was
# added. They guard the bit-identity of the lab frames: the stored study runs of the benchmarks
# fingerprint their training and test frames by sha256, so one changed bit (a reordered random
# draw, a float32 product computed another way) would invalidate every stored run.
LAB_DIGESTS = {
    "synthetic_faces(24, (96, 120), subjects=range(6), rng=default_rng(7))":
        "1421c81e3984726c40df1626acd0e705a9e12e8f8fb418bdfa9c01be63d39ba9",
    "synthetic_faces(8, (128, 160), subjects=range(4), labelling='anatomical', rng=5)":
        "39012597d84f65b543c7f712412eb5c4e650f573ee2d140b57985da8cf7efcb5",
    "make_face((256, 320), rng=3)":
        "76499c36e47485257b4f4c2f13cfba60adda2a0f05cf5f9c5d8eeb2dc231f94c",
    "make_face((256, 320), subject=1, labelling='anatomical', rng=9)":
        "3ef1f8cd67d0e3dba524b66c2e358cf25f222cc526e3ea4e01c16a1307a1bd6b",
    "make_face((32, 32), subject=11, rng=2)":
        "0376c00da5b17174aea45c99248a55d718a5fc8e1666f61caaf6ef00ee15c486",
    "make_face((64, 80), subject=11, rng=2)":
        "3dc0812582781d65567f110ce5c6e21f7c1771753d94a72492c73238b05e61ea",
    "make_face((97, 61), subject=11, rng=2)":
        "6b07eeb7a7e38afb951ccb1e7575c783b2f4eb7825d8728997540d0e8e19ecda",
    "make_face((240, 180), subject=11, rng=2)":
        "b187d8d7eda68b29be7ed2e4b26556eb51beac595b80e26397225afda477310e",
}
LAB_CALLS = {
    "synthetic_faces(24, (96, 120), subjects=range(6), rng=default_rng(7))":
        lambda **kw: synthetic_faces(24, (96, 120), subjects=range(6),
                                     rng=np.random.default_rng(7), **kw)[:2],
    "synthetic_faces(8, (128, 160), subjects=range(4), labelling='anatomical', rng=5)":
        lambda **kw: synthetic_faces(8, (128, 160), subjects=range(4), labelling="anatomical",
                                     rng=5, **kw)[:2],
    "make_face((256, 320), rng=3)": lambda **kw: make_face((256, 320), rng=3, **kw),
    "make_face((256, 320), subject=1, labelling='anatomical', rng=9)":
        lambda **kw: make_face((256, 320), subject=1, labelling="anatomical", rng=9, **kw),
    **{f"make_face({shape}, subject=11, rng=2)":
       functools.partial(make_face, shape, subject=11, rng=2)
       for shape in [(32, 32), (64, 80), (97, 61), (240, 180)]},
}
# Frames small enough for many hypothesis examples, large enough to find the nose tip.
COND_SHAPE = (128, 160)
seeds = st.integers(0, 2**32 - 1)


def _sha256(images, labels):
    return hashlib.sha256(np.ascontiguousarray(images).tobytes()
                          + np.ascontiguousarray(labels).tobytes()).hexdigest()


def test_conditions_are_exported():
    assert CONDITIONS == ("lab", "cold_room", "hot_room", "warm_nose", "cold_nose")
    assert "CONDITIONS" in datasets.__all__


@pytest.mark.parametrize("condition", [None, "lab", {}], ids=["None", "lab", "empty-dict"])
@pytest.mark.parametrize("call", sorted(LAB_DIGESTS))
def test_lab_frames_are_bit_identical_to_before_conditions(call, condition):
    kwargs = {} if condition is None else dict(condition=condition)
    assert _sha256(*LAB_CALLS[call](**kwargs)) == LAB_DIGESTS[call]


def _corners(image, k=4):
    # The top corners of a face close-up show the wall: background far from head, hair and
    # shoulders, at the ambient plus the wall's texture and gradient (within about ±1.5 °C).
    return np.concatenate([image[:k, :k], image[:k, -k:]], axis=None)


@given(seed=seeds, subject=st.none() | st.integers(0, 10**6))
def test_condition_keeps_the_frame_and_its_labels(seed, subject):
    lab, lab_labels = make_face(COND_SHAPE, subject=subject, rng=seed)
    custom = {"ambient": (0.0, 5.0), "nose": (-1.0, 1.0)}
    for condition in [*CONDITIONS, custom]:
        image, labels = make_face(COND_SHAPE, subject=subject, rng=seed, condition=condition)
        np.testing.assert_array_equal(labels, lab_labels)
        assert image.dtype == np.float32 and np.isfinite(image).all()
        if condition in ("warm_nose", "cold_nose"):
            # Only the nose tip changes, within the pixel box of its Gaussian's window (0.54 face
            # units each way, rolled up to 15°, at most 0.32 * min(H, W) pixels per unit: under
            # 0.22 * min(H, W) pixels, plus rounding and blur); the rest is the lab's, bit for bit.
            changed = np.argwhere(image != lab)
            tip = np.unravel_index(np.argmax(np.abs(image - lab)), COND_SHAPE)
            assert labels[tip] == 5
            assert np.abs(changed - tip).max() <= 0.22 * min(COND_SHAPE) + 3


def test_synthetic_faces_under_a_condition_pair_with_make_face():
    data = synthetic_faces(3, COND_SHAPE, subjects=[4, 2], rng=1, condition="hot_room")
    lab = synthetic_faces(3, COND_SHAPE, subjects=[4, 2], rng=1)
    np.testing.assert_array_equal(data.labels, lab.labels)
    np.testing.assert_array_equal(data.subjects, lab.subjects)
    rng = np.random.default_rng(1)
    for i, s in enumerate([4, 2, 4]):
        image, labels = make_face(COND_SHAPE, subject=s, rng=rng, condition="hot_room")
        np.testing.assert_array_equal(data.images[i], image)


@pytest.mark.parametrize("condition, room", [
    ("cold_room", (10.0, 16.0)), ("hot_room", (30.0, 35.0)), ("warm_nose", (18.0, 26.0)),
    ("cold_nose", (18.0, 26.0)), ({"ambient": (-30.0, -30.0)}, (-30.0, -30.0)),
    ({"ambient": [0.0, 35.5]}, (0.0, 35.5)),
])
@given(seed=seeds)
def test_background_follows_the_ambient(condition, room, seed):
    lab, _ = make_face(COND_SHAPE, rng=seed)
    image, _ = make_face(COND_SHAPE, rng=seed, condition=condition)
    wall = _corners(image)
    assert room[0] - 2.0 < wall.min() and wall.max() < room[1] + 2.0
    # The same wall, shifted as a whole by the new ambient minus the lab's (18-26, mapped
    # linearly onto the room's range).
    shift = wall - _corners(lab)
    assert np.ptp(shift) < 1e-3
    low, high = sorted([room[0] - 18.0, room[1] - 26.0])
    assert low - 1e-3 <= shift.mean() <= high + 1e-3


def _nose_tip(shape, subject, seed):
    """(row, col) of the nose tip: where a warm nose changes the lab frame most."""
    lab, _ = make_face(shape, subject=subject, rng=seed)
    warm, _ = make_face(shape, subject=subject, rng=seed, condition="warm_nose")
    return np.unravel_index(np.argmax(warm - lab), shape)


# Nose tip minus the cheeks, °C: the condition's nose-tip offset (lab: 1.5-4 below the skin, in a
# room other than the lab's times (37 - ambient) / 15), times the breathing factor 0.8-1.15.
NOSE_MINUS_SKIN = {
    "lab": (-4.0 * 1.15, -1.5 * 0.8),
    "cold_room": (-4.0 * 1.8 * 1.15, -1.5 * 1.4 * 0.8),
    "hot_room": (-4.0 * 7 / 15 * 1.15, -1.5 * 2 / 15 * 0.8),
    "warm_nose": (0.0, 1.5 * 1.15),
    "cold_nose": (-7.0 * 1.15, -5.0 * 0.8),
}


@given(seed=seeds, subject=st.integers(0, 10**6))
def test_nose_tip_relative_to_the_skin(seed, subject):
    tip = _nose_tip(COND_SHAPE, subject, seed)
    offsets = {}
    for condition, (low, high) in NOSE_MINUS_SKIN.items():
        image, labels = make_face(COND_SHAPE, subject=subject, rng=seed, condition=condition)
        assert labels[tip] == 5
        r, c = tip
        _, cheeks = _nose_and_cheeks(image, labels)
        offsets[condition] = image[r - 1:r + 2, c - 1:c + 2].mean() - np.median(cheeks)
        # The cheeks' texture and the cooling towards the outline blur the skin by a few tenths;
        # the mean over 3x3 pixels and the optics take up to about a tenth off a deep cold spot
        # (measured over 300 frames: up to 1.05 °C less cold in a cold room, never colder).
        margin = 0.5 + 0.15 * max(-low, 0.0)
        assert low - 0.5 < offsets[condition] < high + margin, condition
    assert offsets["warm_nose"] > offsets["lab"] + 2.0
    assert offsets["cold_nose"] < offsets["lab"] - 2.0
    assert offsets["cold_room"] < offsets["lab"] < offsets["hot_room"] < 0.5


@given(seed=seeds, subject=st.integers(0, 10**6))
def test_nose_conditions_move_the_tip_by_the_mapped_drop(seed, subject):
    # Lab drop d in [1.5, 4] at position p: warm_nose gives -1.5 + 1.5 p, so the tip warms by
    # (3 + p) * breath; cold_nose gives 5 + 2 p, so it cools by (3.5 - 0.5 p) * breath.
    lab, _ = make_face(COND_SHAPE, subject=subject, rng=seed)
    warm, _ = make_face(COND_SHAPE, subject=subject, rng=seed, condition="warm_nose")
    cold, _ = make_face(COND_SHAPE, subject=subject, rng=seed, condition="cold_nose")
    # (The 3x3 optics blur takes up to a few % off the peak.)
    assert 3.0 * 0.8 * 0.95 < (warm - lab).max() < 4.0 * 1.15
    assert 3.0 * 0.8 * 0.95 < (lab - cold).max() < 3.5 * 1.15
    tip = np.unravel_index(np.argmax(warm - lab), COND_SHAPE)
    assert np.hypot(*np.subtract(tip, np.unravel_index(np.argmax(lab - cold), COND_SHAPE))) < 2


@given(seed=seeds)
def test_hot_room_lowers_and_cold_room_raises_the_contrast(seed):
    def contrast(condition):
        image, labels = make_face(COND_SHAPE, rng=seed, condition=condition)
        return np.median(image[labels > 0]) - np.median(_corners(image))

    lab = contrast("lab")
    # The wall moves by the ambient change, the skin by 0.12 °C per °C only.
    assert contrast("hot_room") < lab - 6.0
    assert contrast("cold_room") > lab + 6.0


def test_custom_condition_matches_the_named_one_and_sets_both_ranges():
    for name in ("cold_room", "hot_room", "warm_nose", "cold_nose"):
        custom = {k: list(v) for k, v in datasets._faces.CONDITIONS[name].items()}
        np.testing.assert_array_equal(make_face(COND_SHAPE, rng=5, condition=custom)[0],
                                      make_face(COND_SHAPE, rng=5, condition=name)[0])
    # A fixed 28 °C room and a nose tip exactly 1 °C warmer than the skin (times breathing).
    condition = {"ambient": (28.0, 28.0), "nose": (1.0, 1.0)}
    for seed in range(5):
        image, labels = make_face(COND_SHAPE, subject=seed, rng=seed, condition=condition)
        assert abs(np.median(_corners(image)) - 28.0) < 2.0
        r, c = _nose_tip(COND_SHAPE, seed, seed)
        _, cheeks = _nose_and_cheeks(image, labels)
        assert 0.8 - 0.5 < image[r - 1:r + 2, c - 1:c + 2].mean() - np.median(cheeks) < 1.15 + 0.5


NAMES = "'lab', 'cold_room', 'hot_room', 'warm_nose', 'cold_nose'"


@pytest.mark.parametrize(
    "condition, error, match",
    [
        ("arctic", ValueError, f"condition must be one of {NAMES} or a dict with optional keys "
                               "'ambient' and 'nose', got 'arctic'"),
        (3, TypeError, f"condition must be None, one of {NAMES} or a dict with optional keys "
                       "'ambient' and 'nose', got int"),
        (("cold_room",), TypeError, "condition must be None, one of .* got tuple"),
        ({"humidity": (0.3, 0.5)}, ValueError,
         "condition has unknown keys 'humidity'; the accepted keys are 'ambient' and 'nose'"),
        ({"ambient": 12.0}, TypeError,
         r"condition\['ambient'\] must be a \(low, high\) pair of numbers in °C, got 12.0"),
        ({"nose": (1.0, 2.0, 3.0)}, TypeError, r"condition\['nose'\] must be a \(low, high\) pair"),
        ({"nose": (True, 1.0)}, TypeError, r"condition\['nose'\] must be a \(low, high\) pair"),
        ({"nose": ("0", "1")}, TypeError, r"condition\['nose'\] must be a \(low, high\) pair"),
        ({"ambient": (16.0, 10.0)}, ValueError,
         r"condition\['ambient'\] must be a finite range with low <= high, got \(16.0, 10.0\)"),
        ({"nose": (float("nan"), 1.0)}, ValueError,
         r"condition\['nose'\] must be a finite range with low <= high"),
        ({"nose": (-1.0, float("inf"))}, ValueError,
         r"condition\['nose'\] must be a finite range with low <= high"),
        ({"ambient": (30.0, 37.0)}, ValueError,
         r"condition\['ambient'\] must lie within \[-30, 36\) °C, below the 37 °C body core, "
         r"got \(30.0, 37.0\)"),
        ({"ambient": (30.0, 36.0)}, ValueError, r"condition\['ambient'\] must lie within"),
        ({"ambient": (-40.0, 10.0)}, ValueError, r"condition\['ambient'\] must lie within"),
    ],
)
def test_condition_errors(condition, error, match):
    with pytest.raises(error, match=match):
        make_face((64, 64), rng=0, condition=condition)
    with pytest.raises(error, match=match):
        synthetic_faces(2, (64, 64), rng=0, condition=condition)


# --------------------------------------------------------------------------- cameras

# A camera without fixed pattern, errors, quantisation or noise of its own.
IDEAL = CameraSpec("ideal", (640, 480), pitch=12.0, f_number=1.0, netd=0.0)


def _mean_abs_laplacian(image, where):
    from scipy.ndimage import laplace

    return np.abs(laplace(image.astype(np.float64)))[where].mean()


@pytest.mark.parametrize("camera", [*CAMERAS, IDEAL])
@given(seed=seeds, subject=st.none() | st.integers(0, 10**6),
       coverage=st.floats(0.05, 1.0))
def test_camera_keeps_the_labels_and_the_stream(camera, seed, subject, coverage):
    lab, lab_labels = make_face((64, 80), subject=subject, rng=seed)
    rng = np.random.default_rng(seed)
    image, labels = make_face((64, 80), subject=subject, rng=rng, camera=camera,
                              coverage=coverage)
    np.testing.assert_array_equal(labels, lab_labels)
    assert image.shape == (64, 80) and image.dtype == np.float32 and np.isfinite(image).all()
    assert image.flags.c_contiguous
    # The main stream advanced exactly as in the lab: the next frame is the lab's next frame.
    after = np.random.default_rng(seed)
    make_face((64, 80), subject=subject, rng=after)
    assert rng.bit_generator.state == after.bit_generator.state


@pytest.mark.parametrize("camera", ["lepton", "tc001", "boson640"])
def test_synthetic_faces_with_a_camera_pair_with_the_lab_set(camera):
    lab = synthetic_faces(4, COND_SHAPE, subjects=[4, 2, 9], rng=1)
    data = synthetic_faces(4, COND_SHAPE, subjects=[4, 2, 9], rng=1, camera=camera)
    np.testing.assert_array_equal(data.labels, lab.labels)
    np.testing.assert_array_equal(data.subjects, lab.subjects)
    assert not np.array_equal(data.images, lab.images)
    # Frame by frame the frames of make_face from one stream, and the same camera frame per seed.
    rng = np.random.default_rng(1)
    for i, s in enumerate([4, 2, 9, 4]):
        image, labels = make_face(COND_SHAPE, subject=s, rng=rng, camera=camera)
        np.testing.assert_array_equal(data.images[i], image)
        np.testing.assert_array_equal(data.labels[i], labels)
    np.testing.assert_array_equal(
        synthetic_faces(4, COND_SHAPE, subjects=[4, 2, 9], rng=1, camera=camera).images,
        data.images)


@pytest.mark.parametrize("camera", ["lepton", "cooled_mwir"])
def test_camera_combines_with_a_condition(camera):
    lab, lab_labels = make_face(COND_SHAPE, subject=3, rng=7)
    hot, hot_labels = make_face(COND_SHAPE, subject=3, rng=7, condition="hot_room")
    image, labels = make_face(COND_SHAPE, subject=3, rng=7, condition="hot_room", camera=camera)
    np.testing.assert_array_equal(labels, lab_labels)
    np.testing.assert_array_equal(hot_labels, lab_labels)
    # The hot room's wall, within the camera's accuracy (±5 °C and 5 % of T - ambient at most).
    spec = CAMERAS[camera]
    assert np.abs(_corners(image) - _corners(hot)).max() < spec.accuracy[0] + 0.5
    data = synthetic_faces(3, COND_SHAPE, subjects=[4, 2], rng=1, condition="hot_room",
                           camera=camera)
    np.testing.assert_array_equal(data.labels,
                                  synthetic_faces(3, COND_SHAPE, subjects=[4, 2], rng=1).labels)


@pytest.mark.parametrize("call", sorted(LAB_DIGESTS))
def test_no_camera_leaves_the_lab_frames_bit_identical(call):
    assert _sha256(*LAB_CALLS[call](camera=None)) == LAB_DIGESTS[call]
    assert _sha256(*LAB_CALLS[call](camera=None, coverage=0.3)) == LAB_DIGESTS[call]


def test_same_seed_same_camera_frame_and_cameras_differ():
    frames = {}
    for camera in CAMERAS:
        a, _ = make_face(COND_SHAPE, subject=5, rng=11, camera=camera, coverage=0.4)
        b, _ = make_face(COND_SHAPE, subject=5, rng=np.random.default_rng(11), camera=camera,
                         coverage=0.4)
        np.testing.assert_array_equal(a, b)
        frames[camera] = a
    names = list(frames)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not np.array_equal(frames[a], frames[b]), (a, b)
    # A camera is its numbers: a spec equal to a preset gives the preset's frame, and the two
    # Bosons (equal but for the resolution) give the same frame once both grids are the frame's.
    np.testing.assert_array_equal(
        make_face(COND_SHAPE, subject=5, rng=11, camera=CAMERAS["tc001"], coverage=0.4)[0],
        frames["tc001"])
    np.testing.assert_array_equal(
        make_face(COND_SHAPE, subject=5, rng=11, camera="boson320", coverage=0.5)[0],
        make_face(COND_SHAPE, subject=5, rng=11, camera="boson640", coverage=0.5)[0])
    # Another seed gives another frame, another coverage another sensor grid.
    assert not np.array_equal(
        make_face(COND_SHAPE, subject=5, rng=12, camera="tc001", coverage=0.4)[0],
        frames["tc001"])
    assert not np.array_equal(
        make_face(COND_SHAPE, subject=5, rng=11, camera="tc001", coverage=0.3)[0],
        frames["tc001"])


def test_a_coarse_camera_loses_fine_detail():
    for seed in range(3):
        lab, labels = make_face((192, 240), subject=seed, rng=seed)
        lepton, _ = make_face((192, 240), subject=seed, rng=seed, camera="lepton", coverage=0.5)
        assert _sensors.sensor_shape((192, 240), CAMERAS["lepton"], 0.5) == (64, 80)
        face = labels > 0
        # 80 sensor columns across 240 pixels: the face's high frequencies are gone.
        assert _mean_abs_laplacian(lepton, face) < 0.5 * _mean_abs_laplacian(lab, face)
        # Still the same face, aligned with the labels: the hot inner eye corners stay in the
        # eyes and the nose tip stays cooler than the cheeks.
        offset = np.median(lepton[face]) - np.median(lab[face])
        assert np.abs((lepton - offset) - lab)[face].mean() < 0.6
        hottest = np.unravel_index(np.argmax(np.where(face, lepton, -np.inf)), labels.shape)
        assert np.abs(np.subtract(hottest, np.argwhere(labels == 3).mean(0))).max() < 30


def test_a_camera_finer_than_the_frame_keeps_the_lab_grid():
    shape = (96, 120)
    assert _sensors.sensor_shape(shape, CAMERAS["boson640"], 1.0) == shape
    for seed in range(3):
        lab, labels = make_face(shape, subject=seed, rng=seed)
        boson, _ = make_face(shape, subject=seed, rng=seed, camera="boson640", coverage=1.0)
        face = labels > 0
        assert _mean_abs_laplacian(boson, face) > 0.95 * _mean_abs_laplacian(lab, face)
        # Without fixed pattern, errors and extra noise the camera's frame is the lab frame.
        ideal, _ = make_face(shape, subject=seed, rng=seed, camera=IDEAL, coverage=1.0)
        np.testing.assert_array_equal(ideal, lab)


def test_sensor_grid_size():
    lepton = CAMERAS["lepton"]
    assert _sensors.sensor_shape((256, 320), lepton, 0.5) == (64, 80)
    assert _sensors.sensor_shape((256, 320), lepton, 1.0) == (128, 160)
    assert _sensors.sensor_shape((256, 320), lepton, 0.01) == (13, 16)  # at least 16 columns
    assert _sensors.sensor_shape((97, 61), CAMERAS["a655sc"], 0.5) == (97, 61)  # the frame's


def _random_draws(rng, h, w, scale=1.0):
    return _sensors.Draws(
        column=rng.normal(0, scale, w), row=rng.normal(0, scale, h),
        pixel=rng.normal(0, scale, (h, w)), gain_residual=rng.normal(0, 0.1 * scale, (h, w)),
        vignetting=float(rng.uniform(-scale, scale)), offset=float(rng.uniform(-5, 5)),
        gain=float(rng.uniform(0.9, 1.1)))


def _apply_per_pixel(image, ambient, d, step):
    """The sensor effects one pixel at a time, as the docstring of tiaug.datasets states them."""
    h, w = image.shape
    cy, cx = (h - 1) / 2, (w - 1) / 2
    half_diagonal = np.hypot(cy, cx)
    out = np.empty((h, w))
    for i in range(h):
        for j in range(w):
            t = float(image[i, j])
            rho = np.hypot(i - cy, j - cx) / half_diagonal
            t = (t + d.column[j] + d.row[i] + d.pixel[i, j] + d.gain_residual[i, j] * (t - ambient)
                 + d.vignetting * rho**2)
            t = t + d.offset + (d.gain - 1) * (t - ambient)
            out[i, j] = round(t / step) * step if step > 0 else t
    return out


@given(seed=seeds, h=st.integers(2, 9), w=st.integers(2, 9),
       step=st.sampled_from([0.0, 0.01, 1 / 64, 0.5]))
def test_sensor_effects_match_a_per_pixel_loop(seed, h, w, step):
    rng = np.random.default_rng(seed)
    image = rng.uniform(15.0, 37.0, (h, w)).astype(np.float32)
    ambient = float(rng.uniform(10.0, 30.0))
    d = _random_draws(rng, h, w)
    out = _sensors.apply(image, ambient, d, step)
    assert out.dtype == np.float64 and out.shape == (h, w)
    np.testing.assert_allclose(out, _apply_per_pixel(image, ambient, d, step), rtol=0, atol=1e-9)
    if step:
        assert np.abs(out / step - np.round(out / step)).max() < 1e-9


def test_sensor_effects_without_a_pattern_or_errors_are_the_identity():
    rng = np.random.default_rng(0)
    image = rng.uniform(15.0, 37.0, (12, 16)).astype(np.float32)
    zero = _sensors.Draws(np.zeros(16), np.zeros(12), np.zeros((12, 16)), np.zeros((12, 16)),
                          0.0, 0.0, 1.0)
    np.testing.assert_array_equal(_sensors.apply(image, 22.0, zero, 0.0), image)
    # An ideal camera draws exactly these.
    drawn = _sensors.draw(rng, IDEAL, (12, 16))
    np.testing.assert_array_equal(_sensors.apply(image, 22.0, drawn, IDEAL.step), image)


@pytest.mark.parametrize("camera", ["tc001", "lepton", "boson320"])
def test_quantisation_on_the_sensor_grid(camera):
    spec = CAMERAS[camera]
    rng = np.random.default_rng(4)
    ident = datasets._identity(4, None)
    fr = datasets._faces.frame(rng, ident)
    state = rng.bit_generator.state
    sensor = _sensors.record((192, 240), ident, fr, rng, spec, 0.5, "landmarks")
    assert rng.bit_generator.state == state  # the lab stream is not advanced
    assert sensor.shape == _sensors.sensor_shape((192, 240), spec, 0.5)
    steps = sensor / spec.step
    assert np.abs(steps - np.round(steps)).max() < 1e-6
    assert np.unique(np.round(steps)).size > 100  # the face's temperatures, not a constant


def test_wall_noise_grows_with_the_netd():
    # On the wall (after subtracting the lab frame) only the camera's noise and fixed pattern are
    # left (and a near-constant calibration offset, which std ignores).
    shape = (384, 480)

    def wall_noise(camera, seed):
        lab, labels = make_face(shape, rng=seed)
        image, _ = make_face(shape, rng=seed, camera=camera, coverage=1.0)
        assert (labels[:36, :60] == 0).all()
        return float((image - lab)[:36, :60].std())

    for seed in range(3):
        cooled, boson, tc001 = (wall_noise(c, seed) for c in ("cooled_mwir", "boson320", "tc001"))
        assert cooled < boson < tc001  # NETD 0.02 < 0.04 < 0.10 °C (and FPN likewise)
        assert tc001 > 1.3 * boson


def test_netd_tops_up_the_lab_noise():
    # On the frame's own grid, without fixed pattern or errors, the camera adds Gaussian noise of
    # std sqrt(NETD**2 - NOISE_STD**2) to the lab frame.
    spec = CameraSpec("noisy", (640, 480), pitch=12.0, f_number=1.0, netd=0.2)
    lab, _ = make_face(SHAPE, rng=3)
    image, _ = make_face(SHAPE, rng=3, camera=spec, coverage=1.0)
    expected = np.sqrt(0.2**2 - datasets.NOISE_STD**2)
    assert abs((image - lab).std() / expected - 1) < 0.02
    assert abs((image - lab).mean()) < 0.01


CAMERA_NAMES = "'lepton', 'flir_one_pro', 'tc001', 'boson320', 'boson640', 'a655sc', 'cooled_mwir'"


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(camera="lepton3"), ValueError,
         f"camera must be one of {CAMERA_NAMES} or a CameraSpec, got 'lepton3'"),
        (dict(camera=3), TypeError,
         "camera must be a name of tiaug.camera.CAMERAS or a CameraSpec, got int"),
        (dict(camera=("lepton",)), TypeError, "camera must be a name of .* got tuple"),
        (dict(camera="lepton", coverage=0.0), ValueError, r"coverage must be in \(0, 1\], got 0"),
        (dict(camera="lepton", coverage=1.5), ValueError,
         r"coverage must be in \(0, 1\], got 1.5"),
        (dict(camera="lepton", coverage=-0.5), ValueError, r"coverage must be in \(0, 1\]"),
        (dict(camera="lepton", coverage=float("nan")), ValueError,
         "coverage must be finite, got nan"),
        (dict(camera="lepton", coverage="half"), TypeError,
         "coverage must be a real number, got str"),
        (dict(camera="lepton", coverage=True), TypeError,
         "coverage must be a real number, got bool"),
        (dict(coverage=2.0), ValueError, r"coverage must be in \(0, 1\], got 2"),
    ],
)
def test_camera_errors(kwargs, error, match):
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    with pytest.raises(error, match=match):
        make_face((64, 64), rng=rng, **kwargs)
    with pytest.raises(error, match=match):
        synthetic_faces(2, (64, 64), rng=rng, **kwargs)
    assert rng.bit_generator.state == state  # nothing drawn

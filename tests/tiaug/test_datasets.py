import numpy as np
import pytest

from tiaug import datasets
from tiaug.datasets import CLASS_NAMES, make_face, subject_split, synthetic_faces

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


def test_nose_tip_cooler_than_cheeks(default_frames):
    for image, labels in default_frames:
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
        assert np.median(tip) < np.median(np.concatenate(cheeks, axis=None)) - 0.5


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

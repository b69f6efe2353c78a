"""Property tests for *your* preprocessing, written with tiaug's hypothesis strategies.

A unit test checks the frames you thought of; a property test lets hypothesis invent frames
(constant ones, bimodal face-and-wall ones, extreme temperatures, odd sizes, float32 and float64)
and shrinks any failure to a minimal example. ``tiaug.testing.strategies`` provides the
generators: ``temperatures()``, ``label_maps()``, ``frames()`` (image + matching mask) and
``faces()`` (synthetic thermal faces).

Here the code under test is a typical user pipeline, :func:`preprocess`: TiAug in °C, then
per-frame min-max normalisation to [-1, 1]. Its promises: labels stay a subset of the input's
(plus the fill label for pixels rotated/scaled in from outside and the ignore label under
occluders), the output is finite and in [-1, 1], shapes and dtypes are kept, the input is
untouched, and a seed reproduces the output (what makes DataLoader workers reproducible).

Run::

    python -m pytest examples/test_user_property.py -q
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tiaug import TiAug
from tiaug.normalize import minmax
from tiaug.testing.strategies import faces, frames

MASK_FILL = 0  # label of pixels that rotation/scaling bring in from outside the frame
IGNORE = 255  # label under occluders (TiAug's label_policy="ignore"): your loss skips it
AUGMENT = TiAug(mask_fill=MASK_FILL, ignore_index=IGNORE)


def preprocess(image, mask, seed):
    """The code under test: augment in °C, then normalise each frame to [-1, 1]."""
    out = AUGMENT(image=image, mask=mask, rng=seed)
    return minmax(out["image"], (-1.0, 1.0)), out["mask"]


seeds = st.integers(0, 2**32 - 1)
small_frames = frames(shape=st.tuples(st.integers(16, 48), st.integers(16, 48)),
                      min_value=-20.0, max_value=60.0)


# deadline=None: the first call compiles tiaug's numba kernels (seconds), later calls are fast.
@settings(max_examples=30, deadline=None)
@given(frame=small_frames, seed=seeds)
def test_labels_stay_a_subset(frame, seed):
    image, mask = frame
    _, labels = preprocess(image, mask, seed)
    assert set(np.unique(labels)) <= set(np.unique(mask)) | {MASK_FILL, IGNORE}


@settings(max_examples=30, deadline=None)
@given(frame=small_frames, seed=seeds)
def test_output_is_a_valid_network_input(frame, seed):
    image, mask = frame
    before = image.copy(), mask.copy()
    x, labels = preprocess(image, mask, seed)
    assert x.shape == labels.shape == image.shape
    assert x.dtype == image.dtype and labels.dtype == mask.dtype
    assert np.isfinite(x).all()
    assert -1.0 <= x.min() <= x.max() <= 1.0
    np.testing.assert_array_equal(image, before[0])  # the caller's arrays are not modified
    np.testing.assert_array_equal(mask, before[1])


@settings(max_examples=10, deadline=None)
@given(face=faces((48, 64)), seed=seeds)
def test_same_seed_same_sample(face, seed):
    image, labels = face
    x1, y1 = preprocess(image, labels, seed)
    x2, y2 = preprocess(image, labels, seed)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)

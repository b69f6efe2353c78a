"""Hypothesis strategies for thermal frames, label maps and synthetic faces.

Put them into your own property tests of code that consumes or produces temperature frames::

    from hypothesis import given
    from tiaug.testing.strategies import frames

    @given(frames())
    def test_my_transform_keeps_shape(frame):
        image, mask = frame
        ...

Requires the optional dependency hypothesis: ``pip install tiaug[testing]``.
"""

import numbers

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "tiaug.testing.strategies needs hypothesis, an optional dependency of tiaug; "
        "install it with: pip install tiaug[testing]"
    ) from exc

from .._faces import _upsample
from .._validation import FLOAT_DTYPES, check_number, representable

__all__ = ["temperatures", "label_maps", "frames", "faces"]

_MAX_SIDE = 64  # frames up to 64x64 keep property tests fast, also with numba's JIT disabled


def _shapes(shape, min_side):
    """A strategy of (H, W) from None (any modest shape), a fixed pair, or a strategy."""
    if shape is None:
        side = st.integers(min_side, max(_MAX_SIDE, min_side))
        return st.tuples(side, side)
    if isinstance(shape, st.SearchStrategy):
        return shape
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in shape)):
        raise TypeError(
            f"shape must be None, a (height, width) pair of ints or a hypothesis strategy of such "
            f"pairs, got {shape!r}"
        )
    if min(shape) < min_side:
        raise ValueError(f"shape must be at least {min_side}x{min_side}, got {tuple(shape)}")
    return st.just((int(shape[0]), int(shape[1])))


def _float_dtypes(dtype):
    if dtype is None:
        return st.sampled_from(FLOAT_DTYPES)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    # `None in FLOAT_DTYPES` holds: numpy reads None as float64.
    if dt is None or dt not in FLOAT_DTYPES:
        raise TypeError(f"dtype must be None (both), numpy.float32 or numpy.float64, got {dtype!r}")
    return st.just(dt)


def _finish(values, dt, lo, hi):
    # Cast, keep within the bounds after rounding, and flush subnormals (slow paths, odd kernels).
    out = np.clip(values.astype(dt), dt.type(lo), dt.type(hi))
    out[np.abs(out) < np.finfo(dt).tiny] = 0
    return out


def _temperature_args(dtype, min_value, max_value):
    lo = check_number(min_value, "min_value")
    hi = check_number(max_value, "max_value")
    if lo >= hi:
        raise ValueError(
            f"min_value must be below max_value, got min_value={lo:g}, max_value={hi:g}"
        )
    dtypes = _float_dtypes(dtype)
    for dt in FLOAT_DTYPES if dtype is None else (np.dtype(dtype),):
        low, _ = representable(lo, hi, dt)
        if not lo <= low <= hi:  # the range holds no value of dt
            raise ValueError(f"no {dt} value lies between min_value={lo!r} and "
                             f"max_value={hi!r}; widen the range")
    return dtypes, lo, hi


@st.composite
def _temperature_frame(draw, shape, dt, lo, hi):
    lo, hi = representable(lo, hi, dt)
    values = st.floats(lo, hi, width=8 * dt.itemsize, allow_subnormal=False)
    kind = draw(st.sampled_from(["arbitrary", "smooth", "scene", "constant"]))
    if kind == "arbitrary":
        return draw(hnp.arrays(dt, shape, elements=values))
    if kind == "constant":
        return np.full(shape, draw(values), dtype=dt)
    if kind == "smooth":
        grid = draw(hnp.arrays(np.float64, draw(st.tuples(st.integers(2, 6), st.integers(2, 6))),
                               elements=values))
        return _finish(_upsample(grid, shape), dt, lo, hi)
    # A scene: a uniform background and a rectangular object with sharp edges (bimodal histogram).
    background, obj = draw(values), draw(values)
    r0, r1 = sorted(draw(st.tuples(st.integers(0, shape[0]), st.integers(0, shape[0]))))
    c0, c1 = sorted(draw(st.tuples(st.integers(0, shape[1]), st.integers(0, shape[1]))))
    out = np.full(shape, background, dtype=dt)
    out[r0:r1, c0:c1] = obj
    return out


def temperatures(shape=None, *, dtype=None, min_value=-40.0, max_value=150.0):
    """Strategy for finite 2-D temperature frames in °C.

    Draws a mix of arbitrary values, smooth frames (gradients like a real scene), a uniform
    background with a sharp-edged rectangle (bimodal, like a face before a wall) and constant
    frames (the corner case of every normalisation). Values are never NaN, inf or subnormal.

    Parameters
    ----------
    shape : None, tuple of int or hypothesis strategy, optional
        ``(height, width)`` of the frames, at least 2x2; a strategy of such pairs; or None for
        any shape from 2x2 to 64x64.
    dtype : None, numpy.float32 or numpy.float64, optional
        dtype of the frames; None draws both.
    min_value, max_value : float, optional
        Bounds of the temperatures in °C (inclusive), ``min_value < max_value``. The defaults
        span what a thermographic camera reports (-40 to 150 °C).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of ndarray of shape (H, W) with the given dtype.

    Raises
    ------
    TypeError
        If `shape`, `dtype` or the bounds are of the wrong type.
    ValueError
        If `shape` is smaller than 2x2 or ``min_value >= max_value``.

    Examples
    --------
    A property test of :func:`tiaug.normalize.minmax`:

    >>> import numpy as np
    >>> from hypothesis import given
    >>> from tiaug.normalize import minmax
    >>> from tiaug.testing.strategies import temperatures
    >>> @given(temperatures(min_value=15.0, max_value=45.0))
    ... def test_minmax_range(image):
    ...     out = minmax(image)
    ...     assert out.dtype == image.dtype
    ...     assert -1 <= out.min() <= out.max() <= 1
    >>> test_minmax_range()
    """
    shapes, (dtypes, lo, hi) = _shapes(shape, 2), _temperature_args(dtype, min_value, max_value)
    return st.tuples(shapes, dtypes).flatmap(lambda sd: _temperature_frame(*sd, lo, hi))


def _label_args(num_classes, dtype):
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral):
        raise TypeError(f"num_classes must be an int, got {type(num_classes).__name__}")
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = np.dtype(object)
    if dt.kind not in "iu":
        raise TypeError(f"dtype must be a numpy integer dtype such as numpy.uint8, got {dtype!r}")
    if num_classes - 1 > np.iinfo(dt).max:
        raise ValueError(f"num_classes={num_classes} does not fit into dtype {dt}")
    return dt


@st.composite
def _label_map(draw, shape, num_classes, dt):
    labels = st.integers(0, num_classes - 1)
    if draw(st.booleans()):
        return draw(hnp.arrays(dt, shape, elements=labels))
    # Regions: a coarse grid of labels blown up to the frame, like segmentation masks.
    gh, gw = draw(st.integers(1, min(shape[0], 6))), draw(st.integers(1, min(shape[1], 6)))
    grid = draw(hnp.arrays(dt, (gh, gw), elements=labels))
    rows = np.arange(shape[0]) * gh // shape[0]
    cols = np.arange(shape[1]) * gw // shape[1]
    return grid[rows[:, None], cols[None, :]]


def label_maps(shape=None, *, num_classes=6, dtype=np.uint8):
    """Strategy for integer label maps with classes 0 to ``num_classes - 1``.

    Draws arbitrary per-pixel labels and blocky region maps (a coarse grid of labels blown up to
    the frame, like a segmentation mask).

    Parameters
    ----------
    shape : None, tuple of int or hypothesis strategy, optional
        ``(height, width)``, at least 1x1; a strategy of such pairs; or None for any shape from
        1x1 to 64x64.
    num_classes : int, optional
        Number of classes, at least 1; 6 as in the Thermal Face Database.
    dtype : numpy integer dtype, optional
        dtype of the maps; it must hold ``num_classes - 1``.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of ndarray of shape (H, W) with the given dtype.

    Raises
    ------
    TypeError
        If `shape`, `num_classes` or `dtype` is of the wrong type.
    ValueError
        If `num_classes` < 1 or does not fit into `dtype`.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> from tiaug.testing.strategies import label_maps
    >>> @given(label_maps((8, 8), num_classes=3))
    ... def test_labels_in_range(mask):
    ...     assert mask.shape == (8, 8) and mask.dtype == np.uint8
    ...     assert mask.max() < 3
    >>> test_labels_in_range()
    """
    dt = _label_args(num_classes, dtype)
    return _shapes(shape, 1).flatmap(lambda s: _label_map(s, num_classes, dt))


def frames(shape=None, *, dtype=None, num_classes=6, min_value=-40.0, max_value=150.0):
    """Strategy for ``(image, mask)`` pairs: a temperature frame and a label map of its shape.

    Parameters
    ----------
    shape : None, tuple of int or hypothesis strategy, optional
        As for :func:`temperatures`.
    dtype : None, numpy.float32 or numpy.float64, optional
        dtype of the image; None draws both. The mask is uint8.
    num_classes : int, optional
        Number of classes in the mask.
    min_value, max_value : float, optional
        Bounds of the temperatures in °C.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of tuples ``(image, mask)`` with ``image.shape == mask.shape``.

    Raises
    ------
    TypeError, ValueError
        As :func:`temperatures` and :func:`label_maps`.

    Examples
    --------
    >>> from hypothesis import given
    >>> from tiaug.testing.strategies import frames
    >>> @given(frames(num_classes=6))
    ... def test_pairs_match(frame):
    ...     image, mask = frame
    ...     assert image.shape == mask.shape
    >>> test_pairs_match()
    """
    dtypes, lo, hi = _temperature_args(dtype, min_value, max_value)
    label_dt = _label_args(num_classes, np.uint8)
    # One drawn shape shared by image and mask.
    return st.tuples(_shapes(shape, 2), dtypes).flatmap(
        lambda sd: st.tuples(_temperature_frame(*sd, lo, hi),
                             _label_map(sd[0], num_classes, label_dt))
    )


def faces(shape=None, *, dtype=None):
    """Strategy for synthetic thermal faces ``(image, labels)`` from ``make_face``.

    Draws the subject, the frame seed and (unless given) the shape, so shrinking reports a
    reproducible ``make_face(shape, subject=..., rng=...)`` call.

    Parameters
    ----------
    shape : None, tuple of int or hypothesis strategy, optional
        ``(height, width)``, at least 32x32; a strategy of such pairs; or None for 32x32 to 96x96.
    dtype : None, numpy.float32 or numpy.float64, optional
        dtype of the image (the generator renders float32); None draws both.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Of tuples ``(image, labels)``: °C frame and uint8 labels (0 background .. 5 nose).

    Raises
    ------
    TypeError, ValueError
        If `shape` or `dtype` is invalid.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from tiaug.testing.strategies import faces
    >>> @settings(max_examples=5)
    ... @given(faces((64, 80)))
    ... def test_face_is_warmer_than_room(face):
    ...     image, labels = face
    ...     assert image[labels > 0].mean() > image[labels == 0].mean()
    >>> test_face_is_warmer_than_room()
    """
    from ..datasets import make_face

    if shape is None:
        shapes = st.tuples(st.integers(32, 96), st.integers(32, 96))
    else:
        shapes = _shapes(shape, 32)
    dtypes = _float_dtypes(dtype)

    @st.composite
    def draw_face(draw):
        size, dt = draw(shapes), draw(dtypes)
        subject = draw(st.integers(0, 1000))
        seed = draw(st.integers(0, 2**32 - 1))
        image, labels = make_face(size, subject=subject, rng=seed)
        return image.astype(dt, copy=False), labels

    return draw_face()

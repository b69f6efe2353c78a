"""Geometric transforms: flips, rotation, scaling and general affine warps of °C frames.

Every geometric transform is an affine map of pixel coordinates ``(row, col)``. Temperatures are
resampled bilinearly and clamped to the four neighbours used, so no output pixel is hotter or
colder than the input (or the fill); labels and the occlusion map are resampled by nearest
neighbour, so no new class values appear. Integer source coordinates reproduce the input exactly:
flips, rotations by multiples of 90° and the identity are lossless.

Out-of-frame pixels: an output pixel is *inside* when its source point lies in the input's
pixel area ``[-0.5, H - 0.5) x [-0.5, W - 0.5)``. Outside it, the label is ``mask_fill`` (pass
your ``ignore_index`` to mark it unknown, or the background class), the occlusion flag is False
and the temperature is either the nearest border temperature (``fill="edge"``) or ``fill`` °C
(a temperature in [-273.15, 10000] °C, like every temperature tiaug accepts).

The functional ops (:func:`hflip`, :func:`vflip`, :func:`rotate`, :func:`scale`,
:func:`warp_affine`) follow the one rule of :mod:`tiaug.functional`: frame and parameters
positional, ``mask=`` / ``occluded=`` and options keyword-only, a dict ``{"image", "mask",
"occluded"}`` back.
"""

import math
import numbers

import numpy as np

from ._base import Transform, drawn_value, result
from ._validation import (
    MAX_SIDE,
    check_image,
    check_mask,
    check_number,
    check_occluded,
    check_range,
    check_temperature,
    fitting_label,
)

__all__ = [
    "GeometricTransform",
    "HorizontalFlip",
    "VerticalFlip",
    "Rotate",
    "RandomScale",
    "hflip",
    "vflip",
    "rotate",
    "scale",
    "warp_affine",
    "warp",
]

# Pixel-exact (cos, sin) of 0, 90, 180 and 270 degrees.
_QUARTER_TURNS = ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))
# Scale factors beyond these take any frame to less than a pixel or one pixel beyond any frame.
MIN_FACTOR, MAX_FACTOR = 1e-4, 1e4
# The ranges RandomScale draws from: factor and aspect together stay within the factors above.
_MIN_SCALE, _MAX_SCALE = 1e-2, 1e2
# Bound of the inverse map's entries: the kernel's source coordinates (entries times pixel
# indices below 2**31, summed) then stay finite, so no NaN reaches its integer offsets.
_MAX_INVERSE = 1e290


def _inverse(matrix):
    """Top two rows of the inverse of the affine `matrix`, as Python floats.

    Raises ValueError when the map is singular or so extreme that the source coordinates would
    overflow: the warp kernel must never see a non-finite coordinate.
    """
    (a, b, ty), (c, d, tx) = ([float(v) for v in row[:3]] for row in matrix[:2])
    det = a * d - b * c
    if det != 0.0 and math.isfinite(det):
        # Analytic inverse: exact for the integer matrices of flips and quarter turns.
        i00, i01, i10, i11 = d / det, -b / det, -c / det, a / det
        inverse = ((i00, i01, -(i00 * ty + i01 * tx)), (i10, i11, -(i10 * ty + i11 * tx)))
        if all(math.isfinite(v) and abs(v) <= _MAX_INVERSE for row in inverse for v in row):
            return inverse
    raise ValueError(
        f"the affine map [[{a:g}, {b:g}, {ty:g}], [{c:g}, {d:g}, {tx:g}]] (determinant "
        f"{det:g}) is singular or too extreme to resample; use scale factors within "
        f"[{MIN_FACTOR:g}, {MAX_FACTOR:g}] and finite angles"
    )


# 1x1 stand-ins for absent labels / occlusion map: one compiled kernel serves both cases.
_DUMMY_MASK = np.zeros((1, 1), np.uint8)
_DUMMY_OCCLUDED = np.zeros((1, 1), bool)


def warp(image, mask, occluded, matrix, out_shape, fill, mask_fill):
    """Resample `image`, `mask` and `occluded` through the affine `matrix` (no argument checks).

    Parameters
    ----------
    image : (H, W) float32 or float64 ndarray
        Temperatures in °C.
    mask : (H, W) integer ndarray or None
        Labels, resampled by nearest neighbour; None for no labels.
    occluded : (H, W) bool ndarray or None
        Occlusion map, resampled by nearest neighbour; None when nothing is occluded.
    matrix : (3, 3) float64 ndarray
        Invertible affine map from input ``(row, col, 1)`` to output coordinates.
    out_shape : tuple of int
        Output ``(H, W)``.
    fill : "edge" or float
        Temperature where the source point lies outside the input's pixel area
        ``[-0.5, H - 0.5) x [-0.5, W - 0.5)``: the nearest border temperature or `fill` °C.
    mask_fill : int
        Label there (the occlusion flag there is False).

    Returns
    -------
    image, mask, occluded : ndarray
        New arrays (``mask`` / ``occluded`` are None when given as None).

    Raises
    ------
    ValueError
        If `mask_fill` does not fit the dtype of `mask`.

    Notes
    -----
    This is the single resampling step behind every geometric transform; ``Compose`` calls it
    once with the product of consecutive transforms' matrices.
    """
    from ._kernels.geometry import warp_affine as kernel

    (i00, i01, i02), (i10, i11, i12) = _inverse(matrix)
    if image.size >= 2**31:
        raise ValueError(f"image must have fewer than 2**31 pixels, got shape {image.shape}")
    out_shape = (int(out_shape[0]), int(out_shape[1]))
    out_image = np.empty(out_shape, image.dtype)
    if mask is None:
        mask_in, out_mask, label_fill = _DUMMY_MASK, _DUMMY_MASK, _DUMMY_MASK[0, 0]
    else:
        label_fill = fitting_label(mask_fill, mask.dtype, "mask_fill")
        mask_in, out_mask = np.ascontiguousarray(mask), np.empty(out_shape, mask.dtype)
    if occluded is None:
        occluded_in, out_occluded = _DUMMY_OCCLUDED, _DUMMY_OCCLUDED
    else:
        occluded_in, out_occluded = np.ascontiguousarray(occluded), np.empty(out_shape, bool)
    edge = isinstance(fill, str)
    kernel(np.ascontiguousarray(image), mask_in, occluded_in, out_image, out_mask, out_occluded,
           i00, i01, i02, i10, i11, i12,
           edge, 0.0 if edge else float(fill), label_fill, mask is not None, occluded is not None)
    return (out_image,
            None if mask is None else out_mask,
            None if occluded is None else out_occluded)



def _check_fill(fill):
    if isinstance(fill, str):
        if fill != "edge":
            raise ValueError(f"fill must be 'edge' or a finite temperature in °C, got {fill!r}")
        return fill
    if isinstance(fill, bool) or not isinstance(fill, numbers.Real):
        raise TypeError(
            f"fill must be 'edge' or a finite temperature in °C, got {type(fill).__name__}"
        )
    return check_temperature(fill, "fill")


def _check_mask_fill(mask_fill):
    if isinstance(mask_fill, bool) or not isinstance(mask_fill, numbers.Integral):
        raise TypeError(
            "mask_fill must be an int label (e.g. 0 for background or your ignore_index), "
            f"got {type(mask_fill).__name__}"
        )
    return int(mask_fill)


def _check_size(size, name):
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in size)):
        raise TypeError(f"{name} must be None or an (H, W) pair of ints, got {size!r}")
    if not (2 <= size[0] <= MAX_SIDE and 2 <= size[1] <= MAX_SIDE):
        raise ValueError(
            f"{name} must be at least (2, 2) and at most ({MAX_SIDE}, {MAX_SIDE}), "
            f"got {tuple(size)}"
        )
    return (int(size[0]), int(size[1]))


def _check_factor(factor, name="factor"):
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise TypeError(f"{name} must be a number or a (row, col) pair, got {factor!r}")
        return (check_number(factor[0], f"{name}[0]", low=MIN_FACTOR, high=MAX_FACTOR),
                check_number(factor[1], f"{name}[1]", low=MIN_FACTOR, high=MAX_FACTOR))
    factor = check_number(factor, name, low=MIN_FACTOR, high=MAX_FACTOR)
    return (factor, factor)


def _rotation_matrix(angle, shape):
    # Positive angles turn the picture counter-clockwise (rows point down), as np.rot90 does.
    if angle % 90.0 == 0.0:
        cos, sin = _QUARTER_TURNS[int(angle // 90.0) % 4]
    else:
        rad = math.radians(angle)
        cos, sin = math.cos(rad), math.sin(rad)
    cy, cx = (shape[0] - 1) / 2.0, (shape[1] - 1) / 2.0
    return np.array([
        [cos, -sin, cy - cos * cy + sin * cx],
        [sin, cos, cx - sin * cy - cos * cx],
        [0.0, 0.0, 1.0],
    ])


def _scale_matrix(factors, shape, out_shape):
    # Maps pixel areas: the input's centre goes to the output's centre, and the input frame
    # [-0.5, H - 0.5) becomes a centred band sy * H rows high.
    sy, sx = factors
    return np.array([
        [sy, 0.0, (out_shape[0] - 1) / 2.0 - sy * (shape[0] - 1) / 2.0],
        [0.0, sx, (out_shape[1] - 1) / 2.0 - sx * (shape[1] - 1) / 2.0],
        [0.0, 0.0, 1.0],
    ])


def _flip_matrix(axis, shape):
    matrix = np.eye(3)
    matrix[axis, axis] = -1.0
    matrix[axis, 2] = shape[axis] - 1.0
    return matrix


class GeometricTransform(Transform):
    """Base class of transforms that are an affine map of pixel coordinates.

    Subclasses implement two public hooks, both of which see only the frame's *shape*:

    - :meth:`sample_geometry` ``(shape, rng) -> params``: draw the parameters;
    - :meth:`affine` ``(params, shape) -> (A, out_shape)``: the matrix they stand for.

    A call ``t(image=..., mask=...)`` samples through :meth:`sample_geometry` with
    ``image.shape`` and resamples once through :meth:`affine`; :class:`tiaug.Compose` calls the
    same two hooks with the running shape of a chain and multiplies the matrices of consecutive
    geometric transforms to resample the whole chain once. Both paths draw the same parameters
    from the same generator state, so a transform behaves the same inside ``Compose`` as alone.

    Parameters
    ----------
    fill : "edge" or float, optional
        Temperature of pixels whose source lies outside the frame: the nearest border
        temperature (``"edge"``) or a temperature in °C.
    mask_fill : int, optional
        Label of pixels whose source lies outside the frame, e.g. 0 (background) or your
        ``ignore_index`` to mark them unknown. It must fit the mask's dtype.
    p : float, optional
        Probability of applying the transform.

    Notes
    -----
    A geometric transform whose parameters depend on the frame's *content* (say, a shift that
    centres a labelled face) overrides :meth:`sample` ``(image, mask, rng)`` instead of
    :meth:`sample_geometry`. ``Compose`` then does not fuse it: it calls it like any other
    transform, with the current frame and labels, so it again behaves as it does alone (at the
    cost of one resampling of its own).

    Examples
    --------
    A shape-only transform: a random shift of up to 10 % of each side.

    >>> import numpy as np
    >>> from tiaug import Compose, Rotate
    >>> from tiaug.geometry import GeometricTransform
    >>> class RandomShift(GeometricTransform):
    ...     def sample_geometry(self, shape, rng):
    ...         return {"shift": [float(rng.uniform(-0.1, 0.1) * n) for n in shape]}
    ...     def affine(self, params, shape):
    ...         matrix = np.eye(3)
    ...         matrix[:2, 2] = params["shift"]
    ...         return matrix, tuple(shape)
    >>> temps = np.linspace(20.0, 36.0, 48 * 64).reshape(48, 64)
    >>> alone = RandomShift()(image=temps, rng=0)["params"]
    >>> inside = Compose([RandomShift(), Rotate()])(image=temps, rng=0)["params"]
    >>> alone == inside["transforms"][0]
    True
    """

    def __init__(self, fill="edge", mask_fill=0, p=1.0):
        super().__init__(p)
        self.fill = _check_fill(fill)
        self.mask_fill = _check_mask_fill(mask_fill)

    def sample_geometry(self, shape, rng):
        """Draw this transform's parameters for a frame of `shape` ``(H, W)`` as a dict.

        The shape-only sampling hook that subclasses implement; it must not depend on anything
        but `shape`, the transform's attributes and `rng`.
        """
        raise NotImplementedError

    def sample(self, image, mask, rng):
        """Draw the parameters through :meth:`sample_geometry` with ``image.shape``."""
        return self.sample_geometry(image.shape, rng)

    def affine(self, params, shape):
        """Return ``(A, out_shape)`` for drawn `params` and an input of `shape` ``(H, W)``.

        ``A`` is a float64 (3, 3) matrix mapping input ``(row, col, 1)`` to output
        coordinates; it depends only on `params`, `shape` and the transform's attributes.
        """
        raise NotImplementedError

    def apply(self, params, image, mask, occluded):
        """Resample `image`, `mask` and `occluded` once through :meth:`affine`."""
        matrix, out_shape = self.affine(params, image.shape)
        return warp(image, mask, occluded, matrix, out_shape, self.fill, self.mask_fill)

    def skip_affine(self, shape):
        """Return ``(A, out_shape)`` that the transform applies to a frame of `shape` when its
        coin skips it, or None (nothing: the default).

        A transform with a fixed output size still crops or pads to it (:class:`RandomScale` with
        ``size``); :class:`tiaug.Compose` multiplies it into a fused run like :meth:`affine`.
        """
        return None

    def skip(self, image, mask, occluded):
        # A mask that cannot hold mask_fill is refused on every call, not only on the frames
        # whose geometry runs (as the occluders do with ignore_index).
        if mask is not None:
            fitting_label(self.mask_fill, mask.dtype, "mask_fill")
        skip = self.skip_affine(image.shape)
        if skip is None:
            return image, mask, occluded
        return warp(image, mask, occluded, *skip, self.fill, self.mask_fill)


class _Flip(GeometricTransform):
    _axis = None

    def __init__(self, p=1.0):
        super().__init__(p=p)

    def sample_geometry(self, shape, rng):
        return {}

    def affine(self, params, shape):
        return _flip_matrix(self._axis, shape), tuple(shape)

    def apply(self, params, image, mask, occluded):
        # Same result as warp() through affine(), at the cost of a copy.
        return tuple(None if a is None else _mirrored(a, self._axis)
                     for a in (image, mask, occluded))

    def _repr_args(self):
        return {"p": self.p}


class HorizontalFlip(_Flip):
    """Mirror the frame left to right (exact).

    Parameters
    ----------
    p : float, optional
        Probability of applying the flip.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import HorizontalFlip
    >>> temps = np.array([[30.0, 31.0], [32.0, 33.0]])
    >>> HorizontalFlip()(image=temps)["image"]
    array([[31., 30.],
           [33., 32.]])
    """

    _axis = 1


class VerticalFlip(_Flip):
    """Mirror the frame top to bottom (exact).

    Parameters
    ----------
    p : float, optional
        Probability of applying the flip.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import VerticalFlip
    >>> temps = np.array([[30.0, 31.0], [32.0, 33.0]])
    >>> VerticalFlip()(image=temps)["image"]
    array([[32., 33.],
           [30., 31.]])
    """

    _axis = 0


class Rotate(GeometricTransform):
    """Rotate the frame about its centre by an angle drawn uniformly from `angle`.

    Parameters
    ----------
    angle : float or (float, float), optional
        Range of angles in degrees; positive turns the picture counter-clockwise, as
        ``np.rot90`` and ``skimage.transform.rotate`` do. A single number is a fixed angle.
    fill : "edge" or float, optional
        Temperature of the corners that come from outside the frame: the nearest border
        temperature (``"edge"``) or a temperature in °C.
    mask_fill : int, optional
        Label of those corners: 0 (background) or your ``ignore_index``.
    p : float, optional
        Probability of applying the rotation.

    Notes
    -----
    The output keeps the input's shape and rotates about ``((H - 1) / 2, (W - 1) / 2)``.
    Multiples of 90° are exact. ``params`` holds ``{"angle": float}``.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import Rotate
    >>> temps = np.arange(9.0).reshape(3, 3) + 30.0
    >>> out = Rotate(angle=90.0)(image=temps, rng=0)
    >>> np.array_equal(out["image"], np.rot90(temps))
    True
    >>> out["params"]
    {'applied': True, 'angle': 90.0}
    """

    def __init__(self, angle=(-30.0, 30.0), fill="edge", mask_fill=0, p=1.0):
        super().__init__(fill, mask_fill, p)
        self.angle = check_range(angle, "angle")

    def sample_geometry(self, shape, rng):
        return {"angle": float(rng.uniform(*self.angle))}

    def _check_drawn(self, params):
        return {**params, "angle": check_number(drawn_value(params, "angle"), "params['angle']")}

    def affine(self, params, shape):
        return _rotation_matrix(params["angle"], shape), tuple(shape)


class RandomScale(GeometricTransform):
    """Resize by a random factor, then centre-crop or pad back to a fixed size, in one resampling.

    Parameters
    ----------
    scale : float or (float, float), optional
        Range of the overall factor ``s``, drawn uniformly; within [0.01, 100].
    aspect : float or (float, float), optional
        Range of the aspect jitter ``a``, within [0.01, 100], drawn uniformly: rows are scaled by
        ``s * sqrt(a)`` and columns by ``s / sqrt(a)``, so ``a`` is their ratio and ``s``
        their geometric mean.
    size : (int, int) or None, optional
        Output ``(H, W)``; None keeps the input's shape. Every output has this size, also when
        the transform is skipped (``p < 1``): the frame is then centre-cropped or padded at
        scale 1.
    fill : "edge" or float, optional
        Temperature of the padding when the frame shrinks: the nearest border temperature
        (``"edge"``) or a temperature in °C. Padding happens on temperatures, before any
        normalisation.
    mask_fill : int, optional
        Label of the padding: 0 (background) or your ``ignore_index``.
    p : float, optional
        Probability of applying the transform.

    Notes
    -----
    The input's centre maps to the output's centre. Shrinking is bilinear without
    anti-aliasing. ``params`` holds ``{"scale": (row_factor, col_factor)}``.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import RandomScale
    >>> temps = np.full((64, 80), 30.0, np.float32)
    >>> out = RandomScale(scale=(0.5, 2.0), size=(32, 40))(image=temps, rng=0)
    >>> out["image"].shape, out["image"].dtype
    ((32, 40), dtype('float32'))
    """

    def __init__(self, scale=(0.5, 2.0), aspect=(0.9, 1.1), size=None, fill="edge",
                 mask_fill=0, p=1.0):
        super().__init__(fill, mask_fill, p)
        self.scale = check_range(scale, "scale", low=_MIN_SCALE, high=_MAX_SCALE)
        self.aspect = check_range(aspect, "aspect", low=_MIN_SCALE, high=_MAX_SCALE)
        self.size = None if size is None else _check_size(size, "size")

    def sample_geometry(self, shape, rng):
        s = rng.uniform(*self.scale)
        root = math.sqrt(rng.uniform(*self.aspect))
        return {"scale": (float(s * root), float(s / root))}

    def _check_drawn(self, params):
        return {**params, "scale": _check_factor(drawn_value(params, "scale"), "params['scale']")}

    def affine(self, params, shape):
        out_shape = tuple(shape) if self.size is None else self.size
        return _scale_matrix(params["scale"], shape, out_shape), out_shape

    def skip_affine(self, shape):
        # A skipped resize still crops or pads to `size`, so that every output can be batched.
        if self.size is None or tuple(shape) == self.size:
            return None
        return self.affine({"scale": (1.0, 1.0)}, shape)


def hflip(image, *, mask=None, occluded=None):
    """Mirror a frame (and its labels and occlusion map) left to right, exactly.

    Parameters
    ----------
    image : (H, W) float32 or float64 ndarray
        Temperatures in °C.
    mask : (H, W) integer ndarray, optional
        Labels.
    occluded : (H, W) bool ndarray, optional
        Pixels occluded so far.

    Returns
    -------
    dict
        ``"image"`` (dtype of `image`), ``"mask"`` (only when `mask` is given) and
        ``"occluded"`` (bool, all False when `occluded` is not given), all new arrays; see
        :mod:`tiaug.functional`.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import hflip
    >>> hflip(np.array([[30.0, 31.0], [32.0, 33.0]]))["image"]
    array([[31., 30.],
           [33., 32.]])
    """
    return _flip(HorizontalFlip, image, mask, occluded)


def vflip(image, *, mask=None, occluded=None):
    """Mirror a frame (and its labels and occlusion map) top to bottom, exactly.

    Parameters
    ----------
    image : (H, W) float32 or float64 ndarray
        Temperatures in °C.
    mask : (H, W) integer ndarray, optional
        Labels.
    occluded : (H, W) bool ndarray, optional
        Pixels occluded so far.

    Returns
    -------
    dict
        ``"image"`` (dtype of `image`), ``"mask"`` (only when `mask` is given) and
        ``"occluded"`` (bool, all False when `occluded` is not given), all new arrays; see
        :mod:`tiaug.functional`.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import vflip
    >>> vflip(np.array([[30.0, 31.0], [32.0, 33.0]]))["image"]
    array([[32., 33.],
           [30., 31.]])
    """
    return _flip(VerticalFlip, image, mask, occluded)


def _mirrored(a, axis):
    """A mirrored copy of `a` along `axis`."""
    if axis == 0:
        return a[::-1].copy()  # whole rows: numpy copies them as fast as a plain copy
    from ._kernels.geometry import reverse_columns

    return reverse_columns(a, np.empty_like(a))


def _flip(kind, image, mask, occluded):
    image = check_image(image)
    mask = check_mask(mask, image.shape)
    occluded = check_occluded(occluded, image.shape)
    return result(*kind().apply({}, image, mask, occluded), image, mask, occluded)


def rotate(image, angle, *, mask=None, occluded=None, fill="edge", mask_fill=0):
    """Rotate a frame (and its labels and occlusion map) counter-clockwise about its centre.

    Parameters
    ----------
    image : (H, W) float32 or float64 ndarray
        Temperatures in °C.
    angle : float
        Degrees; positive is counter-clockwise, as in ``np.rot90`` and
        ``skimage.transform.rotate``. Multiples of 90° are exact.
    mask : (H, W) integer ndarray, optional
        Labels, rotated by nearest neighbour.
    occluded : (H, W) bool ndarray, optional
        Pixels occluded so far, rotated by nearest neighbour (corners from outside the frame
        are not occluded).
    fill : "edge" or float, optional
        Temperature of the corners from outside the frame: the nearest border temperature or
        a temperature in °C.
    mask_fill : int, optional
        Label of those corners; must fit the mask's dtype.

    Returns
    -------
    dict
        ``"image"`` (dtype of `image`), ``"mask"`` (only when `mask` is given) and
        ``"occluded"`` (bool, all False when `occluded` is not given), all new arrays; see
        :mod:`tiaug.functional`.
        Same shape as `image`. Temperatures are bilinear and never leave the range of the
        input and `fill`.

    Raises
    ------
    TypeError
        If `image`, `mask`, `occluded`, `angle`, `fill` or `mask_fill` has the wrong type.
    ValueError
        If a value is out of range (non-finite angle, unknown fill, `mask_fill` not fitting
        the mask's dtype, ...).

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import rotate
    >>> temps = np.array([[30.0, 31.0], [32.0, 33.0]])
    >>> rotate(temps, 90.0)["image"]
    array([[31., 33.],
           [30., 32.]])
    >>> labels = np.array([[0, 1], [2, 3]], np.uint8)
    >>> rotate(temps, 180.0, mask=labels)["mask"]
    array([[3, 2],
           [1, 0]], dtype=uint8)
    """
    image = check_image(image)
    angle = check_number(angle, "angle")
    return _checked_warp(image, mask, occluded, _rotation_matrix(angle, image.shape),
                         image.shape, fill, mask_fill)


def scale(image, factor, *, size=None, mask=None, occluded=None, fill="edge", mask_fill=0):
    """Resize a frame (and its labels) about its centre, then centre-crop or pad to `size`.

    Parameters
    ----------
    image : (H, W) float32 or float64 ndarray
        Temperatures in °C.
    factor : float or (float, float)
        Scale factor in [1e-4, 1e4], or separate ``(row, col)`` factors.
    size : (int, int), optional
        Output ``(H, W)``; default: the input's shape.
    mask : (H, W) integer ndarray, optional
        Labels, resampled by nearest neighbour.
    occluded : (H, W) bool ndarray, optional
        Pixels occluded so far, resampled by nearest neighbour (padding is not occluded).
    fill : "edge" or float, optional
        Temperature of the padding: the nearest border temperature or a temperature in °C.
    mask_fill : int, optional
        Label of the padding; must fit the mask's dtype.

    Returns
    -------
    dict
        ``"image"`` (dtype of `image`), ``"mask"`` (only when `mask` is given) and
        ``"occluded"`` (bool, all False when `occluded` is not given), all new arrays; see
        :mod:`tiaug.functional`.
        Shape `size`.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a factor is outside [1e-4, 1e4], `size` is smaller than (2, 2), or another value is
        out of range.

    Notes
    -----
    Pixel areas are mapped: the input frame becomes a centred band of ``factor * H`` rows and
    ``factor * W`` columns. Shrinking is bilinear without anti-aliasing.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import scale
    >>> temps = np.array([[30.0, 32.0], [34.0, 36.0]])
    >>> scale(temps, 2.0, size=(4, 4))["image"]
    array([[30. , 30.5, 31.5, 32. ],
           [31. , 31.5, 32.5, 33. ],
           [33. , 33.5, 34.5, 35. ],
           [34. , 34.5, 35.5, 36. ]])
    """
    image = check_image(image)
    factors = _check_factor(factor)
    size = image.shape if size is None else _check_size(size, "size")
    return _checked_warp(image, mask, occluded, _scale_matrix(factors, image.shape, size), size,
                         fill, mask_fill)


def warp_affine(image, matrix, *, output_shape=None, mask=None, occluded=None, fill="edge",
                mask_fill=0):
    """Resample a frame (and its labels) through an affine map of pixel coordinates.

    Parameters
    ----------
    image : (H, W) float32 or float64 ndarray
        Temperatures in °C.
    matrix : (3, 3) or (2, 3) array_like
        Invertible affine map from input ``(row, col, 1)`` to output ``(row, col)``
        coordinates (the forward map, in row/col order, unlike ``skimage.transform.warp``,
        which takes the inverse map in x/y order).
    output_shape : (int, int), optional
        Output ``(H, W)``; default: the input's shape.
    mask : (H, W) integer ndarray, optional
        Labels, resampled by nearest neighbour.
    occluded : (H, W) bool ndarray, optional
        Pixels occluded so far, resampled by nearest neighbour (False outside the frame).
    fill : "edge" or float, optional
        Temperature where the source lies outside the input's pixel area
        ``[-0.5, H - 0.5) x [-0.5, W - 0.5)``: the nearest border temperature (``"edge"``)
        or a temperature in °C.
    mask_fill : int, optional
        Label there, e.g. 0 (background) or your ``ignore_index``; must fit the mask's dtype.

    Returns
    -------
    dict
        ``"image"`` (dtype of `image`), ``"mask"`` (only when `mask` is given) and
        ``"occluded"`` (bool, all False when `occluded` is not given), all new arrays; see
        :mod:`tiaug.functional`.
        Shape `output_shape`.

    Raises
    ------
    TypeError
        If an argument has the wrong type (a complex `matrix` included).
    ValueError
        If `matrix` is not an invertible finite affine matrix, `output_shape` is smaller than
        (2, 2), or another value is out of range.

    Notes
    -----
    Temperatures are bilinear, clamped to the four neighbours used, so they never leave the
    range of the input and `fill`; integer source coordinates give the input's values exactly.
    Labels are nearest neighbour (ties round up).

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import warp_affine
    >>> temps = np.array([[30.0, 31.0, 32.0], [33.0, 34.0, 35.0]])
    >>> shift_right = [[1, 0, 0], [0, 1, 1]]
    >>> warp_affine(temps, shift_right, fill=20.0)["image"]
    array([[20., 30., 31.],
           [20., 33., 34.]])
    """
    image = check_image(image)
    matrix = _check_matrix(matrix)
    if output_shape is None:
        output_shape = image.shape
    else:
        output_shape = _check_size(output_shape, "output_shape")
    return _checked_warp(image, mask, occluded, matrix, output_shape, fill, mask_fill)


def _checked_warp(image, mask, occluded, matrix, out_shape, fill, mask_fill):
    # `image`, `matrix` and `out_shape` are already checked by the caller.
    mask = check_mask(mask, image.shape)
    occluded = check_occluded(occluded, image.shape)
    fill = _check_fill(fill)
    mask_fill = _check_mask_fill(mask_fill)
    return result(*warp(image, mask, occluded, matrix, out_shape, fill, mask_fill), image, mask,
                  occluded)


def _check_matrix(matrix):
    try:
        # A cast to float64 would drop an imaginary part with only a ComplexWarning.
        complex_matrix = np.iscomplexobj(matrix)
        if not complex_matrix:
            matrix = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"matrix must be a (3, 3) or (2, 3) array of numbers, got {type(matrix).__name__}"
        ) from None
    if complex_matrix:
        raise TypeError(
            "matrix must be a (3, 3) or (2, 3) array of real numbers, got "
            f"{np.asarray(matrix).dtype}"
        )
    if matrix.shape not in ((2, 3), (3, 3)):
        raise ValueError(f"matrix must have shape (3, 3) or (2, 3), got {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("matrix contains NaN or inf")
    if matrix.shape == (3, 3) and not np.array_equal(matrix[2], [0.0, 0.0, 1.0]):
        raise ValueError(f"matrix must be affine (last row [0, 0, 1]), got {matrix[2]}")
    (a, b), (c, d) = matrix[:2, :2].tolist()  # Python floats: overflow gives inf, no warning
    det = a * d - b * c
    if abs(det) < 1e-12:
        raise ValueError(f"matrix must be invertible, got determinant {det:g}")
    try:
        _inverse(matrix)
    except ValueError:
        (a, b, ty), (c, d, tx) = matrix[:2].tolist()
        raise ValueError(
            "matrix must be an invertible affine map whose inverse has finite entries within "
            f"±{_MAX_INVERSE:g}, got [[{a:g}, {b:g}, {ty:g}], [{c:g}, {d:g}, {tx:g}]] "
            f"(determinant {det:g}): singular or too extreme to resample"
        ) from None
    return np.vstack([matrix[:2], [0.0, 0.0, 1.0]])

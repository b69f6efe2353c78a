"""The scene of a thermal frame: its ambient and skin temperatures, and where the face and its
eyes are. Occluders are placed and heated relative to it, :func:`tiaug.normalize.scene_range`
windows by it, and :class:`tiaug.ThermalAmbience` and :class:`tiaug.ThermalCamera` read the room
from it."""

import math
from typing import NamedTuple

import numpy as np

from ._validation import check_ignore_index, check_image, check_mask, check_temperature

__all__ = ["scene_temperatures"]

# Percentiles are taken on every k-th row and column so that at most this many pixels are read.
_SAMPLE = 1 << 12
_LABEL_SAMPLE = 1 << 14
# No skin is hotter than this (°C); hotter pixels (drinks, lamps) never count as skin.
SKIN_MAX = 42.0
_AMBIENT_PCT = 25.0
_SKIN_PCT = 85.0

# Face proportions in units of the face height (hairline to chin), y up from the face centre:
# interpupillary distance ~0.33 (63 mm of a ~190 mm face), eyes 0.05 above the centre.
EYE_DISTANCE = 0.33
EYE_HEIGHT = 0.05
# Width of the warm region at its widest (cheekbones and ears), and how far those rows are above
# the face's centre, in face heights.
_WIDTH = 0.76
_WIDE_ROWS_ABOVE = 0.035


def scene_temperatures(image, mask=None, ignore_index=None):
    """Robust estimates of a thermal frame's ambient and skin temperatures in °C.

    Parameters
    ----------
    image : ndarray of float32 or float64, shape (H, W)
        Temperatures in °C.
    mask : ndarray of int, shape (H, W), optional
        Class labels, 0 = background, any other label a face part. When it labels any face
        pixels, skin is their median and ambient the 25th percentile of the background pixels.
    ignore_index : int, optional
        Label of pixels that are neither (e.g. 255 under occluders or outside a rotated frame);
        they are left out of both estimates.

    Returns
    -------
    ambient : float
        Without labels the 25th percentile of the frame: the wall behind a face crop fills most
        of it.
    skin : float
        Without labels the 85th percentile of the pixels at or below 42 °C (no skin is hotter, so
        a hot drink or lamp cannot pull it up); ``ambient`` if no pixel is that cool.

    Raises
    ------
    TypeError
        If `image` is not a float array, `mask` not an integer array or `ignore_index` not an
        int.
    ValueError
        If `image` is not a finite 2-D frame or `mask` has another shape.

    Notes
    -----
    Percentiles, not the minimum and maximum: a cold window or a hot cup moves the extremes of a
    frame by tens of °C but these estimates hardly at all. Frames with more than 4096 pixels are
    read on a regular grid (every k-th row and column), which moves the percentiles by much less
    than the spread of skin temperatures across a face. The two values may coincide (a uniform
    frame); :class:`tiaug.RandomOccluders` then takes skin as ambient + 4 °C.

    Examples
    --------
    >>> from tiaug.datasets import make_face
    >>> from tiaug.scene import scene_temperatures
    >>> temps, labels = make_face((128, 160), rng=0)
    >>> ambient, skin = scene_temperatures(temps, labels)
    >>> bool(18.0 <= ambient <= 27.0 and 32.0 <= skin <= 36.0)
    True
    """
    image = check_image(image)
    mask = check_mask(mask, image.shape)
    if ignore_index is not None:
        ignore_index = check_ignore_index(ignore_index)
    return _scene_temperatures(image, mask, ignore_index)


def check_scene(scene, name="scene"):
    """`scene` as a checked (ambient, skin) pair of °C."""
    if not isinstance(scene, (tuple, list)) or len(scene) != 2:
        raise TypeError(f"{name} must be an (ambient, skin) pair of °C, got {scene!r:.80}")
    return (check_temperature(scene[0], f"{name}[0]"), check_temperature(scene[1], f"{name}[1]"))


def _step(size, budget):
    """Stride of a regular grid with at most `budget` of `size` pixels."""
    return max(1, math.ceil(math.sqrt(size / budget)))


def _face_labels(mask, ignore_index):
    """Pixels labelled as a face part (neither background nor `ignore_index`)."""
    face = mask != 0
    if ignore_index is not None:
        face &= mask != ignore_index
    return face


def _scene_temperatures(image, mask, ignore_index=None):
    # One compiled pass gathers the grid's samples; the quantiles equal numpy's bit for bit.
    from ._kernels.scene import grid_samples, median, percentile

    step = _step(image.size, _SAMPLE)
    nodes = -(-image.shape[0] // step) * -(-image.shape[1] // step)
    every, face, background = np.empty((3, nodes), image.dtype)
    labels = np.zeros((0, 0), np.uint8) if mask is None else mask
    # An ignore_index the mask's dtype cannot hold labels no pixel.
    ignore = ignore_index is not None and _holds(labels.dtype, ignore_index)
    value = labels.dtype.type(ignore_index) if ignore else labels.dtype.type(0)
    n_face, n_background, n = grid_samples(image, labels, step, value, ignore, face, background,
                                           every)
    if n_face:
        skin = float(median(face, n_face))
        ambient = float(percentile(background, n_background, _AMBIENT_PCT / 100)
                        if n_background else percentile(every, n, _AMBIENT_PCT / 100))
        return ambient, skin
    cool = every[:n][every[:n] <= SKIN_MAX]
    ambient = float(percentile(every, n, _AMBIENT_PCT / 100))
    skin = float(percentile(cool, cool.size, _SKIN_PCT / 100)) if cool.size else ambient
    return ambient, skin


def _holds(dtype, value):
    """Whether the integer `dtype` can hold `value`."""
    info = np.iinfo(dtype)
    return info.min <= value <= info.max


class Face(NamedTuple):
    """Where the face is: the frame of reference of the face-bound occluder families.

    A point ``(x, y)`` in face units (x towards the face's left-to-right, y up, 1 = face height)
    is at ``centre + size * (x * right + y * up)`` in (row, col) pixels.
    """

    centre: np.ndarray
    up: np.ndarray
    right: np.ndarray
    size: float
    eyes: tuple

    def at(self, x, y):
        """Pixel (row, col) of face point ``(x, y)``."""
        return self.centre + self.size * (x * self.right + y * self.up)

    @property
    def angle(self):
        """Angle of the face's `right` axis in the shapes' convention (cos, sin) = (row, col)."""
        return float(np.arctan2(self.right[1], self.right[0]))


def _frame(centre, up, size):
    up = np.asarray(up, float) / np.hypot(*up)
    right = np.array([up[1], -up[0]])
    centre = np.asarray(centre, float)
    eyes = tuple(centre + size * (EYE_HEIGHT * up + s * 0.5 * EYE_DISTANCE * right)
                 for s in (-1.0, 1.0))
    return Face(centre, up, right, float(size), eyes)


def eye_centres(mask, eye_label):
    """Centroids of the two eyes labelled `eye_label`, or None when they cannot be told apart.

    The eye pixels are split along their principal axis (the line through both eyes), so any
    in-plane rotation of the face works; the axis is the closed form of the 2x2 second moments
    (numpy's ``cov`` and ``eigh`` would cost more than all the rest of placing a face).
    """
    rows, cols = np.nonzero(mask == eye_label)
    if rows.size < 2:
        return None
    r = rows - rows.mean()
    c = cols - cols.mean()
    theta = 0.5 * np.arctan2(2.0 * (r @ c), r @ r - c @ c)
    side = r * np.cos(theta) + c * np.sin(theta) >= 0.0
    if side.all() or not side.any():
        return None
    return (np.array([rows[~side].mean(), cols[~side].mean()]),
            np.array([rows[side].mean(), cols[side].mean()]))


def locate_face(image, mask, eye_label, ambient, skin, ignore_index=None):
    """The face in this frame, from the labels where they allow it, else from the temperatures.

    With two labelled eyes: their distance sets the size (interpupillary distance ~1/3 of the face
    height) and their line the orientation, up pointing away from the other labelled parts. With
    other labels only: upright, centred on them. Without labels: upright, on the warm pixels (within
    a quarter of the ambient-to-skin span of skin, at most 42 °C), placed and sized by the rows
    where they are widest; and when nothing is warm, the middle of the frame at 60 % of its short
    side.
    """
    height, width = image.shape
    if mask is not None:
        # Labels are read on a grid of at most 2**14 points: enough for centroids to a pixel or
        # two at any resolution.
        step = _step(mask.size, _LABEL_SAMPLE)
        grid = mask[::step, ::step]
        eyes = eye_centres(grid, eye_label)
        rows, cols = np.nonzero(_face_labels(grid, ignore_index))
        rows, cols = rows * step, cols * step
        if eyes is not None:
            e1, e2 = eyes[0] * step, eyes[1] * step
            d = float(np.hypot(*(e2 - e1)))
            mid = 0.5 * (e1 + e2)
            up = np.array([-(e2 - e1)[1], (e2 - e1)[0]]) / d
            below = np.array([rows.mean(), cols.mean()]) - mid
            if below @ up > 0.0 or (abs(below @ up) < 1e-9 and up[0] > 0.0):
                up = -up
            size = d / EYE_DISTANCE
            face = _frame(mid - size * EYE_HEIGHT * up, up, size)
            # The measured eyes, ordered along the face's right axis.
            return face._replace(eyes=(e1, e2) if (e2 - e1) @ face.right > 0.0 else (e2, e1))
        if rows.size:
            extent = float(np.ptp(rows)) + step
            return _frame((rows.mean(), cols.mean()), (-1.0, 0.0),
                          max(1.3 * extent, 0.2 * min(height, width)))
    step = _step(image.size, _SAMPLE)
    small = image[::step, ::step]
    warm = (small >= skin - 0.25 * (skin - ambient)) & (small <= SKIN_MAX)
    widths = warm.sum(axis=1)
    if skin > ambient and widths.max() >= 2:
        # The warm region is the face (with the ears) over a narrower neck: its widest rows are
        # at the cheekbones, where the face is ~0.76 of its height wide, just above the face's
        # centre (both calibrated on tiaug.datasets.make_face against the eye-based frame).
        wide = np.nonzero(widths >= 0.9 * widths.max())[0]
        size = widths.max() * step / _WIDTH
        size = min(max(size, 0.2 * min(height, width)), 1.2 * min(height, width))
        cols = np.nonzero(warm[wide])[1]
        centre = (wide.mean() * step + _WIDE_ROWS_ABOVE * size, np.median(cols) * step)
        return _frame(centre, (-1.0, 0.0), size)
    return _frame(((height - 1) / 2, (width - 1) / 2), (-1.0, 0.0), 0.6 * min(height, width))

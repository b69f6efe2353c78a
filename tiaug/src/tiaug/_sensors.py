"""A synthetic face frame as another camera records it (private; see :mod:`tiaug.datasets`).

The face model renders the scene on the camera's sensor grid, and the camera's fixed pattern,
shading, radiometric error and quantisation are added there with plain numpy; only the preset
numbers of :mod:`tiaug.camera` are read. Nothing here calls :func:`tiaug.camera.reimage` or its
kernels: the frames are test data *for* that augmentation, not made by it.
"""

import copy
import math
from typing import NamedTuple

import numpy as np

from . import _faces

# Keeps the camera's own draws independent of the lab stream they are derived from.
_SALT = 0xCA4E_5E75
_MIN_COLUMNS = 16


class Draws(NamedTuple):
    """One camera's fixed pattern and errors on a sensor grid of shape (h, w), all explicit."""

    column: np.ndarray  # (w,) offset per column, °C
    row: np.ndarray  # (h,) offset per row, °C
    pixel: np.ndarray  # (h, w) offset per pixel, °C
    gain_residual: np.ndarray  # (h, w) per-pixel gain residual, a fraction of T - ambient
    vignetting: float  # radial offset at the corners relative to the centre, °C
    offset: float  # radiometric offset error, °C
    gain: float  # radiometric gain (1: none)


def sensor_shape(shape, spec, coverage):
    """(rows, columns) of the sensor grid that sees the whole (H, W) frame."""
    H, W = shape
    # A sensor finer than the frame cannot add detail the frame grid does not hold: its own grid.
    w = min(max(round(coverage * spec.resolution[0]), _MIN_COLUMNS), W)
    return max(round(w * H / W), 1), w


def fork(rng):
    """Two generators made from `rng`'s state, which is left where it is.

    The first replays `rng`'s stream, so a render with it draws the lab frame's textures; the
    second, seeded through a salted SeedSequence, is independent of it for the camera's draws.
    """
    replay = copy.deepcopy(rng)
    words = copy.deepcopy(rng).integers(0, 2**32, size=4, dtype=np.uint64)
    return replay, np.random.default_rng([_SALT, *words.tolist()])


def draw(rng, spec, shape):
    """The camera's fixed pattern and errors on a sensor grid of `shape`, drawn from `rng`."""
    h, w = shape
    return Draws(
        column=rng.normal(0.0, spec.fpn_column, w),
        row=rng.normal(0.0, spec.fpn_row, h),
        pixel=rng.normal(0.0, spec.fpn_pixel, (h, w)),
        gain_residual=rng.normal(0.0, spec.fpn_gain, (h, w)),
        vignetting=rng.uniform(-spec.vignetting, spec.vignetting),
        offset=rng.uniform(-spec.accuracy[0], spec.accuracy[0]),
        gain=rng.uniform(1.0 - spec.accuracy[1], 1.0 + spec.accuracy[1]),
    )


def apply(image, ambient, d, step):
    """Fixed pattern, shading, radiometric error and quantisation on the sensor grid (float64).

    ``T + column + row + pixel + residual (T - ambient) + vignetting rho**2``, then ``T + offset
    + (gain - 1) (T - ambient)``, then rounded to multiples of `step` (if > 0). `rho` is a pixel
    centre's distance from the grid's centre over the half-diagonal (1 at the corner pixels).
    """
    t = np.asarray(image, dtype=np.float64)
    h, w = t.shape
    y = np.arange(h) - 0.5 * (h - 1)
    x = np.arange(w) - 0.5 * (w - 1)
    rho2 = (y[:, None] ** 2 + x**2) / max(y[0] ** 2 + x[0] ** 2, 1e-12)
    t = (t + d.column + d.row[:, None] + d.pixel + d.gain_residual * (t - ambient)
         + d.vignetting * rho2)
    t = t + d.offset + (d.gain - 1.0) * (t - ambient)
    if step > 0:
        t = np.round(t / step) * step
    return t


def record(shape, ident, fr, rng, spec, coverage, labelling):
    """The frame ``fr`` of subject ``ident`` on `spec`'s sensor grid (float64 °C).

    `rng` is the lab stream at the point where the lab frame's render would start; it is not
    advanced. The face model renders the same scene on the sensor grid (its 3x3 optics blur stands
    for the camera's optics, its noise of NOISE_STD is topped up to the camera's NETD), then the
    camera's fixed pattern and errors are applied.
    """
    grid = sensor_shape(shape, spec, coverage)
    replay, own = fork(rng)
    image = _faces.render(grid, ident, fr, replay, labelling)[0].astype(np.float64)
    image += own.normal(0.0, math.sqrt(max(spec.netd**2 - _faces.NOISE_STD**2, 0.0)), grid)
    return apply(image, fr["ambient"], draw(own, spec, grid), spec.step)


def to_frame(sensor, shape):
    """The sensor-grid frame interpolated bilinearly back to the frame's (H, W) grid, float32."""
    if sensor.shape == tuple(shape):
        return sensor.astype(np.float32)
    from scipy.ndimage import affine_transform

    # render puts pixel i at coordinate i and scales the scene with the grid, so frame pixel
    # (r, c) lies at sensor coordinates (r h / H, c w / W): no half-pixel shift, as the labels.
    # Past the last sensor pixel centre the edge value is kept (mode="nearest").
    scale = np.divide(sensor.shape, shape)
    out = affine_transform(sensor, scale, output_shape=tuple(shape), order=1, mode="nearest")
    return out.astype(np.float32)

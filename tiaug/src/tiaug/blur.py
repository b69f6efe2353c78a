"""Gaussian blur of the temperatures (labels and occluders' footprint unchanged)."""

import numpy as np

from ._base import Transform, drawn_value, result
from ._validation import check_image, check_mask, check_number, check_occluded, check_range

_TRUNCATE = 4.0  # kernel radius in sigmas, as scipy.ndimage.gaussian_filter's default
# The cost grows with the kernel's radius (4 sigma); a wider blur flattens any thermal frame.
MAX_SIGMA = 100.0


def gaussian_blur(image, sigma, *, mask=None, occluded=None):
    """Blur `image` with an isotropic Gaussian of standard deviation `sigma` pixels.

    Parameters
    ----------
    image : ndarray of float32 or float64, shape (H, W)
        Temperatures in °C.
    sigma : float
        Standard deviation in pixels, in [0, 100]. Below 0.125 the truncated kernel is a single
        tap, so the result is a copy.
    mask : ndarray of int, shape (H, W), optional
        Labels; returned unchanged (as a copy).
    occluded : ndarray of bool, shape (H, W), optional
        Pixels occluded so far; returned unchanged (as a copy).

    Returns
    -------
    dict
        ``"image"``, ``"mask"`` (only when `mask` is given) and ``"occluded"`` (bool, all False
        when `occluded` is not given), all new arrays; see :mod:`tiaug.functional`. The image
        has `image`'s dtype. Borders repeat the edge pixel (``mode="nearest"``), the kernel is
        truncated at 4 sigma; the result matches
        ``scipy.ndimage.gaussian_filter(image, sigma, mode="nearest", truncate=4.0)`` up to
        rounding, and never leaves the input's temperature range.

    Raises
    ------
    TypeError
        If `image` is not a float array, `sigma` not a real number, or `mask` / `occluded` not an
        integer / bool array.
    ValueError
        If `image` is not a finite 2-D frame, `sigma` is outside [0, 100], or `mask` /
        `occluded` does not have the image's shape.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import gaussian_blur
    >>> temps = np.full((11, 11), 30.0); temps[5, 5] = 40.0  # one hot pixel
    >>> out = gaussian_blur(temps, 1.0)["image"]
    >>> round(float(out[5, 5]), 2), round(float(out.sum() - temps.sum()), 6)
    (31.59, 0.0)
    """
    image = check_image(image)
    sigma = check_number(sigma, "sigma", low=0.0, high=MAX_SIGMA)
    mask = check_mask(mask, image.shape)
    occluded = check_occluded(occluded, image.shape)
    return result(_blur(image, sigma), mask, occluded, image, mask, occluded)


def gaussian_weights(sigma, radius):
    """Normalised taps of a Gaussian of standard deviation `sigma` at offsets -radius..radius:
    the blur's kernel and the camera PSF of the occluders."""
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    return w / w.sum()


def _blur(image, sigma):
    radius = int(_TRUNCATE * sigma + 0.5)
    # One tap is the identity; computing its weight would divide by an underflowing sigma**2.
    if radius == 0:
        return image.copy()
    from ._kernels.blur import gaussian_blur as kernel

    image = np.ascontiguousarray(image)
    lo, hi = float(image.min()), float(image.max())
    return kernel(image, gaussian_weights(sigma, radius), lo, hi, np.empty_like(image))


class GaussianBlur(Transform):
    """Blur the temperatures with a Gaussian whose sigma is drawn per frame.

    Only the image changes; the label map and ``occluded`` pass through untouched (a blurred frame
    keeps its pixel-exact labels, as a slightly defocused camera would).

    Parameters
    ----------
    sigma : float or (float, float), optional
        Range of the standard deviation in pixels, within [0, 100], drawn uniformly; the paper
        uses 1.0–1.2.
    p : float, optional
        Probability of applying the transform.

    Raises
    ------
    TypeError
        If `sigma` is not a number or a pair, or `p` not a real number.
    ValueError
        If an end of `sigma` is outside [0, 100], ``low > high``, or `p` is outside [0, 1].

    See Also
    --------
    tiaug.functional.gaussian_blur : the operation with an explicit sigma.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import GaussianBlur
    >>> temps = np.random.default_rng(0).uniform(20, 36, (16, 16)).astype(np.float32)
    >>> out = GaussianBlur(sigma=(1.0, 1.2))(image=temps, rng=0)
    >>> out["image"].dtype, 1.0 <= out["params"]["sigma"] <= 1.2
    (dtype('float32'), True)
    """

    def __init__(self, sigma=(1.0, 1.2), p=1.0):
        super().__init__(p)
        self.sigma = check_range(sigma, "sigma", low=0.0, high=MAX_SIGMA)

    def sample(self, image, mask, rng):
        return {"sigma": float(rng.uniform(*self.sigma))}

    def _check_drawn(self, params):
        sigma = check_number(drawn_value(params, "sigma"), "params['sigma']", low=0.0,
                             high=MAX_SIGMA)
        return {**params, "sigma": sigma}

    def apply(self, params, image, mask, occluded):
        return _blur(image, params["sigma"]), mask, occluded

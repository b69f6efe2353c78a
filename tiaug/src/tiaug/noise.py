"""Additive sensor noise bounded by the camera's NETD (after occlusion, Eq. 4)."""

import numbers

import numpy as np

from ._base import Transform, drawn_value, result
from ._validation import (
    ABSOLUTE_ZERO,
    MAX_DIFFERENCE,
    MAX_TEMPERATURE,
    check_image,
    check_mask,
    check_number,
    check_occluded,
    check_rng,
)

_SEED_HIGH = 2**63  # seeds are drawn in [0, 2**63) so they fit int64 params and uint64 kernels


def add_noise(image, amplitude, rng=None, *, mask=None, occluded=None):
    """Add zero-mean noise, uniform in ``[-amplitude, amplitude]`` per pixel.

    Parameters
    ----------
    image : ndarray of float32 or float64, shape (H, W)
        Temperatures in °C.
    amplitude : float
        Largest change of any pixel in °C, in [0, 10000].
    rng : None, int or numpy.random.Generator, optional
        Source of the one integer seed from which the whole noise field is generated.
    mask : ndarray of int, shape (H, W), optional
        Labels; returned unchanged (as a copy).
    occluded : ndarray of bool, shape (H, W), optional
        Pixels occluded so far; returned unchanged (as a copy).

    Returns
    -------
    dict
        ``"image"``, ``"mask"`` (only when `mask` is given) and ``"occluded"`` (bool, all False
        when `occluded` is not given), all new arrays; see :mod:`tiaug.functional`. The image has
        `image`'s dtype and ``abs(out - image) <= amplitude`` for every pixel, exact when
        evaluated in float64 (values that rounding to float32 pushed past the bound are moved one
        ulp toward the input).

    Raises
    ------
    TypeError
        If `image` is not a float array, `amplitude` not a real number, `rng` not a valid seed,
        or `mask` / `occluded` not an integer / bool array.
    ValueError
        If `image` is not a finite 2-D frame, `amplitude` is outside [0, 10000], or `mask` /
        `occluded` does not have the image's shape.

    Notes
    -----
    The field comes from a counter-based generator (a 32-bit integer hash of the pixel index and
    one integer seed drawn from `rng`) inside the kernel, so it needs no buffer of random numbers;
    the noise has 24 bits of resolution and is computed in float32, the same for float32 and
    float64 frames.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import add_noise
    >>> temps = np.full((4, 5), 30.0, np.float32)
    >>> noisy = add_noise(temps, 0.1, rng=0)["image"]
    >>> bool(np.all(np.abs(noisy.astype(np.float64) - 30.0) <= 0.1))
    True
    """
    image = check_image(image)
    amplitude = _check_amplitude(amplitude, "amplitude")
    mask = check_mask(mask, image.shape)
    occluded = check_occluded(occluded, image.shape)
    seed = int(check_rng(rng).integers(_SEED_HIGH))
    return result(_noise(image, amplitude, seed), mask, occluded, image, mask, occluded)


def _check_amplitude(amplitude, name):
    # The kernel's step-back loop needs a finite amplitude >= 0 to end.
    return check_number(amplitude, name, low=0.0, high=MAX_DIFFERENCE)


def _check_seed(seed, name):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(seed).__name__}")
    if not 0 <= seed < _SEED_HIGH:
        raise ValueError(f"{name} must be an int in [0, 2**63), got {seed}")
    return int(seed)


def _noise(image, amplitude, seed):
    from ._kernels.noise import add_bounded_noise

    image = np.ascontiguousarray(image)
    bound = np.float32(amplitude)
    # Rounded up: take the float32 below. Compared as Python floats, since NumPy compares a
    # float32 with a Python float in float32, where the two are equal.
    if float(bound) > amplitude:
        bound = np.nextafter(bound, np.float32(0.0))
    # Without JIT the kernel runs on numpy uint32 scalars, whose intended wrap-around would warn.
    with np.errstate(over="ignore"):
        # A frame at a physical limit must stay within it: noise cannot cool below absolute zero.
        f = image.dtype.type
        return add_bounded_noise(image, seed, amplitude, float(bound), f(ABSOLUTE_ZERO),
                                 f(MAX_TEMPERATURE), np.empty_like(image))


class NETDNoise(Transform):
    """Additive thermal sensor noise whose magnitude never exceeds the camera's NETD.

    Per frame an amplitude ``a ~ U(0, netd)`` is drawn, then every pixel gets noise uniform in
    ``[-a, a]``; hence ``abs(out - in) <= netd`` for every pixel (exact in float64, also for
    float32 frames). Labels and ``occluded`` are unchanged.

    Parameters
    ----------
    netd : float, optional
        Largest noise magnitude in °C, in [0, 10000]. The paper uses 0.1 °C, the NETD of common
        mobile thermal cameras.
    p : float, optional
        Probability of applying the transform.

    Raises
    ------
    TypeError
        If `netd` or `p` is not a real number.
    ValueError
        If `netd` is outside [0, 10000], or `p` is outside [0, 1].

    Notes
    -----
    NETD (noise equivalent temperature difference) is usually quoted as the temperature difference
    whose signal equals the camera's temporal noise, i.e. roughly the noise standard deviation.
    The paper (SAM-CL, BMVC 2022, Sec. 3.2, Eq. 4) instead uses NETD as the *maximum* magnitude,
    ``0 < eta < Th_NETD^max``; this transform follows the paper. A uniform distribution on
    ``[-a, a]`` has standard deviation ``a / sqrt(3)``, so with ``a ~ U(0, netd)`` the noise is on
    average well below a real camera's at the same NETD; raise `netd` to imitate a camera whose
    noise standard deviation equals its quoted NETD (``netd = sqrt(3) * NETD`` at the top of the
    range). The paper's reference code drew ``U(-a/2, a/2)``, half the paper's amplitude; this
    does not.

    Apply the noise last, after occlusion, as in Eq. 4: the synthetic occluders are seen by the same
    sensor. :class:`tiaug.TiAug` does so.

    ``params`` holds the amplitude and one integer seed; the noise field is generated from the seed,
    so replay is exact while params stay small.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import NETDNoise
    >>> temps = np.full((8, 8), 34.0)
    >>> out = NETDNoise(netd=0.1)(image=temps, rng=0)
    >>> bool(np.abs(out["image"] - temps).max() <= 0.1)
    True
    """

    def __init__(self, netd=0.1, p=1.0):
        super().__init__(p)
        self.netd = _check_amplitude(netd, "netd")

    def sample(self, image, mask, rng):
        return {
            "amplitude": float(rng.uniform(0.0, self.netd)),
            "seed": int(rng.integers(_SEED_HIGH)),
        }

    def _check_drawn(self, params):
        return {**params,
                "amplitude": _check_amplitude(drawn_value(params, "amplitude"),
                                              "params['amplitude']"),
                "seed": _check_seed(drawn_value(params, "seed"), "params['seed']")}

    def apply(self, params, image, mask, occluded):
        return _noise(image, params["amplitude"], params["seed"]), mask, occluded

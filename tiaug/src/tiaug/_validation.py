"""Argument checks shared by every public function and transform.

Each check raises ``TypeError`` for a wrong type or dtype and ``ValueError`` for a wrong shape or
value, with a message that names the argument and says what is accepted.
"""

import math
import numbers
import warnings

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
# The integers of each float's size, to read a frame's bits.
_BITS = {np.dtype(np.float32): np.dtype(np.int32), np.dtype(np.float64): np.dtype(np.int64)}


# Temperatures a thermal camera can report, in °C. Nothing is colder than absolute zero, and no
# LWIR camera measures 10 000 °C (hotter than the Sun's surface); the bounds also keep every value
# derived from a frame (spreads, occluder ranges, padding) far from float32's overflow.
ABSOLUTE_ZERO = -273.15
MAX_TEMPERATURE = 1e4
# Bound of offsets, gradients and noise amplitudes in °C, about the span of those temperatures.
MAX_DIFFERENCE = 1e4
# Longest side of a frame that a transform produces or an occluder map covers, in pixels: beyond
# any thermal sensor, far from the sizes whose arrays numpy cannot even describe.
MAX_SIDE = 2**15
# A frame whose coldest pixel is hotter than this shows no room and no face: kelvin (a room reads
# ~293) or centi-kelvin (~29 300) stored as float.
MAX_COLDEST = 200.0


def check_image(image, name="image"):
    """Return `image` if it is a finite 2-D float32/float64 array of temperatures in °C.

    A non-native byte order (big-endian data from FITS or ``>f4`` files) is converted to the
    native one, once; every result then has the native dtype.
    """
    if not isinstance(image, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy.ndarray of temperatures in °C (float32 or float64), "
            f"got {type(image).__name__}"
        )
    if image.dtype.kind in "iub":
        raise TypeError(
            f"{name} has dtype {image.dtype}, but tiaug works on temperatures in °C as float32 or "
            "float64; convert raw sensor counts to °C first with tiaug.units, saying what they "
            "hold: tiaug.units.to_celsius(frame, 'centikelvin') for radiometric FLIR Lepton "
            "(TLinear) frames, to_celsius(frame, 'kelvin' | 'fahrenheit') for other units, "
            "tiaug.units.from_counts(counts, gain, offset) for a linear calibration"
        )
    image = _native(image)
    if image.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{name} must have dtype float32 or float64, got {image.dtype}; convert it with "
            f"{name}.astype(np.float32)"
        )
    if image.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D (H, W) array of temperatures, got shape {image.shape}; "
            + (_channel_hint(name) if image.shape[2:] == (1,) else
               "apply the transform to each frame of a stack separately")
        )
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise ValueError(f"{name} must be at least 2x2 pixels, got shape {image.shape}")
    coldest, hottest = _extremes(image)
    if not (math.isfinite(coldest) and math.isfinite(hottest)):
        raise ValueError(
            f"{name} contains NaN or inf; replace invalid pixels (dead pixels, saturation) with "
            "finite temperatures before augmenting"
        )
    if coldest < ABSOLUTE_ZERO or hottest > MAX_TEMPERATURE:
        # numpy's extremes for the message: which of -0 and +0 is the coldest is each pass's own.
        coldest, hottest = float(image.min()), float(image.max())
        raise ValueError(
            f"{name} must hold temperatures in °C within [{ABSOLUTE_ZERO:g}, "
            f"{MAX_TEMPERATURE:g}], got values from {coldest:g} to {hottest:g}; convert other "
            f"units with tiaug.units.to_celsius({name}, unit)"
        )
    if coldest > MAX_COLDEST:
        # A warning, not an error: a valid frame's hot part, cropped or zoomed by a transform,
        # is such a frame too, and the next transform must take it.
        warnings.warn(
            f"{name}'s coldest pixel is {coldest:g} °C, hotter than any scene with a face or a "
            f"room (at most {MAX_COLDEST:g} °C): is the frame in kelvin or centi-kelvin? Convert "
            f"it with tiaug.units.to_celsius({name}, unit)", UserWarning, stacklevel=3
        )
    return image


def _extremes(image):
    """The smallest and largest temperature of the 2-D float `image`, one or both NaN if it holds
    a NaN (one compiled pass, where numpy's ``min`` and ``max`` make two)."""
    if type(image) is not np.ndarray:  # numba takes no subclass (masked arrays, matrices)
        return float(image.min()), float(image.max())
    from ._kernels.validation import extreme_bits

    bits = image.view(_BITS[image.dtype])
    return np.array(extreme_bits(bits), bits.dtype).view(image.dtype).tolist()


def check_mask(mask, shape, name="mask"):
    """Return `mask` (or None) if it is an integer label map of the given shape.

    A non-native byte order is converted to the native one, as for images.
    """
    if mask is None:
        return None
    if not isinstance(mask, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy.ndarray of integer class labels, got {type(mask).__name__}"
        )
    if mask.dtype.kind not in "iu":
        hint = f"; convert it with {name}.astype(np.uint8)" if mask.dtype.kind == "b" else ""
        raise TypeError(
            f"{name} must have an integer dtype (class labels, e.g. uint8 or int64), "
            f"got {mask.dtype}{hint}"
        )
    if mask.shape != tuple(shape):
        hint = "; " + _channel_hint(name) if mask.shape == (*shape, 1) else ""
        raise ValueError(
            f"{name} must have the image's shape {tuple(shape)}, got {mask.shape}{hint}"
        )
    return _native(mask)


def _native(array):
    # Numba compiles for native byte order only; one conversion serves every kernel.
    return array if array.dtype.isnative else array.astype(array.dtype.newbyteorder("="))


def _channel_hint(name):
    return (f"for a trailing channel axis of length 1 (OpenCV, albumentations) pass "
            f"{name}[..., 0], and add the axis back to the result if you need it")


def check_occluded(occluded, shape, name="occluded"):
    """Return `occluded` (or None) if it is a bool map of the given shape (the occlusion map)."""
    if occluded is None:
        return None
    if not isinstance(occluded, np.ndarray):
        raise TypeError(
            f"{name} must be a bool numpy.ndarray or None (True at occluded pixels), "
            f"got {type(occluded).__name__}"
        )
    if occluded.dtype != bool:
        raise TypeError(
            f"{name} must be a bool numpy.ndarray or None (True at occluded pixels), "
            f"got dtype {occluded.dtype}; pass e.g. occluded.astype(bool)"
        )
    if occluded.shape != tuple(shape):
        raise ValueError(
            f"{name} must have the image's shape {tuple(shape)}, got {occluded.shape}"
        )
    return occluded


def check_rng(rng, name="rng"):
    """Return a ``numpy.random.Generator`` from `rng` (SPEC 7: None, int seed or Generator)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence,
                                       np.random.BitGenerator)):
        if isinstance(rng, numbers.Integral) and rng < 0:
            raise ValueError(f"{name} must be a non-negative integer seed, got {rng}")
        return np.random.default_rng(rng)
    raise TypeError(
        f"{name} must be None, a non-negative int seed or a numpy.random.Generator, "
        f"got {type(rng).__name__}"
    )


def check_number(value, name, *, low=None, high=None, low_inclusive=True, high_inclusive=True):
    """Return `value` as float if it is a finite real number within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value) + 0.0  # -0.0 becomes 0.0: numpy's uniform(0.0, -0.0) raises
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{name} must be in {left}{lo}, {hi}{right}, got {value:g}")
    return value


def check_range(value, name, *, low=None, high=None, low_inclusive=True, high_inclusive=True):
    """Return `value` as a ``(lo, hi)`` float tuple; a single number ``v`` means ``(v, v)``.

    Both ends must lie within the bounds and ``lo <= hi``.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a number or a (low, high) pair, got {value!r}")
    bounds = dict(low=low, high=high, low_inclusive=low_inclusive, high_inclusive=high_inclusive)
    lo = check_number(value[0], f"{name}[0]", **bounds)
    hi = check_number(value[1], f"{name}[1]", **bounds)
    if lo > hi:
        raise ValueError(f"{name} must satisfy low <= high, got ({lo:g}, {hi:g})")
    return (lo, hi)


def check_temperature(value, name):
    """Return `value` as float if it is a temperature in °C a camera can report."""
    return check_number(value, name, low=ABSOLUTE_ZERO, high=MAX_TEMPERATURE)


def check_probability(p, name="p"):
    """Return `p` as float if it is a probability in [0, 1]."""
    return check_number(p, name, low=0.0, high=1.0)


def check_choice(value, name, choices):
    """Return `value` if it is one of `choices` (strings)."""
    if not isinstance(value, str) or value not in choices:
        accepted = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {accepted}, got {value!r}")
    return value


def check_ignore_index(ignore_index, name="ignore_index"):
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(ignore_index).__name__}")
    return int(ignore_index)


def fitting_label(value, dtype, name):
    """`value` as a label of the integer `dtype`, or a ValueError naming `name`."""
    info = np.iinfo(dtype)
    if not info.min <= value <= info.max:
        raise ValueError(
            f"{name}={value} does not fit the mask dtype {np.dtype(dtype)} "
            f"(range {info.min}..{info.max}); use a wider mask dtype or another {name}"
        )
    return np.dtype(dtype).type(value)


def representable(lo, hi, dtype, strict_lo=False, strict_hi=False):
    """The smallest and largest values of `dtype` inside [lo, hi] (open ends with `strict_*`).

    A range too narrow to hold any value of `dtype` gives the value nearest to its middle, twice.
    """
    f = np.dtype(dtype).type
    low, high = f(lo), f(hi)
    # Compare as Python floats: NumPy would compare a float32 with a Python float in float32.
    if float(low) < lo or (strict_lo and float(low) == lo):
        low = np.nextafter(low, f(np.inf))
    if float(high) > hi or (strict_hi and float(high) == hi):
        high = np.nextafter(high, f(-np.inf))
    if low > high:
        low = high = f(0.5 * lo + 0.5 * hi)
    return float(low), float(high)


def physical(t):
    """`t` clamped to the temperatures a camera can report."""
    return min(max(float(t), ABSOLUTE_ZERO), MAX_TEMPERATURE)

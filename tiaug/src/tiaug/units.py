"""Explicit conversions of radiometric data to the °C frames tiaug works on.

Cameras and file formats hand out temperatures in many units: FLIR Lepton radiometric frames
(TLinear) are ``uint16`` centi-kelvin, many SDKs return kelvin, some tools °F, and a camera
without on-board radiometry gives raw counts with a linear calibration. Nothing in an array says
which one it holds -- a ``uint16`` frame of 30 000 is 26.85 °C as centi-kelvin and meaningless as
raw counts -- so these functions never guess: the unit (or the gain and offset) is always an
argument, and values that no temperature in that unit can take (below absolute zero) are
refused.

- :func:`to_celsius` ``(array, unit)``: kelvin, centi-kelvin, °F or °C to °C.
- :func:`from_counts` ``(counts, gain, offset, unit="kelvin")``: ``counts * gain + offset`` is a
  temperature in `unit`; returns it in °C.

Both return new ``float32`` arrays of the input's shape (single frames or stacks), computed in
float64 before the final rounding. NaN stays NaN (replace dead pixels before augmenting: tiaug
refuses NaN frames).
"""

import numbers

import numpy as np

__all__ = ["UNITS", "to_celsius", "from_counts"]

#: The units :func:`to_celsius` and :func:`from_counts` accept.
UNITS = ("celsius", "kelvin", "centikelvin", "fahrenheit")

_ZERO_CELSIUS_IN_KELVIN = 273.15
# Absolute zero in each unit: no temperature can lie below it.
_ABSOLUTE_ZERO = {"celsius": -273.15, "kelvin": 0.0, "centikelvin": 0.0, "fahrenheit": -459.67}
# Largest magnitude of the float32 results.
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def to_celsius(array, unit):
    """Convert temperatures given in `unit` to °C.

    Parameters
    ----------
    array : array_like of int or float
        Temperatures, any shape (a frame, a stack of frames). Integer arrays are fine when the
        unit says what they hold (``uint16`` centi-kelvin from a FLIR Lepton).
    unit : {"kelvin", "centikelvin", "fahrenheit", "celsius"}
        What the numbers in `array` are. There is no default: tiaug cannot tell a centi-kelvin
        frame from raw counts. For raw counts with a linear calibration use :func:`from_counts`.

    Returns
    -------
    ndarray of float32
        Temperatures in °C, shape of `array`, a new array.

    Raises
    ------
    TypeError
        If `unit` is not a string, or `array` does not hold real numbers (bool, complex, strings,
        objects).
    ValueError
        If `unit` is not one of the four names, or `array` holds a value below absolute zero in
        that unit or a finite value whose °C lie beyond float32's range (the unit is probably
        wrong).

    See Also
    --------
    from_counts : raw counts with a linear calibration.

    Notes
    -----
    ``kelvin``: ``T - 273.15``; ``centikelvin``: ``T / 100 - 273.15``; ``fahrenheit``:
    ``(T - 32) * 5 / 9``; ``celsius``: the values as float32. FLIR Lepton 2.5 / 3.5 frames in
    radiometric TLinear mode are centi-kelvin at the default high-gain resolution (0.01 K per
    count); at the 0.1 K resolution use ``from_counts(frame, 0.1, 0.0)``.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.units import to_celsius
    >>> lepton = np.array([[29815, 30965], [31000, 29315]], dtype=np.uint16)  # centi-kelvin
    >>> to_celsius(lepton, "centikelvin")
    array([[25.  , 36.5 ],
           [36.85, 20.  ]], dtype=float32)
    >>> to_celsius([98.6, 32.0], "fahrenheit")
    array([37.,  0.], dtype=float32)
    """
    unit = _check_unit(unit)
    values = _check_values(array, "array")
    return _celsius(values, unit, "array")


def from_counts(counts, gain, offset, unit="kelvin"):
    """Convert raw sensor counts with a linear calibration to °C.

    ``counts * gain + offset`` is a temperature in `unit`; the result is that temperature in °C.

    Parameters
    ----------
    counts : array_like of int or float
        Raw values, any shape.
    gain : float
        Temperature step per count, in `unit` (not zero). From the camera's calibration: tiaug
        does not guess it.
    offset : float
        Temperature of a zero count, in `unit`.
    unit : {"kelvin", "centikelvin", "fahrenheit", "celsius"}, optional
        Unit of ``counts * gain + offset``; kelvin by default, as most radiometric calibrations
        are.

    Returns
    -------
    ndarray of float32
        Temperatures in °C, shape of `counts`, a new array.

    Raises
    ------
    TypeError
        If `counts` does not hold real numbers, `gain` or `offset` is not a real number, or
        `unit` is not a string.
    ValueError
        If `gain` is zero or not finite, `offset` is not finite, `unit` is unknown, or a
        calibrated value lies below absolute zero or, for a finite count, beyond float32's range.

    See Also
    --------
    to_celsius : values that already are temperatures.

    Examples
    --------
    A Lepton in TLinear mode at 0.1 K resolution:

    >>> import numpy as np
    >>> from tiaug.units import from_counts
    >>> from_counts(np.array([[2982, 3097]], dtype=np.uint16), gain=0.1, offset=0.0)
    array([[25.05, 36.55]], dtype=float32)
    """
    unit = _check_unit(unit)
    values = _check_values(counts, "counts")
    gain = _check_real(gain, "gain")
    if gain == 0.0:
        raise ValueError("gain must be a non-zero temperature step per count, got 0")
    offset = _check_real(offset, "offset")
    with np.errstate(over="ignore"):  # refused below, with the calibration named
        calibrated = values * gain + offset
    if np.isinf(calibrated[np.isfinite(values)]).any():
        raise ValueError(
            f"counts * gain + offset holds inf {unit} for a finite count (gain={gain:g}, "
            f"offset={offset:g}), beyond float32's range (±{_FLOAT32_MAX:g}); is the "
            "calibration right?"
        )
    return _celsius(calibrated, unit, "counts * gain + offset")


def _check_unit(unit):
    if not isinstance(unit, str):
        raise TypeError(
            f"unit must be one of {', '.join(map(repr, UNITS))}, got {type(unit).__name__}"
        )
    if unit not in UNITS:
        raise ValueError(
            f"unit must be one of {', '.join(map(repr, UNITS))}, got {unit!r}; for raw counts "
            "with a linear calibration use tiaug.units.from_counts(counts, gain, offset)"
        )
    return unit


def _check_values(array, name):
    arr = np.asarray(array)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold real numbers (an integer or float array), got dtype {arr.dtype}"
        )
    return arr.astype(np.float64)


def _check_real(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _celsius(values, unit, name):
    """float64 `values` in `unit` -> float32 °C, refusing values below absolute zero and finite
    values beyond float32's range."""
    given = values
    with np.errstate(invalid="ignore"):
        coldest = np.nanmin(values) if values.size and not np.isnan(values).all() else None
    if coldest is not None and coldest < _ABSOLUTE_ZERO[unit]:
        raise ValueError(
            f"{name} holds {coldest:g} {unit}, below absolute zero ({_ABSOLUTE_ZERO[unit]:g} "
            f"{unit}); is unit={unit!r} what the data holds?"
        )
    if unit == "kelvin":
        values = values - _ZERO_CELSIUS_IN_KELVIN
    elif unit == "centikelvin":
        values = values / 100.0 - _ZERO_CELSIUS_IN_KELVIN
    elif unit == "fahrenheit":
        values = (values - 32.0) * (5.0 / 9.0)
    with np.errstate(over="ignore"):  # refused below, with the value named
        out = values.astype(np.float32)
    beyond = np.isinf(out) & np.isfinite(values)
    if beyond.any():
        k = np.flatnonzero(beyond)[0]
        raise ValueError(
            f"{name} holds {given.flat[k]:g} {unit}, {values.flat[k]:g} °C, beyond float32's "
            f"range (±{_FLOAT32_MAX:g}); is unit={unit!r} what the data holds?"
        )
    return out

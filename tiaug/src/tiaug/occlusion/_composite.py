"""Compositing drawn occluder objects into a frame: coverage, temperature field, camera blur,
footprint (the Python side of :mod:`tiaug._kernels.composite`).

An *object* (one entry of ``params["objects"]`` of :class:`tiaug.RandomOccluders`)::

    {"family": "cup",                 # which family drew it
     "parts": [{"shapes": [...],      # shape dicts of the occluder format (tiaug.occlusion)
                "opacity": 1.0,       # coverage of the part; < 1 is translucent
                "field": {"axis": ((r0, c0), (r1, c1)),
                          "profile": ((s, t), ...),        # °C at fractions s of the axis
                          "bumps": ((r, c, a, b, angle, delta), ...),
                          "texture": (amplitude, period, octaves, gain, angle, stretch),
                          "seed": int,
                          "range": (lo, hi)}}, ...],       # every temperature is clamped here
     "edge": "camera", "sigma": 0.8,  # edge type and the PSF's standard deviation in pixels
     "footprint": ((r, c, a, b, angle, delta), ...),       # skin warmed (+) or cooled (-), °C
     "removed": False}                # True: only the footprint is left

The kernels' module docstring defines the field, the compositing and the footprint exactly.
"""

import math
import numbers

import numpy as np

from .._validation import (
    ABSOLUTE_ZERO,
    MAX_DIFFERENCE,
    MAX_TEMPERATURE,
    check_number,
    check_temperature,
)
from ..blur import MAX_SIGMA
from ._format import MAX_COORD, _check_shape_dict, _coords, _pack

# The PSF is a Gaussian truncated at this many standard deviations (0.27 % of its mass beyond).
PSF_TRUNCATE = 3.0
_NO_BUMPS = np.zeros((0, 6))


def psf_radius(sigma):
    """Half width in pixels of the truncated Gaussian PSF; 0 for ``sigma == 0`` (hard edges)."""
    return int(math.ceil(PSF_TRUNCATE * sigma)) if sigma > 0.0 else 0


def _psf_weights(sigma):
    radius = psf_radius(sigma)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    return w / w.sum()


def _bumps(bumps):
    return np.asarray(bumps, np.float64).reshape(-1, 6) if len(bumps) else _NO_BUMPS


def _field_args(field):
    (ar, ac), (br, bc) = field["axis"]
    dr, dc = br - ar, bc - ac
    len2 = dr * dr + dc * dc
    knots = np.asarray(field["profile"], np.float64).reshape(-1, 2)
    lo, hi = field["range"]
    return (float(ar), float(ac), dr / len2, dc / len2, knots, _bumps(field["bumps"]),
            np.asarray(field["texture"], np.float64), int(field["seed"]), float(lo), float(hi))


def check_objects(objects, name):
    """Return edited `objects` checked against the format above, or raise TypeError/ValueError.

    Besides types and finiteness the kernels need: distinct axis points, at least one profile
    knot, positive bump and footprint axes, and a texture whose finest period is at least 2 px and
    whose stretch is within [0.1, 1000] (finer lattices would need more nodes than the frame has
    pixels).
    """
    if isinstance(objects, dict) or not isinstance(objects, (list, tuple)):
        raise TypeError(f"{name} must be a list of object dicts, got {type(objects).__name__}")
    return [_check_object(obj, f"{name}[{k}]") for k, obj in enumerate(objects)]


def _has(value, keys, name, what):
    if not isinstance(value, dict) or not all(k in value for k in keys):
        raise TypeError(f"{name} must be {what} with {', '.join(map(repr, keys))}, "
                        f"got {value!r:.60}")


def _check_object(obj, name):
    _has(obj, ("parts", "sigma", "footprint", "removed"), name, "an object dict")
    if not isinstance(obj["parts"], (list, tuple)):
        raise TypeError(f"{name}['parts'] must be a list of part dicts")
    if not isinstance(obj["removed"], (bool, np.bool_)):
        raise TypeError(f"{name}['removed'] must be True or False, got {obj['removed']!r:.60}")
    return {**obj,
            "parts": [_check_part(p, f"{name}['parts'][{i}]") for i, p in enumerate(obj["parts"])],
            "sigma": check_number(obj["sigma"], f"{name}['sigma']", low=0.0, high=MAX_SIGMA),
            "footprint": _check_bumps(obj["footprint"], f"{name}['footprint']")}


def _check_part(part, name):
    _has(part, ("shapes", "opacity", "field"), name, "a part dict")
    if not isinstance(part["shapes"], (list, tuple)):
        raise TypeError(f"{name}['shapes'] must be a list of shape dicts")
    shapes = [_check_shape_dict(s, f"{name}['shapes'][{i}]") for i, s in enumerate(part["shapes"])]
    field = part["field"]
    fname = f"{name}['field']"
    _has(field, ("axis", "profile", "bumps", "texture", "seed", "range"), fname, "a field dict")
    axis = _coords(field["axis"], f"{fname}['axis']", min_rows=2)
    if axis.shape != (2, 2) or not np.sum((axis[1] - axis[0]) ** 2) > 0.0:
        raise ValueError(f"{fname}['axis'] must be two distinct points ((r0, c0), (r1, c1))")
    knots = _rows(field["profile"], f"{fname}['profile']", 2, "(s, temperature)")
    if not len(knots):
        raise ValueError(f"{fname}['profile'] must hold at least one (s, temperature) knot")
    for k, t in enumerate(knots[:, 1]):
        check_temperature(float(t), f"{fname}['profile'][{k}][1]")
    lo, hi = (check_temperature(t, f"{fname}['range'][{i}]")
              for i, t in enumerate(_rows(field["range"], f"{fname}['range']", 2, "(lo, hi)")
                                    .reshape(-1)[:2]))
    if not lo <= hi:
        raise ValueError(f"{fname}['range'] must satisfy lo <= hi, got ({lo:g}, {hi:g})")
    seed = field["seed"]
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**63:
        raise ValueError(f"{fname}['seed'] must be an int in [0, 2**63), got {seed!r:.60}")
    return {"shapes": shapes,
            "opacity": check_number(part["opacity"], f"{name}['opacity']", low=0.0, high=1.0),
            "field": {**field, "axis": (tuple(axis[0]), tuple(axis[1])), "profile": knots,
                      "bumps": _check_bumps(field["bumps"], f"{fname}['bumps']"),
                      "texture": _check_texture(field["texture"], f"{fname}['texture']"),
                      "seed": int(seed), "range": (lo, hi)}}


def _rows(value, name, width, what):
    try:
        arr = np.asarray(value, np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers, got {value!r:.60}") from None
    if arr.size % width or (arr.ndim > 1 and arr.shape[-1] != width):
        raise ValueError(f"{name} must be rows of {width} numbers {what}, got shape {arr.shape}")
    if not (np.abs(arr) <= MAX_COORD).all():  # also False for NaN
        raise ValueError(f"{name} must be finite numbers within ±{MAX_COORD:g}")
    return arr.reshape(-1, width)


def _check_bumps(bumps, name):
    rows = _rows(bumps, name, 6, "(r, c, a, b, angle, delta)")
    if not (rows[:, 2:4] > 0.0).all():
        raise ValueError(f"{name} must have semi-axes a, b > 0")
    if not (np.abs(rows[:, 5]) <= MAX_DIFFERENCE).all():
        raise ValueError(f"{name} must have temperature changes within ±{MAX_DIFFERENCE:g} °C")
    return tuple(map(tuple, rows.tolist()))


def _check_texture(tex, name):
    values = _rows(tex, name, 6, "(amplitude, period, octaves, gain, angle, stretch)")
    if values.shape != (1, 6):
        raise ValueError(f"{name} must be 6 numbers (amplitude, period, octaves, gain, angle, "
                         f"stretch), got {values.size}")
    amplitude, period, octaves, gain, angle, stretch = values[0].tolist()
    check_number(amplitude, f"{name}[0] (amplitude)", low=-MAX_DIFFERENCE, high=MAX_DIFFERENCE)
    check_number(period, f"{name}[1] (period)", low=0.0, low_inclusive=False)
    if octaves != int(octaves) or octaves < 0:
        raise ValueError(f"{name}[2] (octaves) must be a whole number >= 0, got {octaves:g}")
    if amplitude != 0.0 and octaves > 0 and period / 2.0 ** (octaves - 1) < 2.0:
        raise ValueError(f"{name}: the finest octave's period, period / 2**(octaves - 1), must be "
                         f"at least 2 px, got {period / 2.0 ** (octaves - 1):g}")
    check_number(gain, f"{name}[3] (gain)", low=0.0, high=1.0)
    check_number(stretch, f"{name}[5] (stretch)", low=0.1, high=1000.0)
    return (amplitude, period, octaves, gain, angle, stretch)


def paint_objects(image, mask, occluded, objects, label, ambient, skin):
    """Composite `objects` in order; return ``(image, mask, occluded)`` (new arrays).

    `label` is written into `mask` where an object's coverage is at least 0.5 (None keeps the
    labels); `ambient` and `skin` weight the footprints.
    """
    from .._kernels.blur import gaussian_blur
    from .._kernels.composite import composite, footprint, shade
    from .._kernels.occlusion import rasterise

    height, width = image.shape
    out = np.array(image, order="C")
    occ_out = np.zeros(image.shape, bool) if occluded is None else occluded.copy()
    mask_out = mask if mask is None or label is None else mask.copy()
    for obj in objects:
        if len(obj["footprint"]):
            footprint(out, _bumps(obj["footprint"]), ambient, skin, ABSOLUTE_ZERO,
                      MAX_TEMPERATURE)
        if obj["removed"]:
            continue
        rasters = [rasterise(height, width, *_pack(part)) for part in obj["parts"]]
        spans = [(r0, c0, buf.shape) for r0, c0, buf in rasters if buf.size]
        if not spans:
            continue
        pad = psf_radius(obj["sigma"])
        r_lo = max(min(r0 for r0, _, _ in spans) - pad, 0)
        c_lo = max(min(c0 for _, c0, _ in spans) - pad, 0)
        r_hi = min(max(r0 + s[0] for r0, _, s in spans) + pad, height)
        c_hi = min(max(c0 + s[1] for _, c0, s in spans) + pad, width)
        cover = np.zeros((r_hi - r_lo, c_hi - c_lo), out.dtype)
        premult = np.zeros_like(cover)
        lo, hi = np.inf, -np.inf
        # Without JIT the lattice hash runs on numpy uint64 scalars, whose intended wrap-around
        # would warn.
        with np.errstate(over="ignore"):
            for (r0, c0, buf), part in zip(rasters, obj["parts"]):
                if buf.size:
                    args = _field_args(part["field"])
                    shade(cover, premult, r_lo, c_lo, r0, c0, buf, float(part["opacity"]),
                          *args)
                    lo, hi = min(lo, args[-2]), max(hi, args[-1])
        if pad:
            weights = _psf_weights(obj["sigma"])
            cover = gaussian_blur(cover, weights, 0.0, 1.0, np.empty_like(cover))
            premult = gaussian_blur(premult, weights, float(premult.min()),
                                    float(premult.max()), np.empty_like(premult))
        hit = np.zeros(cover.shape, bool)
        composite(out, occ_out, hit, r_lo, c_lo, cover, premult, lo, hi)
        if mask_out is not mask:
            mask_out[r_lo:r_hi, c_lo:c_hi][hit] = label
    return out, mask_out, occ_out

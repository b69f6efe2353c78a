"""The occluder schema of :mod:`tiaug.occlusion` (objects and flat occluders): its checks, and
its packing into the arrays the kernels read."""

import numbers

import numpy as np

from .._validation import (
    MAX_DIFFERENCE,
    MAX_SIDE,
    check_choice,
    check_number,
    check_temperature,
    fitting_label,
    representable,
)
from ..blur import MAX_SIGMA

LABEL_POLICIES = ("keep", "ignore", "background")

_EMPTY2 = np.zeros((0, 2))
_EMPTY5 = np.zeros((0, 5))
# Bound of coordinates and lengths in pixels: products of two stay far from overflow in the
# rasterising kernels, and an occluder reaching 1e9 px outside the frame is clipped anyway.
MAX_COORD = 1e9
# The texture of a part without one: zero amplitude.
NO_TEXTURE = (0.0, 1.0, 0.0, 0.5, 0.0, 1.0)


def label_value(label_policy, ignore_index, mask):
    """The label of occluded pixels under `label_policy`, or None to keep them."""
    if label_policy == "keep" or mask is None:
        return None
    if label_policy == "background":
        return 0
    return int(fitting_label(ignore_index, mask.dtype, "ignore_index"))


def check_shape(shape):
    """`shape` checked as a frame shape (H, W)."""
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape)):
        raise TypeError(f"shape must be a pair of ints (H, W), got {shape!r}")
    if not (1 <= shape[0] <= MAX_SIDE and 1 <= shape[1] <= MAX_SIDE):
        raise ValueError(f"shape must be positive and at most ({MAX_SIDE}, {MAX_SIDE}), "
                         f"got {tuple(shape)}")
    return int(shape[0]), int(shape[1])


def _coords(value, name, rows=None, min_rows=1, limit=MAX_COORD):
    try:
        arr = np.asarray(value, np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers, got {value!r:.60}") from None
    if rows is None and (arr.ndim != 2 or arr.shape[1] != 2 or len(arr) < min_rows):
        raise ValueError(f"{name} must be an (N, 2) array of (row, col) with N >= {min_rows}, "
                         f"got shape {arr.shape}")
    if rows is not None and arr.shape != (rows,):
        raise ValueError(f"{name} must have {rows} numbers, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    if not (np.abs(arr) <= limit).all():
        raise ValueError(f"{name} must be pixel coordinates within ±{limit:g}")
    return arr


def check_objects(objects, name="objects"):
    """Return `objects` (objects or flat occluders, see the module docstring) checked, or raise
    a TypeError or ValueError that names the bad entry.

    Objects come back with their optional keys filled in, flat occluders as flat occluders.
    Besides types and finiteness the kernels need: distinct axis points, at least one profile
    knot, positive bump and footprint axes, and a texture whose finest period is at least 2 px
    and whose stretch is within [0.1, 1000] (finer lattices would need more nodes than the frame
    has pixels).
    """
    if isinstance(objects, dict) or not isinstance(objects, (list, tuple)):
        raise TypeError(f"{name} must be a list of object dicts, got {type(objects).__name__}")
    out = []
    for k, obj in enumerate(objects):
        if isinstance(obj, dict) and "parts" in obj:
            out.append(_check_object(obj, f"{name}[{k}]"))
        elif isinstance(obj, dict) and "shapes" in obj and "temperature" in obj:
            out.append(_check_flat(obj, f"{name}[{k}]"))
        else:
            raise TypeError(f"{name}[{k}] must be an object dict (with 'parts') or a flat "
                            f"occluder (with 'shapes' and 'temperature'), got {obj!r:.60}")
    return out


def flat_field(occ, dtype):
    """(t0, t1, ar, ac, gr, gc) of a checked flat occluder for the fill kernel:
    ``t0 + (t1 - t0) * clip(proj, 0, 1)``.

    The ends of a gradient are rounded inward to values of `dtype`, so the kernel's clamp to
    [min(t0, t1), max(t0, t1)] keeps the stored pixels inside the occluder's range.
    """
    t = occ["temperature"]
    if isinstance(t, float):
        return t, t, 0.0, 0.0, 0.0, 0.0
    lo, hi = representable(min(t), max(t), dtype)
    t0, t1 = (lo, hi) if t[0] <= t[1] else (hi, lo)
    (ar, ac), (br, bc) = occ["axis"]
    dr, dc = br - ar, bc - ac
    len2 = dr * dr + dc * dc
    return t0, t1, float(ar), float(ac), dr / len2, dc / len2


def _check_flat(occ, name):
    if not isinstance(occ["shapes"], (list, tuple)):
        raise TypeError(f"{name}['shapes'] must be a list of shape dicts")
    shapes = [_check_shape_dict(s, f"{name}['shapes'][{i}]") for i, s in enumerate(occ["shapes"])]
    t = occ["temperature"]
    if isinstance(t, numbers.Real):
        return {"shapes": shapes, "temperature": check_temperature(t, f"{name}['temperature']")}
    lo, hi = (check_temperature(float(v), f"{name}['temperature'][{i}]")
              for i, v in enumerate(_coords(t, f"{name}['temperature']", rows=2, limit=np.inf)))
    if "axis" not in occ:
        raise ValueError(f"{name} has a temperature pair, so it needs an 'axis' "
                         "((r0, c0), (r1, c1)) along which the temperature changes")
    return {"shapes": shapes, "temperature": (lo, hi), "axis": _check_axis(occ["axis"],
                                                                            f"{name}['axis']")}


def _check_axis(axis, name):
    axis = _coords(axis, name, min_rows=2)
    if axis.shape != (2, 2) or not np.sum((axis[1] - axis[0]) ** 2) > 0.0:
        raise ValueError(f"{name} must be two distinct points ((r0, c0), (r1, c1))")
    return (tuple(axis[0]), tuple(axis[1]))


def _has(value, keys, name, what):
    if not isinstance(value, dict) or not all(k in value for k in keys):
        raise TypeError(f"{name} must be {what} with {', '.join(map(repr, keys))}, "
                        f"got {value!r:.60}")


def _check_object(obj, name):
    if not isinstance(obj["parts"], (list, tuple)):
        raise TypeError(f"{name}['parts'] must be a list of part dicts")
    removed = obj.get("removed", False)
    if not isinstance(removed, (bool, np.bool_)):
        raise TypeError(f"{name}['removed'] must be True or False, got {removed!r:.60}")
    return {**obj,
            "parts": [_check_part(p, f"{name}['parts'][{i}]") for i, p in enumerate(obj["parts"])],
            "sigma": check_number(obj.get("sigma", 0.0), f"{name}['sigma']", low=0.0,
                                  high=MAX_SIGMA),
            "footprint": _check_bumps(obj.get("footprint", ()), f"{name}['footprint']"),
            "removed": bool(removed)}


def _check_part(part, name):
    _has(part, ("shapes", "opacity", "field"), name, "a part dict")
    if not isinstance(part["shapes"], (list, tuple)):
        raise TypeError(f"{name}['shapes'] must be a list of shape dicts")
    shapes = [_check_shape_dict(s, f"{name}['shapes'][{i}]") for i, s in enumerate(part["shapes"])]
    field = part["field"]
    fname = f"{name}['field']"
    _has(field, ("axis", "profile", "range"), fname, "a field dict")
    axis = _check_axis(field["axis"], f"{fname}['axis']")
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
    seed = field.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**63:
        raise ValueError(f"{fname}['seed'] must be an int in [0, 2**63), got {seed!r:.60}")
    return {"shapes": shapes,
            "opacity": check_number(part["opacity"], f"{name}['opacity']", low=0.0, high=1.0),
            "field": {**field, "axis": axis, "profile": knots,
                      "bumps": _check_bumps(field.get("bumps", ()), f"{fname}['bumps']"),
                      "texture": _check_texture(field.get("texture", NO_TEXTURE),
                                                f"{fname}['texture']"),
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


def _check_shape_dict(s, name):
    kinds = ("polygon", "line", "ellipse")
    if not isinstance(s, dict) or "type" not in s:
        raise TypeError(f"{name} must be a dict with a 'type' key, got {s!r:.60}")
    kind = check_choice(s["type"], f"{name}['type']", kinds)
    if kind == "polygon":
        return {"type": kind, "vertices": _coords(s.get("vertices"), f"{name}['vertices']",
                                                  min_rows=3)}
    if kind == "line":
        return {"type": kind, "points": _coords(s.get("points"), f"{name}['points']"),
                "width": check_number(s.get("width"), f"{name}['width']", low=0.0,
                                      low_inclusive=False, high=MAX_COORD)}
    center = _coords(s.get("center"), f"{name}['center']", rows=2)
    axes = s.get("axes")
    if not isinstance(axes, (tuple, list, np.ndarray)) or len(axes) != 2:
        raise TypeError(f"{name}['axes'] must be a pair (a, b) of semi-axes, got {axes!r:.60}")
    a, b = (check_number(v, f"{name}['axes'][{i}]", low=0.0, low_inclusive=False,
                         high=MAX_COORD) for i, v in enumerate(axes))
    return {"type": kind, "center": tuple(center), "axes": (a, b),
            "angle": check_number(s.get("angle", 0.0), f"{name}['angle']")}


def pack(occ):
    """The rasterising kernel's arrays (verts, offsets, segs, ells) for one part's shapes."""
    polys, segs, ells = [], [], []
    for s in occ["shapes"]:
        kind = s["type"]
        if kind == "polygon":
            polys.append(np.asarray(s["vertices"], np.float64))
        elif kind == "line":
            p = np.asarray(s["points"], np.float64)
            half = np.full((max(len(p) - 1, 1), 1), 0.5 * s["width"])
            q = p if len(p) > 1 else np.vstack([p, p])  # one point: a disc
            segs.append(np.hstack([q[:-1], q[1:], half]))
        else:
            ells.append((*s["center"], *s["axes"], s["angle"]))
    verts = np.concatenate(polys) if polys else _EMPTY2
    offsets = np.cumsum([0] + [len(v) for v in polys]).astype(np.int64)
    segs = np.concatenate(segs) if segs else _EMPTY5
    ells = np.array(ells, np.float64) if ells else _EMPTY5
    return verts, offsets, segs, ells



"""The occluder format: its checks, and its packing into the arrays the kernels read."""

import numbers

import numpy as np

from .._validation import check_choice, check_number
from .._validation import check_occluded as _check_occluded  # noqa: F401 (kept for siblings)

LABEL_POLICIES = ("keep", "ignore", "background")

_EMPTY2 = np.zeros((0, 2))
_EMPTY5 = np.zeros((0, 5))


def _check_shape(shape):
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape)):
        raise TypeError(f"shape must be a pair of ints (H, W), got {shape!r}")
    if shape[0] < 1 or shape[1] < 1:
        raise ValueError(f"shape must be positive, got {tuple(shape)}")
    return int(shape[0]), int(shape[1])


def _check_ignore_index(ignore_index):
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"ignore_index must be an int, got {type(ignore_index).__name__}")
    return int(ignore_index)


def _coords(value, name, rows=None, min_rows=1):
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
    return arr


def _check_occluders(occluders):
    """Validate occluders; return them with coordinates as float64 arrays."""
    if isinstance(occluders, dict) or not isinstance(occluders, (list, tuple)):
        raise TypeError(f"occluders must be a list of occluder dicts, got "
                        f"{type(occluders).__name__}")
    out = []
    for k, occ in enumerate(occluders):
        name = f"occluders[{k}]"
        if not isinstance(occ, dict) or "shapes" not in occ or "temperature" not in occ:
            raise TypeError(f"{name} must be a dict with 'shapes' and 'temperature', got "
                            f"{occ!r:.60}")
        if not isinstance(occ["shapes"], (list, tuple)):
            raise TypeError(f"{name}['shapes'] must be a list of shape dicts")
        shapes = [_check_shape_dict(s, f"{name}['shapes'][{i}]")
                  for i, s in enumerate(occ["shapes"])]
        t = occ["temperature"]
        checked = {"shapes": shapes}
        if isinstance(t, numbers.Real):
            checked["temperature"] = check_number(t, f"{name}['temperature']")
        else:
            lo, hi = _coords(t, f"{name}['temperature']", rows=2)
            if "axis" not in occ:
                raise ValueError(f"{name} has a temperature pair, so it needs an 'axis' "
                                 "((r0, c0), (r1, c1)) along which the temperature changes")
            axis = _coords(occ["axis"], f"{name}['axis']", min_rows=2)
            if axis.shape != (2, 2) or not np.sum((axis[1] - axis[0]) ** 2) > 0.0:
                raise ValueError(f"{name}['axis'] must be two distinct points ((r0, c0), (r1, c1))")
            checked["temperature"] = (float(lo), float(hi))
            checked["axis"] = (tuple(axis[0]), tuple(axis[1]))
        out.append(checked)
    return out


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
                                      low_inclusive=False)}
    center = _coords(s.get("center"), f"{name}['center']", rows=2)
    axes = s.get("axes")
    if not isinstance(axes, (tuple, list, np.ndarray)) or len(axes) != 2:
        raise TypeError(f"{name}['axes'] must be a pair (a, b) of semi-axes, got {axes!r:.60}")
    a, b = (check_number(v, f"{name}['axes'][{i}]", low=0.0, low_inclusive=False)
            for i, v in enumerate(axes))
    return {"type": kind, "center": tuple(center), "axes": (a, b),
            "angle": check_number(s.get("angle", 0.0), f"{name}['angle']")}


def _pack(occ):
    """The kernel's arrays (verts, offsets, segs, ells) for one occluder."""
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


def _temperature_field(occ):
    """(t0, t1, ar, ac, gr, gc) for the paint kernel: t0 + (t1 - t0) * clip(proj, 0, 1)."""
    t = occ["temperature"]
    if isinstance(t, numbers.Real):
        return float(t), float(t), 0.0, 0.0, 0.0, 0.0
    (ar, ac), (br, bc) = occ["axis"]
    dr, dc = br - ar, bc - ac
    len2 = dr * dr + dc * dc
    return float(t[0]), float(t[1]), float(ar), float(ac), dr / len2, dc / len2


def _label_value(label_policy, ignore_index, mask):
    if label_policy == "keep" or mask is None:
        return None
    if label_policy == "background":
        return 0
    info = np.iinfo(mask.dtype)
    if not info.min <= ignore_index <= info.max:
        raise ValueError(
            f"ignore_index={ignore_index} does not fit the mask dtype {mask.dtype} "
            f"(range {info.min}..{info.max}); use a wider mask dtype or another ignore_index"
        )
    return ignore_index

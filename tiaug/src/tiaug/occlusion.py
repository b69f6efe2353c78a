"""Synthetic occluders hotter and colder than the face, and real ones: eyeglasses, a cup, a hand.

An *occluder* is a plain dict: a list of shapes drawn at one temperature (optionally a linear
gradient along an axis). The functional layer rasterises and applies explicit occluders
(:func:`draw_occluders`, :func:`occlude`); the transforms draw random ones and keep them in their
``params`` so that ``replay`` is exact.

Occluder format (coordinates are (row, col) in pixels; pixel ``(r, c)`` has its centre at
``(r, c)`` and belongs to a shape when its centre does)::

    {"shapes": [
         {"type": "polygon", "vertices": [[r, c], ...]},        # >= 3 vertices, even-odd rule
         {"type": "line", "points": [[r, c], ...], "width": w},  # thick polyline, round caps
         {"type": "ellipse", "center": (r, c), "axes": (a, b), "angle": theta},
     ],
     "temperature": t,                           # °C, or a pair (t_start, t_end) with "axis"
     "axis": ((r0, c0), (r1, c1))}               # only with a pair: t_start at (r0, c0), ...

A polygon pixel is inside under the even-odd rule with PNPOLY's half-open crossing test; a line
pixel when its centre is within ``width / 2`` of a segment; an ellipse pixel when
``(u / a)**2 + (v / b)**2 <= 1``, ``u`` and ``v`` being its offsets from the centre along
(row, col) = (cos(theta), sin(theta)) and (-sin(theta), cos(theta)). With a temperature pair the
temperature goes linearly from ``t_start`` to ``t_end`` along the axis (projection clipped to the
segment), so it never leaves ``[min(t_start, t_end), max(t_start, t_end)]``.
"""

import numbers

import numpy as np

from . import _occluder_shapes as shapes_
from ._base import Transform
from ._validation import (
    check_choice,
    check_image,
    check_mask,
    check_number,
    check_probability,
    check_range,
)

LABEL_POLICIES = ("keep", "ignore", "background")
SHAPES = ("polygon", "line", "connected", "pair")
# Smallest temperature spread (°C) used for "any", "hot" and "cold" when the frame is uniform.
MIN_SPREAD = 1.0

_EMPTY2 = np.zeros((0, 2))
_EMPTY5 = np.zeros((0, 5))


# --------------------------------------------------------------------------- functional layer


def draw_occluders(shape, occluders):
    """Rasterise occluders into one exact boolean mask per occluder.

    Parameters
    ----------
    shape : tuple of int
        Frame shape ``(H, W)``.
    occluders : sequence of dict
        Occluders in the format of :mod:`tiaug.occlusion` (``"shapes"``, ``"temperature"``,
        optionally ``"axis"``), e.g. ``out["params"]["occluders"]`` of a transform.

    Returns
    -------
    ndarray of bool, shape (len(occluders), H, W)
        ``masks[k]`` is True at the pixels whose centres lie in occluder ``k``; parts outside the
        frame are clipped.

    Raises
    ------
    TypeError
        If `shape` is not a pair of ints or an occluder is malformed (wrong types).
    ValueError
        If `shape` is not positive, or an occluder has bad values (fewer than 3 polygon vertices,
        non-positive width or axes, non-finite numbers, an unknown shape type).

    Examples
    --------
    >>> from tiaug.functional import draw_occluders
    >>> square = {"shapes": [{"type": "polygon",
    ...                       "vertices": [[0.5, 0.5], [0.5, 2.5], [2.5, 2.5], [2.5, 0.5]]}],
    ...           "temperature": 50.0}
    >>> draw_occluders((4, 4), [square])[0].astype(int)
    array([[0, 0, 0, 0],
           [0, 1, 1, 0],
           [0, 1, 1, 0],
           [0, 0, 0, 0]])
    """
    from ._kernels.occlusion import rasterise

    shape = _check_shape(shape)
    occluders = _check_occluders(occluders)
    masks = np.zeros((len(occluders), *shape), bool)
    for k, occ in enumerate(occluders):
        r0, c0, buf = rasterise(*shape, *_pack(occ))
        masks[k, r0:r0 + buf.shape[0], c0:c0 + buf.shape[1]] = buf
    return masks


def occlude(image, occluders, *, mask=None, occluded=None, label_policy="keep", ignore_index=255):
    """Paint explicit occluders into a thermal frame.

    Occluders are painted in order (a later one covers an earlier one where they overlap). Pixels
    outside every occluder are bit-identical to the input.

    Parameters
    ----------
    image : ndarray of float32 or float64, shape (H, W)
        Temperatures in °C.
    occluders : sequence of dict
        Occluders in the format of :mod:`tiaug.occlusion`.
    mask : ndarray of int, shape (H, W), optional
        Class labels.
    occluded : ndarray of bool, shape (H, W), optional
        Pixels occluded so far; the result is its union with the new occluders.
    label_policy : {"keep", "ignore", "background"}, optional
        What occluded pixels of `mask` become: unchanged (the paper), `ignore_index`, or class 0.
    ignore_index : int, optional
        Label of occluded pixels with ``label_policy="ignore"``; must fit `mask`'s dtype.

    Returns
    -------
    image : ndarray
        New frame, dtype of `image`.
    mask : ndarray or None
        New label map (`mask` unchanged with ``"keep"``), None when no mask was given.
    occluded : ndarray of bool, shape (H, W)
        The exact occluded pixels (OR-ed with the incoming `occluded`).

    Raises
    ------
    TypeError
        For a non-float image, a non-integer mask or ignore_index, a non-bool `occluded`, or a
        malformed occluder.
    ValueError
        For shape mismatches, non-finite values, an unknown `label_policy`, or an `ignore_index`
        that does not fit `mask`'s dtype.

    Notes
    -----
    Temperatures are rounded to the image's dtype; with a gradient the result is clamped to the
    occluder's temperature range so rounding never leaves it.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import occlude
    >>> temps = np.full((5, 5), 30.0, np.float32)
    >>> bar = {"shapes": [{"type": "line", "points": [[2, 0], [2, 4]], "width": 1.0}],
    ...        "temperature": 60.0}
    >>> out, _, occ = occlude(temps, [bar])
    >>> out[2].tolist(), int(occ.sum())
    ([60.0, 60.0, 60.0, 60.0, 60.0], 5)
    """
    image = check_image(image)
    mask = check_mask(mask, image.shape)
    occluded = _check_occluded(occluded, image.shape)
    label_policy = check_choice(label_policy, "label_policy", LABEL_POLICIES)
    ignore_index = _check_ignore_index(ignore_index)
    label = _label_value(label_policy, ignore_index, mask)
    return _occlude(image, mask, occluded, _check_occluders(occluders), label)


def _occlude(image, mask, occluded, occluders, label):
    """Paint validated `occluders`; `label` is the label of occluded pixels or None to keep them."""
    from ._kernels.occlusion import paint, rasterise

    out = image.copy()
    occ_out = np.zeros(image.shape, bool) if occluded is None else occluded.copy()
    mask_out = mask if mask is None or label is None else mask.copy()
    for occ in occluders:
        r0, c0, buf = rasterise(*image.shape, *_pack(occ))
        if buf.size:
            paint(out, occ_out, r0, c0, buf, *_temperature_field(occ))
            if mask_out is not mask:
                mask_out[r0:r0 + buf.shape[0], c0:c0 + buf.shape[1]][buf] = label
    return out, mask_out, occ_out


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


# --------------------------------------------------------------------------- validation


def _check_shape(shape):
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in shape)):
        raise TypeError(f"shape must be a pair of ints (H, W), got {shape!r}")
    if shape[0] < 1 or shape[1] < 1:
        raise ValueError(f"shape must be positive, got {tuple(shape)}")
    return int(shape[0]), int(shape[1])


def _check_occluded(occluded, shape):
    if occluded is None:
        return None
    if not isinstance(occluded, np.ndarray) or occluded.dtype != bool:
        raise TypeError(f"occluded must be a bool numpy.ndarray or None, got {occluded!r:.60}")
    if occluded.shape != tuple(shape):
        raise ValueError(f"occluded must have the image's shape {tuple(shape)}, "
                         f"got {occluded.shape}")
    return occluded


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


# --------------------------------------------------------------------------- transforms


class _Occluding(Transform):
    """Shared part of the occluder transforms: label policy and painting of ``params``."""

    def __init__(self, label_policy, ignore_index, p):
        super().__init__(p)
        self.label_policy = check_choice(label_policy, "label_policy", LABEL_POLICIES)
        self.ignore_index = _check_ignore_index(ignore_index)

    def apply(self, params, image, mask, occluded):
        label = _label_value(self.label_policy, self.ignore_index, mask)
        return _occlude(image, mask, occluded, params["occluders"], label)


class ThermalOcclusion(_Occluding):
    """Synthetic objects hotter and/or colder than the face (the paper's TiAug occlusion).

    Each call draws `count` objects, each an irregular polygon, a thick line, two connected
    shapes at one temperature or two independent shapes near each other (each its own
    temperature). Centres are uniform over the whole frame and sizes are fractions of
    ``min(H, W)``, so the occluded-area fraction does not depend on the resolution.

    Parameters
    ----------
    temperature : {"any", "hot", "cold"} or (float, float), optional
        ``"any"``: uniform in ``[min - D, max + D]`` of the current frame with
        ``D = max(max - min, 1 °C)`` (the paper's reference); ``"hot"``: in ``(max, max + D]``,
        every occluder pixel strictly hotter than every input pixel; ``"cold"``: in
        ``[min - D, min)``, strictly colder; a pair ``(lo, hi)``: absolute °C range.
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of occluded pixels: unchanged (the paper), `ignore_index`, or class 0.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``; must fit the mask's dtype (checked per call).
    count : int or (int, int), optional
        Number of objects per call, drawn uniformly from the inclusive range.
    size : float or (float, float), optional
        Outer radius of a polygon / half length of a line, as a fraction of ``min(H, W)``.
    line_width : float or (float, float), optional
        Width of lines (and of the bar joining connected shapes), fraction of ``min(H, W)``.
    shapes : sequence of {"polygon", "line", "connected", "pair"}, optional
        Kinds of objects to draw from, uniformly.
    gradient : float, optional
        Largest temperature difference in °C across one object (a linear gradient in a random
        direction, kept inside the temperature range); 0 gives uniform objects.
    p : float, optional
        Probability of applying the transform.

    Raises
    ------
    TypeError, ValueError
        For parameters of the wrong type or out of range (checked here, when built).

    Notes
    -----
    Real scenes hold objects hotter (sun, radiators, hot drinks) and colder (windows, cold drinks)
    than the face; such objects break the bimodal histogram of controlled recordings (paper,
    Sec. 3.2). Defaults: one to three objects of radius 10-35 % of the short side, lines 4-10 %
    wide, a mild 1 °C gradient; on synthetic face frames they cover about 7 % of the frame on
    average and touch the face in about 40 % of calls (the reference used a fixed 10-24 px in
    the top-left square only).
    Temperatures are rounded to the frame's dtype inside the drawn range, so "hot"/"cold" hold
    exactly for float32 and float64 (an absolute range too narrow to hold any value of the dtype
    gives the nearest one). Pixels outside the occluders are bit-identical to the input;
    ``out["occluded"]`` marks the occluded ones exactly.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import ThermalOcclusion
    >>> temps = np.random.default_rng(0).uniform(20.0, 36.0, (48, 64)).astype(np.float32)
    >>> out = ThermalOcclusion(temperature="hot")(image=temps, rng=1)
    >>> bool((out["image"][out["occluded"]] > temps.max()).all())
    True
    >>> bool((out["image"][~out["occluded"]] == temps[~out["occluded"]]).all())
    True
    """

    def __init__(self, temperature="any", label_policy="keep", ignore_index=255, count=(1, 3),
                 size=(0.1, 0.35), line_width=(0.04, 0.1),
                 shapes=("polygon", "line", "connected", "pair"), gradient=1.0, p=1.0):
        super().__init__(label_policy, ignore_index, p)
        if isinstance(temperature, str):
            self.temperature = check_choice(temperature, "temperature", ("any", "hot", "cold"))
        else:
            self.temperature = check_range(temperature, "temperature")
        self.count = _check_count(count)
        self.size = check_range(size, "size", low=0.0, high=1.0, low_inclusive=False)
        self.line_width = check_range(line_width, "line_width", low=0.0, high=1.0,
                                      low_inclusive=False)
        if isinstance(shapes, str) or not isinstance(shapes, (tuple, list)) or not shapes:
            raise TypeError(f"shapes must be a non-empty sequence of {SHAPES}, got {shapes!r}")
        self.shapes = tuple(check_choice(s, "shapes[i]", SHAPES) for s in shapes)
        self.gradient = check_number(gradient, "gradient", low=0.0)

    def sample(self, image, mask, rng):
        height, width = image.shape
        m = min(height, width)
        lo, hi = self._bounds(image)
        occluders = []
        for _ in range(int(rng.integers(self.count[0], self.count[1] + 1))):
            kind = self.shapes[int(rng.integers(len(self.shapes)))]
            centre = np.array([rng.uniform(-0.5, height - 0.5), rng.uniform(-0.5, width - 0.5)])
            radius = rng.uniform(*self.size) * m
            line_width = rng.uniform(*self.line_width) * m
            phi = rng.uniform(0.0, 2.0 * np.pi)
            other = centre + radius * rng.uniform(1.0, 2.0) * np.array([np.sin(phi), np.cos(phi)])
            if kind == "polygon":
                groups = [[shapes_.polygon(rng, centre, radius)]]
            elif kind == "line":
                groups = [[shapes_.polyline(rng, centre, radius, line_width)]]
            elif kind == "connected":
                groups = [[shapes_.polygon(rng, centre, 0.6 * radius),
                           shapes_.polygon(rng, other, 0.6 * radius),
                           {"type": "line", "points": np.array([centre, other]),
                            "width": line_width}]]
            else:
                groups = [[self._single(rng, c, 0.6 * radius, line_width)] for c in (centre, other)]
            for group in groups:
                occluders.append(_with_temperature(rng, group, centre, radius, lo, hi,
                                                   self.gradient, image.dtype))
        return {"occluders": occluders}

    def _bounds(self, image):
        """Representable (lo, hi) of the temperature range for `image`'s dtype."""
        if not isinstance(self.temperature, str):
            return _representable(*self.temperature, image.dtype)
        tmin, tmax = float(image.min()), float(image.max())
        spread = max(tmax - tmin, MIN_SPREAD)
        if self.temperature == "hot":
            return _representable(tmax, tmax + spread, image.dtype, strict_lo=True)
        if self.temperature == "cold":
            return _representable(tmin - spread, tmin, image.dtype, strict_hi=True)
        return _representable(tmin - spread, tmax + spread, image.dtype)

    @staticmethod
    def _single(rng, centre, radius, line_width):
        if rng.random() < 0.5:
            return shapes_.polygon(rng, centre, radius)
        return shapes_.polyline(rng, centre, radius, line_width)


def _check_count(count):
    lo, hi = check_range(count, "count", low=1.0)
    if lo != int(lo) or hi != int(hi):
        raise ValueError(f"count must be whole numbers, got {count!r}")
    return int(lo), int(hi)


def _representable(lo, hi, dtype, strict_lo=False, strict_hi=False):
    """The smallest/largest values of `dtype` inside [lo, hi] (open ends with `strict_*`)."""
    f = np.dtype(dtype).type
    low, high = f(lo), f(hi)
    # Compare as Python floats: NumPy would compare a float32 with a Python float in float32.
    if float(low) < lo or (strict_lo and float(low) == lo):
        low = np.nextafter(low, f(np.inf))
    if float(high) > hi or (strict_hi and float(high) == hi):
        high = np.nextafter(high, f(-np.inf))
    return float(low), float(high)


def _with_temperature(rng, shapes, centre, radius, lo, hi, gradient, dtype):
    """An occluder of `shapes` at a temperature drawn in [lo, hi] (values representable in dtype).

    With a gradient the two ends of an axis through `centre` (length 2 * radius, random direction)
    get temperatures at most `gradient` apart, both in [lo, hi].
    """
    f = np.dtype(dtype).type

    def fit(t):
        return min(max(float(f(t)), lo), hi)

    t0 = rng.uniform(lo, hi)
    if gradient == 0.0:
        return {"shapes": shapes, "temperature": fit(t0)}
    t1 = t0 + rng.uniform(-gradient, gradient)
    phi = rng.uniform(0.0, 2.0 * np.pi)
    step = max(radius, 0.5) * np.array([np.sin(phi), np.cos(phi)])
    return {"shapes": shapes, "temperature": (fit(t0), fit(t1)),
            "axis": (tuple(centre - step), tuple(centre + step))}


class Eyeglasses(_Occluding):
    """Eyeglasses: two opaque lenses below skin temperature and a thin frame.

    With a mask that labels the eyes (`eye_label`), the lenses are centred on the two eyes (split
    along the line through them, so any in-plane rotation works) and scaled by the eye distance;
    otherwise the glasses go to a plausible place: upright, eyes 25-40 % of the short side apart,
    in the upper middle of the frame.

    Parameters
    ----------
    lens_offset : float or (float, float), optional
        Lens temperature relative to the warmest pixel of the frame, °C.
    frame_offset : float or (float, float), optional
        Frame (rims, bridge, temples) temperature relative to the warmest pixel, °C.
    lens_size : float or (float, float), optional
        Lens semi-axis along the eye line, as a fraction of the eye distance, in (0, 0.5].
    lens_aspect : float or (float, float), optional
        Lens height over width, in (0, 1].
    frame_width : float or (float, float), optional
        Rim and bridge width, fraction of the eye distance (temples are 80 % of it).
    eye_label : int, optional
        Class of the eyes in the mask (3 in the 6-class scheme background, chin, mouth, eyes,
        eyebrows, nose).
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of covered pixels, as in :class:`ThermalOcclusion`.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``.
    p : float, optional
        Probability of applying the transform.

    Notes
    -----
    Glass and common lens polymers are opaque in the long-wave infrared (8-14 µm): a thermal
    camera sees the lens surface itself, not the eye behind it. The lens sits 1-2 cm in front of
    the face, is cooled by the air and reflects the (cooler) surroundings, so it appears several
    °C below the periorbital skin: the default is 3-8 °C below the warmest pixel, which in a face
    frame is the inner eye corner (~35-37 °C). Frames rest on the nose and temples and run warmer
    than the lenses (1-5 °C below the warmest pixel). Lens width is about 0.8x the interpupillary
    distance (~50 mm lenses at ~63 mm), height 0.6-0.85x the width, rims 2-4 mm wide.
    With a 6-class mask the labels are otherwise kept (``label_policy="keep"``): the eyes are
    still behind the lenses, which is what a segmenter should learn.

    The frame's warmest pixel is the reference, so apply :class:`Eyeglasses` before
    :class:`ThermalOcclusion` (a hot synthetic object would otherwise become the reference).
    The mask reaches the placement through ``t(image=..., mask=...)``; a pipeline that calls
    :meth:`sample` without it gets the plausible placement.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.occlusion import Eyeglasses
    >>> temps = np.full((64, 80), 34.0, np.float32)
    >>> labels = np.zeros((64, 80), np.uint8)
    >>> labels[28:32, 20:28] = labels[28:32, 52:60] = 3
    >>> out = Eyeglasses()(image=temps, mask=labels, rng=0)
    >>> bool(out["occluded"][labels == 3].mean() > 0.9)
    True
    """

    def __init__(self, lens_offset=(-8.0, -3.0), frame_offset=(-5.0, -1.0),
                 lens_size=(0.38, 0.46), lens_aspect=(0.6, 0.85), frame_width=(0.03, 0.07),
                 eye_label=3, label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(label_policy, ignore_index, p)
        self.lens_offset = check_range(lens_offset, "lens_offset")
        self.frame_offset = check_range(frame_offset, "frame_offset")
        self.lens_size = check_range(lens_size, "lens_size", low=0.0, high=0.5,
                                     low_inclusive=False)
        self.lens_aspect = check_range(lens_aspect, "lens_aspect", low=0.0, high=1.0,
                                       low_inclusive=False)
        self.frame_width = check_range(frame_width, "frame_width", low=0.0, high=0.5,
                                       low_inclusive=False)
        if isinstance(eye_label, bool) or not isinstance(eye_label, numbers.Integral):
            raise TypeError(f"eye_label must be an int, got {type(eye_label).__name__}")
        self.eye_label = int(eye_label)

    def sample(self, image, mask, rng):
        eyes = None if mask is None else shapes_.eye_centres(mask, self.eye_label)
        if eyes is None:
            height, width = image.shape
            d = rng.uniform(0.25, 0.4) * min(height, width)
            angle = np.pi / 2 + rng.uniform(-0.2, 0.2)
            centre = np.array([rng.uniform(0.3, 0.5) * height, rng.uniform(0.35, 0.65) * width])
            half = 0.5 * d * np.array([np.cos(angle), np.sin(angle)])
            eyes = (centre - half, centre + half)
        warmest = float(image.max())
        lenses, frame = shapes_.eyeglasses(*eyes, rng.uniform(*self.lens_size),
                                           rng.uniform(*self.lens_aspect),
                                           rng.uniform(*self.frame_width), rng.uniform(0.3, 0.6))
        return {"occluders": [
            {"shapes": lenses, "temperature": warmest + rng.uniform(*self.lens_offset)},
            {"shapes": frame, "temperature": warmest + rng.uniform(*self.frame_offset)},
        ]}


class HeldCup(_Occluding):
    """A cup with a handle, hot or cold drink, rising into the frame from the bottom border.

    Parameters
    ----------
    hot : float or (float, float), optional
        Outer wall temperature of a cup holding a hot drink, °C.
    cold : float or (float, float), optional
        Outer wall temperature of a cup holding a cold drink, °C.
    p_hot : float, optional
        Probability that the drink is hot.
    width : float or (float, float), optional
        Rim width as a fraction of ``min(H, W)``; the height is 1-1.4x the width.
    gradient : float, optional
        Largest difference in °C between base and rim: the rim, above the liquid, is closer to
        room temperature (cooler for a hot drink, warmer for a cold one).
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of covered pixels, as in :class:`ThermalOcclusion`.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``.
    p : float, optional
        Probability of applying the transform.

    Notes
    -----
    The outer wall of a ceramic or paper cup with fresh coffee or tea reads ~45-65 °C, far above
    skin (~34-36 °C); a cup with an iced drink ~5-12 °C. Both are common in front of faces
    (drinking, video calls) and saturate a per-image min-max normalisation, which is what makes
    them hard. The cup is upright (tilted up to 20 degrees), 15-30 % of the short side wide, its
    base at or below the bottom border; the handle is on a random side.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.occlusion import HeldCup
    >>> temps = np.full((48, 64), 30.0)
    >>> out = HeldCup(p_hot=1.0)(image=temps, rng=0)
    >>> bool(out["image"][out["occluded"]].min() >= 45.0 - 3.0)
    True
    """

    def __init__(self, hot=(45.0, 65.0), cold=(5.0, 12.0), p_hot=0.5, width=(0.15, 0.3),
                 gradient=3.0, label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(label_policy, ignore_index, p)
        self.hot = check_range(hot, "hot")
        self.cold = check_range(cold, "cold")
        self.p_hot = check_probability(p_hot, "p_hot")
        self.width = check_range(width, "width", low=0.0, high=1.0, low_inclusive=False)
        self.gradient = check_number(gradient, "gradient", low=0.0)

    def sample(self, image, mask, rng):
        is_hot = rng.random() < self.p_hot
        t_base = rng.uniform(*(self.hot if is_hot else self.cold))
        shapes, base, top = shapes_.cup(rng, image.shape, rng.uniform(*self.width)
                                        * min(image.shape))
        t_rim = t_base + (-1.0 if is_hot else 1.0) * rng.uniform(0.0, self.gradient)
        return {"occluders": [{"shapes": shapes, "temperature": (t_base, t_rim),
                               "axis": (tuple(base), tuple(top))}]}


class HandOcclusion(_Occluding):
    """A hand (palm, four fingers, thumb) on a forearm entering from the bottom, left or right.

    Parameters
    ----------
    offset : float or (float, float), optional
        Temperature of the palm relative to the warmest pixel of the frame, °C.
    fingertip_drop : float or (float, float), optional
        How much cooler the fingertips are than the wrist, °C (a linear gradient).
    size : float or (float, float), optional
        Hand length (wrist to fingertip), fraction of ``min(H, W)``.
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of covered pixels, as in :class:`ThermalOcclusion`.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``.
    p : float, optional
        Probability of applying the transform.

    Notes
    -----
    Hands are the most frequent occluder of faces (chin or cheek resting on a hand, covering the
    mouth) and the hardest for a thermal segmenter: skin on skin, the hand reads ~32-35 °C, only
    1-4 °C below the face core (the default offset from the warmest pixel, the inner eye corner),
    and the fingers cool towards the tips (vasoconstriction; default 0-2 °C). A hand is about as
    long as a face is high, hence 40-80 % of the short side of a face crop.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.occlusion import HandOcclusion
    >>> temps = np.full((48, 64), 35.0)
    >>> out = HandOcclusion()(image=temps, rng=0)
    >>> bool(out["image"][out["occluded"]].max() < 35.0)
    True
    """

    def __init__(self, offset=(-4.0, -1.0), fingertip_drop=(0.0, 2.0), size=(0.4, 0.8),
                 label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(label_policy, ignore_index, p)
        self.offset = check_range(offset, "offset")
        self.fingertip_drop = check_range(fingertip_drop, "fingertip_drop", low=0.0)
        self.size = check_range(size, "size", low=0.0, high=2.0, low_inclusive=False)

    def sample(self, image, mask, rng):
        t_wrist = float(image.max()) + rng.uniform(*self.offset)
        t_tip = t_wrist - rng.uniform(*self.fingertip_drop)
        shapes, wrist, tip = shapes_.hand(rng, image.shape, rng.uniform(*self.size)
                                          * min(image.shape))
        return {"occluders": [{"shapes": shapes, "temperature": (t_wrist, t_tip),
                               "axis": (tuple(wrist), tuple(tip))}]}

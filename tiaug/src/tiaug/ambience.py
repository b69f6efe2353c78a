"""The room and the body: a face's temperatures in another room or physiological state.

Two physical effects, applied to raw °C frames:

- **The room.** Perfused skin is held near body temperature: it follows the air by a small
  *skin response* ``r`` (°C per °C), and the warm features on it (the inner canthi, the mouth)
  with it, so the contrasts within the skin stay. Every other surface (the wall, clothing, hair,
  the ears' rims, a nose tip that loses heat) keeps its heat exchange: it stays at the same
  fraction of the way from the air to the skin, so its contrast to the skin scales with the
  skin-to-air difference. In a room at ``a'`` a pixel at ``T`` (frame at ambient ``a``, skin
  ``s``) goes to ``T + (a' - a)`` at or below ``a``, ``T + r (a' - a) (37 - T) / (37 - s)`` in
  the skin band above ``e = s - 0.1 (s - a)`` (the skin by ``r (a' - a)``, nothing at the 37 °C
  core, which no room warms a face past), and in between to ``a' + (T - a) (e' - a') / (e -
  a)``, with ``e'`` where the band's edge went. The map is continuous, needs no labels (it
  never traces a label border) and is not affine on the face: a warm room squeezes everything
  between the air and the skin while the skin keeps its own contrasts, a change that a
  per-frame normalisation does not undo.
- **The body.** Physiological states move regions against each other: the nose tip cools under
  stress and cold and warms at rest or after alcohol, the periorbital and perinasal regions
  change with arousal, and the nostrils and mouth follow the breathing phase. With labels, each
  region gets a smooth, compact bump of temperature change placed and sized from the labelled
  eyes, nose and mouth (in units of the interpupillary distance, so the result does not depend
  on the resolution), never following a label's outline.

:class:`ThermalAmbience` draws both; :func:`ambience` applies explicit ones.
"""

import math
import numbers
from functools import lru_cache

import numpy as np

from ._base import Transform, drawn_value, result
from ._validation import (
    ABSOLUTE_ZERO,
    MAX_DIFFERENCE,
    MAX_SIDE,
    MAX_TEMPERATURE,
    check_ignore_index,
    check_image,
    check_mask,
    check_number,
    check_occluded,
    check_range,
)
from .scene import _scene_temperatures, check_scene

#: Body core temperature (°C): no room warms skin past it.
CORE = 37.0
#: Highest room temperature (°C) a frame can be moved to.
MAX_AMBIENT = 36.0
#: Lowest room temperature (°C) a frame can be moved to.
MIN_AMBIENT = -40.0
#: The body's regions, in the order their changes are drawn.
REGIONS = ("nose", "periorbital", "perinasal", "breathing")
#: Labels of the regions' landmarks in :mod:`tiaug.datasets` frames, the default `classes`.
DEFAULT_CLASSES = {"mouth": 2, "eyes": 3, "nose": 5}

# Bump radii and offsets in interpupillary distances (IPD, ~63 mm in adults, Farkas 1994).
_RADIUS = {"nose": 0.45, "periorbital": 0.45, "perinasal": 0.25, "nostrils": 0.2, "mouth": 0.3}
_PERINASAL_OFFSET = 0.3  # beside the nose tip, over the alae and the nasolabial creases
_NOSTRIL_OFFSET = 0.15  # below the nose tip
_EYES_TO_TIP = 0.6  # where the nose tip is without a labelled nose
_TIP_TO_MOUTH = 0.45  # where the mouth is without a labelled mouth
_NOSE_LENGTH = 0.7  # nose length (root to base) in IPD: the scale without two labelled eyes
# Two labelled eyes are told from one when the halves' centroids lie this many times farther
# apart than the halves' spread along the eye line (one eye split in two: about 3.5).
_TWO_EYES = 5.0
# Labels are read on a grid of at most this many points: enough for centroids to a pixel.
_LABEL_SAMPLE = 1 << 14
# Labels of `classes` must lie within this span: they index a lookup table that long.
_MAX_LABEL_SPAN = 1 << 16
# Smallest bump radius in pixels.
_MIN_RADIUS = 1e-3
# Below this ambient-to-skin span (°C) the bumps weigh every pixel fully (a uniform frame).
_MIN_HALF_SPAN = 0.5
# The farthest a warm room moves the skin band towards the core (a fraction of the way).
_MAX_GAIN = 0.9
#: The skin band: the pixels within this fraction of the skin-to-air difference below the skin
#: temperature, and all warmer ones (an assumption: perfused skin spans about 1 °C below the
#: face's median in a 22 °C room; the heat-losing nose tip, 1.5-4 °C below, is outside it).
SKIN_BAND = 0.1
#: Range of the skin response (°C of skin per °C of air) that ThermalAmbience draws from.
SKIN_RESPONSE = (0.1, 0.35)


def ambience(image, ambient, spots=(), *, skin_response=0.2, scene=None, mask=None,
             occluded=None):
    """Move a frame to a room at `ambient` °C and add smooth bumps of skin temperature change.

    Parameters
    ----------
    image : ndarray of float32 or float64, shape (H, W)
        Temperatures in °C.
    ambient : float or None
        Temperature of the new room in °C, in [-40, 36]; None keeps the room. With the frame's
        own ambient ``a`` and skin ``s`` (see `scene`) and ``e = s - 0.1 (s - a)``, a pixel at
        ``T`` moves by ``ambient - a`` at or below ``a``, by ``skin_response * (ambient - a) *
        (37 - T) / (37 - s)`` above ``e`` (the skin band), and in between to the same fraction
        of the way from the new air to the band's new edge (module docstring).
    spots : sequence of dict, optional
        Bumps of skin temperature change, each ``{"center": (row, col), "radius": r, "delta":
        d}``: ``d * (1 - dist**2 / r**2)**2`` °C within ``r`` pixels of the centre (peak ``d``,
        smooth, zero from ``r`` on), weighted by how warm the input pixel is (full at half the way
        from ambient to skin and above, none at ambient), none on `occluded` pixels.
    skin_response : float, optional
        °C the skin moves per °C of room change, in [0, 1].
    scene : (float, float), optional
        The input's ambient and skin temperatures in °C; None estimates them with
        :func:`tiaug.scene.scene_temperatures` from `image` and `mask`.
    mask : ndarray of int, shape (H, W), optional
        Labels; returned unchanged (as a copy) and, with `scene` None, used for the estimate.
    occluded : ndarray of bool, shape (H, W), optional
        Pixels covered by occluders: no bumps there. Returned unchanged (as a copy).

    Returns
    -------
    dict
        ``"image"``, ``"mask"`` (only when `mask` is given) and ``"occluded"``, all new arrays;
        see :mod:`tiaug.functional`. The image has `image`'s dtype.

    Raises
    ------
    TypeError
        If `image` is not a float array, `ambient` not a number or None, `spots` not a sequence
        of such dicts, `scene` not a pair of numbers, or `mask` / `occluded` not an integer /
        bool array.
    ValueError
        If `image` is not a finite 2-D frame, `ambient` is outside [-40, 36], `skin_response`
        outside [0, 1], a spot's centre or
        radius is not finite (radius in [0.001, 65536]) or its delta is outside [-10000, 10000],
        `scene` holds a temperature outside [-273.15, 10000], or `mask` / `occluded` has
        another shape.

    See Also
    --------
    ThermalAmbience : draws the room and the regions' changes, placing the spots by label.

    Examples
    --------
    A wall at 20 °C, hair at 27 °C and skin at 34 °C, moved to a 30 °C room: the wall follows
    fully, the skin by a fifth of the change, and the hair stays 0.56 of the way from the air to
    the skin band's edge (20 to 32.6 °C before, 30 to 35.5 °C after).

    >>> import numpy as np
    >>> from tiaug.functional import ambience
    >>> temps = np.array([[20.0, 27.0], [34.0, 34.0]])
    >>> ambience(temps, 30.0, scene=(20.0, 34.0))["image"].round(2)
    array([[30.  , 33.07],
           [36.  , 36.  ]])
    """
    image = check_image(image)
    ambient = None if ambient is None else _check_ambient(ambient, "ambient")
    skin_response = _check_response(skin_response, "skin_response")
    spots = _check_spots(spots)
    mask = check_mask(mask, image.shape)
    occluded = check_occluded(occluded, image.shape)
    if scene is None:
        scene = _scene_temperatures(image, mask)
    else:
        scene = check_scene(scene)
    out = _ambience(image, occluded, scene, ambient, spots, skin_response)
    return result(out, mask, occluded, image, mask, occluded)


def _check_ambient(value, name):
    return check_number(value, name, low=MIN_AMBIENT, high=MAX_AMBIENT)


def _check_response(value, name):
    return check_number(value, name, low=0.0, high=1.0)


def _check_spots(spots, name="spots"):
    """`spots` as a (k, 4) float64 array of (row, col, radius, delta)."""
    if isinstance(spots, (str, bytes, dict)) or not hasattr(spots, "__iter__"):
        raise TypeError(f"{name} must be a sequence of dicts with 'center', 'radius' and "
                        f"'delta', got {type(spots).__name__}")
    rows = []
    for k, spot in enumerate(spots):
        where = f"{name}[{k}]"
        if not isinstance(spot, dict) or set(spot) != {"center", "radius", "delta"}:
            raise TypeError(f"{where} must be a dict with the keys 'center', 'radius' and "
                            f"'delta', got {spot!r:.80}")
        center = spot["center"]
        if not isinstance(center, (tuple, list, np.ndarray)) or len(center) != 2:
            raise TypeError(f"{where}['center'] must be a (row, col) pair, got {center!r:.80}")
        row = check_number(center[0], f"{where}['center'][0]", low=-4.0 * MAX_SIDE,
                           high=4.0 * MAX_SIDE)
        col = check_number(center[1], f"{where}['center'][1]", low=-4.0 * MAX_SIDE,
                           high=4.0 * MAX_SIDE)
        # Smaller bumps reach no pixel but the one at their centre, and 1 / radius**2 would
        # overflow.
        radius = check_number(spot["radius"], f"{where}['radius']", low=_MIN_RADIUS,
                              high=2.0 * MAX_SIDE)
        delta = check_number(spot["delta"], f"{where}['delta']", low=-MAX_DIFFERENCE,
                             high=MAX_DIFFERENCE)
        rows.append((row, col, radius, delta))
    return np.array(rows, np.float64).reshape(-1, 4)


def _ambience(image, occluded, scene, ambient, spots, skin_response):
    """The frame moved to `ambient` (None: kept) plus the (k, 4) `spots`; checked arguments."""
    from ._kernels.ambience import move

    image = np.ascontiguousarray(image)
    before, skin = scene
    dtype = image.dtype.type
    # A colder room or a hand-edited bump must not leave the temperatures a camera reports.
    low, high = dtype(ABSOLUTE_ZERO), dtype(MAX_TEMPERATURE)
    span = skin - before
    if ambient is None:
        if not spots.shape[0]:
            return image.copy()
        shift = gain = slope = 0.0
        edge = before
    elif span < _MIN_HALF_SPAN:
        # Nothing warmer than the air: no skin, the whole frame follows the room.
        shift, gain, slope, edge = ambient - before, 0.0, 0.0, MAX_TEMPERATURE
    else:
        shift = ambient - before
        # The skin moves by r * shift; the band's warmer pixels less, none at the core, so no
        # room warms a face past the body's temperature, and at most _MAX_GAIN of the way there
        # (the band keeps its order).
        gain = min(skin_response * shift / max(CORE - skin, 1.0), _MAX_GAIN)
        edge = skin - SKIN_BAND * span
        new_edge = edge + gain * max(CORE - edge, 0.0)
        # The passive band [before, edge] keeps each pixel's fraction of the way from the air to
        # the band's edge.
        slope = (new_edge - ambient) / (edge - before) - 1.0
    occ = (np.zeros((0, 0), np.uint8) if occluded is None or not spots.shape[0]
           else np.ascontiguousarray(occluded).view(np.uint8))
    half = max(0.5 * span, _MIN_HALF_SPAN)
    return move(image, occ, dtype(shift), dtype(before), dtype(edge), dtype(slope), dtype(gain),
                dtype(CORE), dtype(1.0 / half), spots, low, high, np.empty_like(image))


# ---------------------------------------------------------------- where the regions are
def face_anchors(mask, classes=None):
    """Where the body's regions are in a labelled frame, and how large.

    Parameters
    ----------
    mask : ndarray of int, shape (H, W)
        Class labels.
    classes : dict, optional
        Label value of the ``"eyes"`` (both in one label), ``"nose"`` and ``"mouth"``; a region
        left out or absent from `mask` is placed from the others. None: :data:`DEFAULT_CLASSES`,
        the labels of :mod:`tiaug.datasets`.

    Returns
    -------
    dict
        ``{region: [(row, col, radius), ...]}`` for the regions of :data:`REGIONS` that can be
        placed (pixels): ``"nose"`` the nose tip, ``"periorbital"`` one per eye,
        ``"perinasal"`` both sides of the nose tip, ``"breathing"`` the nostrils and the mouth.
        Empty when neither eyes, nose nor mouth are labelled.

    Raises
    ------
    TypeError
        If `mask` is not an integer array or `classes` not a dict of int labels.
    ValueError
        If `mask` is not 2-D or `classes` has an unknown key.

    Notes
    -----
    Sizes are in units of the interpupillary distance (IPD), from the two labelled eyes' centres;
    without two eyes, from the length of the labelled nose (0.7 IPD) or the width of the mouth.
    "Down" is across the eye line, towards the nose and mouth. The nose tip is one standard
    deviation of the nose's pixels below their centroid (the labelled nose runs from its root
    between the eyes to its base).

    Examples
    --------
    >>> from tiaug.datasets import make_face
    >>> from tiaug.ambience import face_anchors
    >>> _, labels = make_face((128, 160), subject=0, rng=0)
    >>> sorted(face_anchors(labels)), len(face_anchors(labels)["periorbital"])
    (['breathing', 'nose', 'perinasal', 'periorbital'], 2)
    """
    if not isinstance(mask, np.ndarray) or mask.ndim != 2:
        raise (TypeError if not isinstance(mask, np.ndarray) else ValueError)(
            f"mask must be a 2-D numpy.ndarray of integer labels, got "
            f"{getattr(mask, 'shape', type(mask).__name__)}")
    mask = check_mask(mask, mask.shape)
    return _anchors(mask, _check_classes(classes))


def _check_classes(classes, name="classes"):
    if classes is None:
        return dict(DEFAULT_CLASSES)
    if not isinstance(classes, dict):
        raise TypeError(f"{name} must be a dict of label values, e.g. {DEFAULT_CLASSES}, "
                        f"got {type(classes).__name__}")
    unknown = sorted(set(classes) - set(DEFAULT_CLASSES), key=str)
    if unknown:
        raise ValueError(f"{name} may hold the keys {sorted(DEFAULT_CLASSES)}, got "
                         f"{unknown[0]!r}")
    for key, value in classes.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name}[{key!r}] must be an int label, got {value!r:.40}")
    values = [int(v) for v in classes.values()]
    # The labels are looked up in a table spanning them (see _moments).
    if values and max(values) - min(values) >= _MAX_LABEL_SPAN:
        raise ValueError(f"{name} must hold labels less than {_MAX_LABEL_SPAN} apart, got "
                         f"{min(values)} and {max(values)}")
    return {k: int(v) for k, v in classes.items()}


def _moments(mask, labels):
    """{label: (n, (row, col) mean, (var rr, cov rc, var cc), (first row, last row))} of the
    labels present, read on a grid of at most 2**14 points, and the grid's step."""
    from ._kernels.ambience import label_moments

    step = max(1, int(math.ceil(math.sqrt(mask.size / _LABEL_SAMPLE))))
    lo, lut = _label_table(tuple(labels))
    m = label_moments(mask, lut, lo, step, np.empty((len(labels), 8)))
    out = {}
    for label, (n, sr, sc, srr, src, scc, first, last) in zip(labels, m.tolist(), strict=True):
        if n > 0:
            mr, mc = sr / n, sc / n
            out[label] = (n, (mr, mc), (srr / n - mr * mr, src / n - mr * mc, scc / n - mc * mc),
                          (int(first), int(last)))
    return out, step


@lru_cache(maxsize=8)  # a transform's classes give the same table on every frame
def _label_table(labels):
    """``(lowest, table)`` of the tuple `labels`: ``table[v - lowest]`` is the index in `labels`
    of label ``v`` (the last one if repeated), ``len(labels)`` for values between that are none
    of them."""
    lo = min(labels)
    lut = np.full(max(labels) - lo + 1, len(labels), np.intp)
    for k, label in enumerate(labels):
        lut[label - lo] = k
    lut.flags.writeable = False
    return lo, lut


def _axis(cov):
    """Unit vector (row, col) of the principal axis of a covariance (var rr, cov rc, var cc),
    and the variances along and across it."""
    a, b, c = cov
    theta = 0.5 * math.atan2(2.0 * b, a - c)
    ur, uc = math.cos(theta), math.sin(theta)
    along = max(ur * ur * a + 2.0 * ur * uc * b + uc * uc * c, 0.0)
    return (ur, uc), along, max(a + c - along, 0.0)


def _spread(cov, direction):
    """Standard deviation of a covariance along a unit `direction`."""
    (a, b, c), (ur, uc) = cov, direction
    return math.sqrt(max(ur * ur * a + 2.0 * ur * uc * b + uc * uc * c, 0.0))


def _eyes(mask, label, moments, step):
    """Centres of the two labelled eyes, or None when the label holds one eye (or none)."""
    from ._kernels.ambience import split_moments

    _, mean, cov, (first, last) = moments
    (ar, ac), _, _ = _axis(cov)
    # Only the label's rows are read again.
    m = split_moments(mask, np.int64(label), step, first, last, mean[0], mean[1], ar, ac,
                      np.empty((2, 5))).tolist()
    if not (m[0][0] > 0 and m[1][0] > 0):
        return None
    along = [s[3] / s[0] for s in m]
    spread = [math.sqrt(max(s[4] / s[0] - p * p, 0.0)) for s, p in zip(m, along, strict=True)]
    if along[1] - along[0] < _TWO_EYES * (0.5 * (spread[0] + spread[1]) + 0.5 * step):
        return None
    return tuple((s[1] / s[0], s[2] / s[0]) for s in m)


def _anchors(mask, classes):
    present, step = _moments(mask, list(classes.values()))
    found = {k: present[v] for k, v in classes.items() if v in present}
    eyes = nose = mouth = None
    if "eyes" in found:
        eyes = _eyes(mask, classes["eyes"], found["eyes"], step)
    if "nose" in found:
        nose = found["nose"]
    if "mouth" in found:
        mouth = found["mouth"]
    if eyes is None and nose is None and mouth is None:
        return {}

    # Scale (one IPD in pixels) and the face's down direction (row, col).
    below = nose[1] if nose is not None else (mouth[1] if mouth is not None else None)
    if eyes is not None:
        (r1, c1), (r2, c2) = eyes
        ipd = math.hypot(r2 - r1, c2 - c1)
        down = ((c2 - c1) / ipd, -(r2 - r1) / ipd)
        mid = (0.5 * (r1 + r2), 0.5 * (c1 + c2))
        flip = (down[0] < 0.0 if below is None else
                (below[0] - mid[0]) * down[0] + (below[1] - mid[1]) * down[1] < 0.0)
    elif nose is not None:
        down, along, _ = _axis(nose[2])
        ipd = max(math.sqrt(12.0 * along) / _NOSE_LENGTH, 1.0)
        toward = ((mouth[1][0] - nose[1][0], mouth[1][1] - nose[1][1]) if mouth is not None
                  else (1.0, 0.0))
        flip = down[0] * toward[0] + down[1] * toward[1] < 0.0
    else:
        down, flip = (1.0, 0.0), False
        # A closed mouth is about 0.8 IPD wide (Farkas: mouth 5.0 cm, IPD 6.3 cm).
        ipd = max(math.sqrt(12.0 * _axis(mouth[2])[1]) / 0.8, 1.0)
    if flip:
        down = (-down[0], -down[1])
    right = (-down[1], down[0])

    def at(point, d=0.0, r=0.0):
        """`point` moved `d` IPD down and `r` IPD right."""
        return (point[0] + ipd * (d * down[0] + r * right[0]),
                point[1] + ipd * (d * down[1] + r * right[1]))

    if nose is not None:
        tip = at(nose[1], _spread(nose[2], down) / ipd)
    elif eyes is not None:
        tip = at(mid, _EYES_TO_TIP)
    else:
        tip = at(mouth[1], -_TIP_TO_MOUTH)
    mouth_centre = mouth[1] if mouth is not None else at(tip, _TIP_TO_MOUTH)

    def place(point, region):
        return (float(point[0]), float(point[1]), float(_RADIUS[region] * ipd))

    anchors = {"nose": [place(tip, "nose")]}
    if eyes is not None:
        anchors["periorbital"] = [place(e, "periorbital") for e in eyes]
    anchors["perinasal"] = [place(at(tip, 0.0, s * _PERINASAL_OFFSET), "perinasal")
                            for s in (-1.0, 1.0)]
    anchors["breathing"] = [place(at(tip, _NOSTRIL_OFFSET), "nostrils"),
                            place(mouth_centre, "mouth")]
    return {r: anchors[r] for r in REGIONS if r in anchors}


def spots_from(anchors, deltas):
    """The :func:`ambience` spots of `anchors` (:func:`face_anchors`) with each region's change
    ``deltas[region]`` in °C."""
    return [{"center": (r, c), "radius": radius, "delta": float(deltas[region])}
            for region, places in anchors.items() for r, c, radius in places]


# ---------------------------------------------------------------- the transform
class ThermalAmbience(Transform):
    """A face in another room or another physiological state.

    Per frame, draws a room temperature, the skin's response to it and a change of each of the
    body's regions (nose tip, periorbital, perinasal, breathing at the nostrils and mouth), then
    moves the frame there with :func:`tiaug.functional.ambience`: the wall fully, the skin band
    by the response with its contrasts kept, everything in between (clothing, hair, a cool nose
    tip) at its fraction of the way from the air to the skin, and each region's change as a
    smooth bump placed by the labels. Without a mask only the room changes (scene level: ambient
    and skin from :func:`tiaug.scene.scene_temperatures`). Labels and ``occluded`` pass
    through unchanged; occluded pixels get no bumps.

    Parameters
    ----------
    ambient : (float, float) or None, optional
        Range of the new room's temperature in °C, within [-40, 36], drawn uniformly; None keeps
        the room. The default spans cool indoor rooms to hot outdoor shade (see Notes).
    skin_response : float or (float, float), optional
        Range of the skin's response to the room, °C per °C within [0, 1], drawn uniformly (see
        Notes).
    nose : float or (float, float), optional
        Range of the nose tip's change in °C (negative: cooling).
    periorbital, perinasal, breathing : float or (float, float), optional
        Ranges of the changes around the eyes, beside the nose, and at the nostrils and mouth
        (the breathing phase: exhaled air warms, inhaled air cools), in °C.
    classes : dict, optional
        Label values of ``"eyes"``, ``"nose"`` and ``"mouth"`` in the masks; None: those of
        :mod:`tiaug.datasets` (eyes 3, nose 5, mouth 2).
    ignore_index : int, optional
        Label of pixels that are neither face nor background (under occluders, outside a
        rotated frame): left out of the scene's temperature estimates.
    p : float, optional
        Probability of applying the transform.

    Raises
    ------
    TypeError
        If a range is not a number or a pair, `classes` not a dict of int labels,
        `ignore_index` not an int, or `p` not a real number.
    ValueError
        If an end of `ambient` is outside [-40, 36], a change is outside [-20, 20] °C, ``low >
        high``, `classes` has an unknown key, or `p` is outside [0, 1].

    See Also
    --------
    tiaug.functional.ambience : the operation with an explicit room and explicit bumps.
    tiaug.ambience.face_anchors : where the regions are placed.

    Notes
    -----
    The room model (module docstring) tells perfused skin, which the body holds near its
    temperature, from the passive surfaces, which keep their heat exchange. The skin's response is
    not measured per region in the literature we found; the evidence brackets it: mean skin
    temperature 27.9, 33.3 and 37.2 °C at 8, 24 and 40 °C air during exercise (0.24-0.34 °C per
    °C; PubMed 8588795), the ocular surface ~0.16 °C per °C (Shah & Galor, Clin Optom 2021), the
    forehead the most stable of the face. Hence 0.1 to 0.35 by default. The passive surfaces give
    the measured ranking without a slope per region: the nose tip, cheeks and ears follow the
    room far more than the forehead, the inner canthi and the cornea least (Briggs et al., Int J
    Biometeorol 2017; Tian, Liu & Wargocki, Indoor Air 2022). Every contrast of a face is not
    scaled alike: an affine change would vanish under a per-frame normalisation (min-max or
    standardisation) and teach a network nothing.

    Defaults and their sources (changes of the peak of each bump):

    ===========  ===============  =========================================================
    region       default (°C)     evidence
    ===========  ===============  =========================================================
    room         10 to 35         cool indoor rooms to outdoor shade in summer
    skin         0.1 to 0.35      °C per °C of room, bracketed as above
    nose tip     -4 to +4         stress cools it 3-6 °C (Theroude et al., PLOS One 2026, as
                                  reported); warmer than the forehead after alcohol (Koukiou
                                  & Anastassopoulos 2012); magnitudes of warming not found
    periorbital  -1 to +1         warming under startle (Levine et al., Lancet 2001, no
                                  magnitude), +0.3 to +1 under social touch (Hahn et al.
                                  2012), -0.6 to -0.9 after face washing (Micheletti et al.
                                  2022)
    perinasal    -1 to +1         cheek cooling under startle (Levine et al.), touch as above
    breathing    -1 to +1         nostril air swings 3.8 °C peak to peak at 18 °C, 0.2 at
                                  38 °C (Kumar & Joshi, J Breath Res 2023); the skin's swing
                                  is smaller (not found; bracketed)
    ===========  ===============  =========================================================

    Every bump is ``delta * (1 - d**2 / r**2)**2`` within its radius (nose tip 0.45 IPD,
    periorbital 0.45, perinasal 0.25, nostrils 0.2, mouth 0.3): smooth to the first derivative,
    independent of the labels' outlines, the same in face units at every resolution.

    ``params`` holds the input's ``"scene"`` (ambient, skin), the drawn ``"ambient"`` and
    change of each region, and the ``"anchors"`` of the regions; replay applies them exactly.

    Examples
    --------
    >>> from tiaug import ThermalAmbience
    >>> from tiaug.datasets import make_face
    >>> temps, labels = make_face((96, 120), subject=1, rng=0)
    >>> out = ThermalAmbience(ambient=(30.0, 30.0), nose=3.0)(image=temps, mask=labels, rng=0)
    >>> bool(out["image"][labels == 0].mean() > temps[labels == 0].mean() + 5)  # a warmer room
    True
    >>> bool((out["mask"] == labels).all())
    True
    """

    def __init__(self, ambient=(10.0, 35.0), skin_response=SKIN_RESPONSE, nose=(-4.0, 4.0),
                 periorbital=(-1.0, 1.0), perinasal=(-1.0, 1.0), breathing=(-1.0, 1.0),
                 classes=None, ignore_index=255, p=1.0):
        super().__init__(p)
        self.ambient = None if ambient is None else check_range(
            ambient, "ambient", low=MIN_AMBIENT, high=MAX_AMBIENT)
        self.skin_response = check_range(skin_response, "skin_response", low=0.0, high=1.0)
        self.nose = _check_change(nose, "nose")
        self.periorbital = _check_change(periorbital, "periorbital")
        self.perinasal = _check_change(perinasal, "perinasal")
        self.breathing = _check_change(breathing, "breathing")
        self.classes = _check_classes(classes)
        self.ignore_index = check_ignore_index(ignore_index)

    def sample(self, image, mask, rng):
        # Drawn whether or not a mask places the regions: the stream does not depend on it.
        ambient = None if self.ambient is None else float(rng.uniform(*self.ambient))
        response = float(rng.uniform(*self.skin_response))
        changes = {r: float(rng.uniform(*getattr(self, r))) for r in REGIONS}
        scene = _scene_temperatures(image, mask, self.ignore_index)
        anchors = {} if mask is None else _anchors(mask, self.classes)
        return {"scene": scene, "ambient": ambient, "skin_response": response, **changes,
                "anchors": anchors}

    def _check_drawn(self, params):
        scene = check_scene(drawn_value(params, "scene"), "params['scene']")
        ambient = drawn_value(params, "ambient")
        ambient = None if ambient is None else _check_ambient(ambient, "params['ambient']")
        response = _check_response(drawn_value(params, "skin_response"),
                                   "params['skin_response']")
        changes = {r: check_number(drawn_value(params, r), f"params[{r!r}]",
                                   low=-MAX_DIFFERENCE, high=MAX_DIFFERENCE) for r in REGIONS}
        anchors = drawn_value(params, "anchors")
        if not isinstance(anchors, dict) or not set(anchors) <= set(REGIONS):
            raise TypeError(f"params['anchors'] must be a dict from regions {REGIONS} to lists "
                            f"of (row, col, radius), got {anchors!r:.80}")
        for region, places in anchors.items():
            if not isinstance(places, (list, tuple)) or not all(
                    isinstance(p, (list, tuple)) and len(p) == 3 for p in places):
                raise TypeError(f"params['anchors'][{region!r}] must be a list of (row, col, "
                                f"radius) triples, got {places!r:.80}")
        _check_spots(spots_from(anchors, changes), "params['anchors'] (as spots)")
        return {**params, "scene": scene, "ambient": ambient, "skin_response": response,
                **changes, "anchors": anchors}

    def apply(self, params, image, mask, occluded):
        # Drawn or checked for replay already: straight to the kernel's (k, 4) array.
        spots = np.array([(r, c, radius, params[region])
                          for region, places in params["anchors"].items()
                          for r, c, radius in places], np.float64).reshape(-1, 4)
        return _ambience(image, occluded, params["scene"], params["ambient"], spots,
                         params["skin_response"]), mask, occluded


def _check_change(value, name):
    return check_range(value, name, low=-20.0, high=20.0)

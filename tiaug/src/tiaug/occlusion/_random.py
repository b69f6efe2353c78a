"""``RandomOccluders``: objects of many families, with LWIR temperature fields, camera edges,
translucency and footprints."""

import numbers

import numpy as np

from .._base import drawn_value
from .._validation import (
    ABSOLUTE_ZERO,
    MAX_TEMPERATURE,
    check_choice,
    check_number,
    check_probability,
    check_range,
    check_temperature,
)
from ..blur import MAX_SIGMA
from . import _families
from ._composite import check_objects, paint_objects
from ._draw import _Occluding
from ._format import _label_value
from ._scene import _scene_temperatures, locate_face
from ._synthetic import _check_count

FAMILIES = _families.FAMILIES
EDGES = ("hard", "camera", "soft")
# Ambient-to-skin span (°C) below which skin is taken as ambient + this (uniform frames, hot rooms).
MIN_SPAN = 4.0
# Opacity factor of a translucent object (RandOcc: alpha x U(0.4, 0.7) for 30 % of its shapes).
TRANSLUCENCY = (0.4, 0.7)
_FWHM = 2.0 * np.sqrt(2.0 * np.log(2.0))  # full width at half maximum of a unit Gaussian


class RandomOccluders(_Occluding):
    """Occluders that look like LWIR reality: hands, drinks, glasses, masks, scarves, phones, ...

    Each call draws `count` objects, each from a family chosen by `weights`, with the family's
    shape and temperature *field* (a profile along the object, warm or cool spots and a texture
    at several scales), set relative to the frame's ambient and skin temperatures
    (:func:`tiaug.occlusion.scene_temperatures`). Each object is composited over the frame and
    then seen through the camera: its coverage and radiance are blurred by a point-spread
    function, with the edge type drawn per object; some objects are translucent and some leave a
    *footprint* (skin they touched, warmed or cooled).

    Parameters
    ----------
    families : sequence of str, optional
        Families to draw from, a subset of :data:`tiaug.occlusion.FAMILIES`: ``"blob"``,
        ``"strand"``, ``"hand"``, ``"cup"``, ``"bottle"``, ``"glasses"``, ``"mask"``,
        ``"scarf"``, ``"phone"``, ``"microphone"``, ``"hair"``, ``"hot_cold"`` (see Notes).
    weights : sequence of float, optional
        Relative frequency of each entry of `families` (non-negative, not all 0); None draws them
        uniformly.
    count : int or (int, int), optional
        Number of objects per call, uniform in the inclusive range.
    edges : sequence of {"hard", "camera", "soft"}, optional
        Edge types, drawn uniformly per object: ``"hard"`` composites without blur,
        ``"camera"`` blurs with a Gaussian PSF whose full width at half maximum is drawn from
        `psf`, ``"soft"`` with one of `soft` times the frame's short side (defocus, motion,
        an upsampled low-resolution sensor).
    psf : float or (float, float), optional
        PSF full width at half maximum in pixels for ``"camera"`` edges.
    soft : float or (float, float), optional
        PSF full width at half maximum for ``"soft"`` edges, as a fraction of ``min(H, W)``.
    translucent : float, optional
        Probability that a ``"blob"``, ``"strand"`` or ``"hot_cold"`` object is translucent: its
        opacity is multiplied by a factor in [0.4, 0.7]. Hair and reflections are always
        partly transparent.
    footprint : float, optional
        Probability that an object that touches the skin (hand, glasses, mask, scarf, phone at
        the ear) warms or cools it where it rests.
    residual : float, optional
        Probability that an object with a footprint has been taken away: only the footprint is
        drawn, nothing is occluded.
    eye_label : int, optional
        Class of the eyes in the mask (3 in the 6-class face scheme): with two labelled eyes the
        face-bound families are placed and sized by them. Other non-zero labels except
        `ignore_index` count as face parts.
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of occluded pixels, as in :class:`tiaug.ThermalOcclusion`.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``; must fit the mask's dtype (checked per call).
    p : float, optional
        Probability of applying the transform.

    Raises
    ------
    TypeError, ValueError
        For parameters of the wrong type or out of range (checked here, when built).

    Notes
    -----
    **Which pixels change.** An object changes the pixels where its blurred coverage is above 0
    (its shape grown by the PSF's radius, three standard deviations) and, if it has one, where
    its footprint lies (ellipses on the skin). Every other pixel is bit-identical to the input.
    ``out["occluded"]`` is True where an object's coverage is at least 0.5, i.e. where a pixel
    shows more occluder than face; a footprint alone occludes nothing. `label_policy` applies to
    exactly those pixels.

    **Temperatures.** Fully covered pixels of an opaque part read the part's own field, clamped to
    its class range; edge and translucent pixels are convex combinations of the face and the
    occluder, so nothing overshoots either. The models, their numbers and their sources are in the
    user guide (section "Occluder families"). When the frame spans less than 4 °C between its
    ambient and skin estimates, skin is taken as ambient + 4 °C.

    **Placement.** Face-bound families (hand, drinks, glasses, mask, scarf, phone, microphone,
    hair) are placed in face units: on the labelled eyes when the mask has them, else on the
    labelled parts, else on the frame's warm region; sizes are fractions of the face height. The
    rest are centred on the face (blob 70 %, strand 50 %) or anywhere (hot_cold); sizes are
    fractions of the face or the frame. Nothing depends on the resolution except the PSF of
    ``"camera"`` edges, which is a property of the sensor's pixels.

    **Params.** ``{"applied", "ambient", "skin", "objects"}``; each object records its
    ``"family"``, its parts (shapes, opacity, temperature field), ``"edge"``, ``"sigma"`` (PSF
    standard deviation, pixels), ``"footprint"`` and ``"removed"``. :meth:`replay` composites
    them again exactly; edited params (another temperature, a moved shape) replay as edited.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import RandomOccluders
    >>> from tiaug.datasets import make_face
    >>> temps, labels = make_face((128, 160), rng=0)
    >>> aug = RandomOccluders(families=("cup", "hand"), count=2)
    >>> out = aug(image=temps, mask=labels, rng=3)
    >>> [obj["family"] in ("cup", "hand") for obj in out["params"]["objects"]]
    [True, True]
    >>> bool(out["occluded"].any()), out["image"].dtype
    (True, dtype('float32'))
    >>> again = aug.replay(out["params"], image=temps, mask=labels)
    >>> bool(np.array_equal(again["image"], out["image"]))
    True
    """

    def __init__(self, families=FAMILIES, weights=None, count=(1, 2), edges=EDGES,
                 psf=(1.0, 3.0), soft=(0.005, 0.02), translucent=0.3, footprint=0.3,
                 residual=0.2, eye_label=3, label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(label_policy, ignore_index, p)
        self.families = _check_names(families, "families", FAMILIES)
        self.weights = _check_weights(weights, len(self.families))
        self.count = _check_count(count)
        self.edges = _check_names(edges, "edges", EDGES)
        self.psf = check_range(psf, "psf", low=0.0, high=MAX_SIGMA * _FWHM)
        self.soft = check_range(soft, "soft", low=0.0, high=1.0)
        self.translucent = check_probability(translucent, "translucent")
        self.footprint = check_probability(footprint, "footprint")
        self.residual = check_probability(residual, "residual")
        if isinstance(eye_label, bool) or not isinstance(eye_label, numbers.Integral):
            raise TypeError(f"eye_label must be an int, got {type(eye_label).__name__}")
        self.eye_label = int(eye_label)

    def sample(self, image, mask, rng):
        # Pixels labelled ignore_index (earlier occluders, geometric fill) are no face parts.
        ambient, skin = _scene_temperatures(image, mask, self.ignore_index)
        skin = max(skin, ambient + MIN_SPAN)
        face = locate_face(image, mask, self.eye_label, ambient, skin, self.ignore_index)
        scene = _families.Scene(image.shape, ambient, skin, face)
        prob = None if self.weights is None else np.asarray(self.weights) / sum(self.weights)
        objects = []
        for _ in range(int(rng.integers(self.count[0], self.count[1] + 1))):
            family = self.families[int(rng.choice(len(self.families), p=prob))]
            objects.append(self._object(family, _families.draw(family, rng, scene), rng,
                                        min(image.shape), skin))
        return {"ambient": ambient, "skin": skin, "objects": objects}

    def _object(self, family, drawn, rng, short_side, skin):
        edge = self.edges[int(rng.integers(len(self.edges)))]
        fwhm = {"hard": 0.0, "camera": rng.uniform(*self.psf),
                "soft": rng.uniform(*self.soft) * short_side}[edge]
        parts = [_physical(part) for part in drawn.parts]
        if drawn.translucent and rng.random() < self.translucent:
            factor = rng.uniform(*TRANSLUCENCY)
            parts = [{**part, "opacity": part["opacity"] * factor} for part in parts]
        marks, removed = (), False
        if drawn.contact and rng.random() < self.footprint:
            marks = tuple(_footprint(rng, contact, skin) for contact in drawn.contact)
            removed = bool(rng.random() < self.residual)
        # Capped as the blur is: wider kernels cost time and flatten the object anyway.
        sigma = min(float(fwhm / _FWHM), MAX_SIGMA)
        return {"family": family, "parts": parts, "edge": edge, "sigma": sigma,
                "footprint": marks, "removed": removed}

    def _check_drawn(self, params):
        ambient = check_temperature(drawn_value(params, "ambient"), "params['ambient']")
        skin = check_temperature(drawn_value(params, "skin"), "params['skin']")
        if not skin > ambient:  # footprints are weighted by (T - ambient) / (skin - ambient)
            raise ValueError(f"params['skin'] must be above params['ambient'], got "
                             f"skin={skin:g}, ambient={ambient:g}")
        objects = check_objects(drawn_value(params, "objects"), "params['objects']")
        return {**params, "ambient": ambient, "skin": skin, "objects": objects}

    def apply(self, params, image, mask, occluded):
        label = _label_value(self.label_policy, self.ignore_index, mask)
        return paint_objects(image, mask, occluded, params["objects"], label, params["ambient"],
                             params["skin"])


def _physical(part):
    """`part` with its field's temperatures within what a camera reports: a frame near absolute
    zero (or the maximum) puts the families' ambient-relative temperatures beyond it."""
    field = part["field"]
    temperatures = [t for _, t in field["profile"]] + list(field["range"])
    if ABSOLUTE_ZERO <= min(temperatures) and max(temperatures) <= MAX_TEMPERATURE:
        return part

    def clamp(t):
        return min(max(float(t), ABSOLUTE_ZERO), MAX_TEMPERATURE)

    return {**part, "field": {**field, "profile": tuple((s, clamp(t)) for s, t in field["profile"]),
                              "range": tuple(clamp(t) for t in field["range"])}}


def _footprint(rng, contact, skin):
    """Skin temperature change under a contact: insulation warms, conduction pulls to the object.

    ``delta = U(0.5, 2) + 0.15 * (T_object - T_skin)``, clipped to [-3, 3] °C: a phone at the ear
    warms it by 1.1-1.9 °C mainly by insulation, a 20 °C wet towel cools the forehead by ~2.8 °C.
    The footprint is the contact ellipse grown by 20-60 %.
    """
    r, c, a, b, angle, t_object = contact
    delta = rng.uniform(0.5, 2.0) + 0.15 * (t_object - skin)
    grow = rng.uniform(1.2, 1.6)
    return (r, c, a * grow, b * grow, angle, float(np.clip(delta, -3.0, 3.0)))


def _check_names(values, name, accepted):
    if isinstance(values, str) or not isinstance(values, (tuple, list)) or not values:
        raise TypeError(f"{name} must be a non-empty sequence of {accepted}, got {values!r}")
    checked = tuple(check_choice(v, f"{name}[{i}]", accepted) for i, v in enumerate(values))
    if len(set(checked)) != len(checked):
        raise ValueError(f"{name} must not repeat an entry, got {values!r}")
    return checked


def _check_weights(weights, n):
    if weights is None:
        return None
    if isinstance(weights, str) or not isinstance(weights, (tuple, list)) or len(weights) != n:
        raise TypeError(f"weights must be None or a sequence of {n} numbers (one per family), "
                        f"got {weights!r}")
    # Bounded, so that their sum is finite and normalises to probabilities.
    checked = tuple(check_number(w, f"weights[{i}]", low=0.0, high=1e6)
                    for i, w in enumerate(weights))
    if not sum(checked) > 0.0:
        raise ValueError(f"weights must not all be 0, got {weights!r}")
    return checked

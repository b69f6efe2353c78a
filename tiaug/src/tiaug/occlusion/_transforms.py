"""The occluding transforms: a public base that paints the objects its subclasses draw, the
paper's hot and cold shapes (``ThermalOcclusion``), the families (``RandomOccluders``) and the
one-family presets (``Eyeglasses``, ``HeldCup``, ``HandOcclusion``)."""

import numbers

import numpy as np

from .._base import Transform, drawn_value
from .._validation import (
    ABSOLUTE_ZERO,
    MAX_DIFFERENCE,
    MAX_TEMPERATURE,
    check_choice,
    check_ignore_index,
    check_number,
    check_probability,
    check_range,
    check_temperature,
    physical,
    representable,
)
from ..blur import MAX_SIGMA
from ..scene import _scene_temperatures, locate_face
from . import _families
from . import _shapes as shapes_
from ._render import MIN_SPAN, _occlude
from ._schema import LABEL_POLICIES, check_objects, label_value

FAMILIES = _families.FAMILIES
EDGES = ("hard", "camera", "soft")
SHAPES = ("polygon", "line", "connected", "pair")
MAX_COUNT = 1000
# Smallest temperature spread (°C) used for "any", "hot" and "cold" when the frame is uniform.
MIN_SPREAD = 1.0
# Opacity factor of a translucent object (RandOcc: alpha x U(0.4, 0.7) for 30 % of its shapes).
TRANSLUCENCY = (0.4, 0.7)
_FWHM = 2.0 * np.sqrt(2.0 * np.log(2.0))  # full width at half maximum of a unit Gaussian


class OcclusionTransform(Transform):
    """Base class of the occluding transforms: a subclass draws objects, this class paints them.

    Implement :meth:`sample_objects`; the base applies the label policy, paints the objects with
    :func:`tiaug.functional.occlude`'s painter and checks edited params on :meth:`replay`, so a
    new occluder family behaves like tiaug's own, alone and inside :class:`tiaug.Compose`.

    Parameters
    ----------
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of occluded pixels: unchanged (the paper), `ignore_index`, or class 0.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``; must fit the mask's dtype (checked per call).
    p : float, optional
        Probability of applying the transform.

    Examples
    --------
    A sticker: one square at 20 °C in the middle of the frame.

    >>> import numpy as np
    >>> from tiaug import OcclusionTransform
    >>> class Sticker(OcclusionTransform):
    ...     def sample_objects(self, image, mask, occluded, rng):
    ...         r, c = image.shape[0] / 2, image.shape[1] / 2
    ...         square = [[r - 2, c - 2], [r - 2, c + 2], [r + 2, c + 2], [r + 2, c - 2]]
    ...         return {"objects": [{"shapes": [{"type": "polygon", "vertices": square}],
    ...                              "temperature": 20.0}]}
    >>> out = Sticker()(image=np.full((16, 16), 34.0, np.float32), rng=0)
    >>> int(out["occluded"].sum()), float(out["image"].min())
    (16, 20.0)
    """

    def __init__(self, label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(p)
        self.label_policy = check_choice(label_policy, "label_policy", LABEL_POLICIES)
        self.ignore_index = check_ignore_index(ignore_index)

    def sample_objects(self, image, mask, occluded, rng):
        """Draw this call's objects.

        Returns a dict with ``"objects"`` (objects or flat occluders in the format of
        :mod:`tiaug.occlusion`), optionally ``"ambient"`` and ``"skin"`` (°C, skin above
        ambient) that weigh the footprints, and any other values to keep in ``params``. A call
        paints the objects as drawn; :meth:`replay` checks them first (edited params).
        `occluded` (None or bool (H, W)) marks the pixels earlier occluders covered, so that the
        scene can be measured without them.
        """
        raise NotImplementedError

    def sample(self, image, mask, rng):
        return self.sample_objects(image, mask, None, rng)

    def _sample(self, image, mask, occluded, rng):
        return self.sample_objects(image, mask, occluded, rng)

    def _check_drawn(self, params):
        checked = {**params, "objects": check_objects(drawn_value(params, "objects"),
                                                      "params['objects']")}
        if "ambient" in params or "skin" in params:
            ambient = check_temperature(drawn_value(params, "ambient"), "params['ambient']")
            skin = check_temperature(drawn_value(params, "skin"), "params['skin']")
            if not skin > ambient:  # footprints are weighted by (T - ambient) / (skin - ambient)
                raise ValueError(f"params['skin'] must be above params['ambient'], got "
                                 f"skin={skin:g}, ambient={ambient:g}")
            checked.update(ambient=ambient, skin=skin)
        return checked

    def _forward(self, image, mask, occluded, *, rng=None, params=None):
        # Checked before the coin: a mask that cannot hold ignore_index is refused on every
        # call, not only on the frames that draw occluders (Compose therefore always calls it).
        label_value(self.label_policy, self.ignore_index, mask)
        return super()._forward(image, mask, occluded, rng=rng, params=params)

    def apply(self, params, image, mask, occluded):
        label = label_value(self.label_policy, self.ignore_index, mask)
        scene = (params["ambient"], params["skin"]) if "ambient" in params else None
        return _occlude(image, mask, occluded, params["objects"], label, scene)


class ThermalOcclusion(OcclusionTransform):
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
        ``[min - D, min)``, strictly colder; a pair ``(lo, hi)``: absolute °C range. ``min`` and
        ``max`` are those of the pixels not occluded yet (``occluded=`` of the call, or inside
        :class:`tiaug.Compose`), so that a second occlusion does not compound the first's
        range; drawn temperatures stay within [-273.15, 10000] °C. At those limits nothing is
        strictly hotter or colder: on a frame whose hottest pixel is at 10000 °C, ``"hot"``
        occluders take 10000 °C itself (``"cold"`` at -273.15 °C alike).
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of occluded pixels: unchanged (the paper), `ignore_index`, or class 0.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``; must fit the mask's dtype (checked per call).
    count : int or (int, int), optional
        Number of objects per call, drawn uniformly from the inclusive range, within [1, 1000].
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
            self.temperature = check_range(temperature, "temperature", low=ABSOLUTE_ZERO,
                                           high=MAX_TEMPERATURE)
        self.count = _check_count(count)
        self.size = check_range(size, "size", low=0.0, high=1.0, low_inclusive=False)
        self.line_width = check_range(line_width, "line_width", low=0.0, high=1.0,
                                      low_inclusive=False)
        if isinstance(shapes, str) or not isinstance(shapes, (tuple, list)) or not shapes:
            raise TypeError(f"shapes must be a non-empty sequence of {SHAPES}, got {shapes!r}")
        self.shapes = tuple(check_choice(s, "shapes[i]", SHAPES) for s in shapes)
        self.gradient = check_number(gradient, "gradient", low=0.0, high=MAX_DIFFERENCE)

    def sample_objects(self, image, mask, occluded, rng):
        height, width = image.shape
        m = min(height, width)
        lo, hi = self._bounds(image, occluded)
        occluders = []
        for _ in range(int(rng.integers(self.count[0], self.count[1] + 1))):
            kind = self.shapes[int(rng.integers(len(self.shapes)))]
            centre = np.array([rng.uniform(-0.5, height - 0.5), rng.uniform(-0.5, width - 0.5)])
            radius = rng.uniform(*self.size) * m
            line_width = rng.uniform(*self.line_width) * m
            phi = rng.uniform(0.0, 2.0 * np.pi)
            other = centre + radius * rng.uniform(1.0, 2.0) * np.array([np.sin(phi), np.cos(phi)])
            # (shapes, centre of the gradient axis): each shape of a pair has its own.
            if kind == "polygon":
                groups = [([shapes_.polygon(rng, centre, radius)], centre)]
            elif kind == "line":
                groups = [([shapes_.polyline(rng, centre, radius, line_width)], centre)]
            elif kind == "connected":
                groups = [([shapes_.polygon(rng, centre, 0.6 * radius),
                            shapes_.polygon(rng, other, 0.6 * radius),
                            {"type": "line", "points": np.array([centre, other]),
                             "width": line_width}], centre)]
            else:
                groups = [([self._single(rng, c, 0.6 * radius, line_width)], c)
                          for c in (centre, other)]
            for group, axis_centre in groups:
                occluders.append(_with_temperature(rng, group, axis_centre, radius, lo, hi,
                                                   self.gradient, image.dtype))
        return {"objects": occluders}

    def _bounds(self, image, occluded):
        """Representable (lo, hi) of the temperature range for `image`'s dtype.

        The relative modes measure the scene: pixels not yet occluded, so that chained
        occlusions do not widen each other's range.
        """
        if not isinstance(self.temperature, str):
            return representable(*self.temperature, image.dtype)
        scene = image if occluded is None or occluded.all() else image[~occluded]
        tmin, tmax = float(scene.min()), float(scene.max())
        spread = max(tmax - tmin, MIN_SPREAD)
        if self.temperature == "hot":
            return representable(tmax, physical(tmax + spread), image.dtype, strict_lo=True)
        if self.temperature == "cold":
            return representable(physical(tmin - spread), tmin, image.dtype, strict_hi=True)
        return representable(physical(tmin - spread), physical(tmax + spread), image.dtype)

    @staticmethod
    def _single(rng, centre, radius, line_width):
        if rng.random() < 0.5:
            return shapes_.polygon(rng, centre, radius)
        return shapes_.polyline(rng, centre, radius, line_width)


class RandomOccluders(OcclusionTransform):
    """Occluders that look like LWIR reality: hands, drinks, glasses, masks, scarves, phones, ...

    Each call draws `count` objects, each from a family chosen by `weights`, with the family's
    shape and temperature *field* (a profile along the object, warm or cool spots and a texture
    at several scales), set relative to the frame's ambient and skin temperatures
    (:func:`tiaug.scene.scene_temperatures`). Each object is composited over the frame and
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

    def sample_objects(self, image, mask, occluded, rng):
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


class _Preset(RandomOccluders):
    """RandomOccluders drawing one object of one family per call."""

    _FAMILY = None

    def __init__(self, edges=EDGES, psf=(1.0, 3.0), soft=(0.005, 0.02), footprint=0.3,
                 residual=0.2, eye_label=3, label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(families=(self._FAMILY,), count=1, edges=edges, psf=psf, soft=soft,
                         footprint=footprint, residual=residual, eye_label=eye_label,
                         label_policy=label_policy, ignore_index=ignore_index, p=p)

    def _repr_args(self):
        fixed = ("families", "weights", "count", "translucent")
        return {k: v for k, v in super()._repr_args().items() if k not in fixed}


class Eyeglasses(_Preset):
    """Eyeglasses: ``RandomOccluders(families=("glasses",), count=1)``.

    Lenses opaque in the LWIR and cooler than the skin, on a frame resting on the nose, placed on
    the labelled eyes when the mask has them (see the ``"glasses"`` family in the user guide).

    Parameters
    ----------
    edges, psf, soft, footprint, residual, eye_label, label_policy, ignore_index, p
        As in :class:`tiaug.RandomOccluders`.

    Examples
    --------
    >>> from tiaug.datasets import make_face
    >>> from tiaug.occlusion import Eyeglasses
    >>> temps, labels = make_face((128, 160), rng=0)
    >>> out = Eyeglasses()(image=temps, mask=labels, rng=0)
    >>> bool(out["occluded"][labels == 3].mean() > 0.5)
    True
    """

    _FAMILY = "glasses"


class HeldCup(_Preset):
    """A cup with a hot or cold drink: ``RandomOccluders(families=("cup",), count=1)``.

    Parameters
    ----------
    edges, psf, soft, footprint, residual, eye_label, label_policy, ignore_index, p
        As in :class:`tiaug.RandomOccluders`.

    Examples
    --------
    >>> from tiaug.datasets import make_face
    >>> from tiaug.occlusion import HeldCup
    >>> temps, labels = make_face((128, 160), rng=0)
    >>> out = HeldCup()(image=temps, mask=labels, rng=0)
    >>> [obj["family"] for obj in out["params"]["objects"]]
    ['cup']
    """

    _FAMILY = "cup"


class HandOcclusion(_Preset):
    """A hand at the chin, mouth or cheek: ``RandomOccluders(families=("hand",), count=1)``.

    Parameters
    ----------
    edges, psf, soft, footprint, residual, eye_label, label_policy, ignore_index, p
        As in :class:`tiaug.RandomOccluders`.

    Examples
    --------
    >>> from tiaug.datasets import make_face
    >>> from tiaug.occlusion import HandOcclusion
    >>> temps, labels = make_face((128, 160), rng=0)
    >>> out = HandOcclusion()(image=temps, mask=labels, rng=0)
    >>> [obj["family"] for obj in out["params"]["objects"]]
    ['hand']
    """

    _FAMILY = "hand"


def _check_count(count):
    # Each object is drawn and rasterised in turn: the bound keeps a call from running for hours.
    lo, hi = check_range(count, "count", low=1.0, high=MAX_COUNT)
    if lo != int(lo) or hi != int(hi):
        raise ValueError(f"count must be whole numbers, got {count!r}")
    return int(lo), int(hi)


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


def _physical(part):
    """`part` with its field's temperatures within what a camera reports: a frame near absolute
    zero (or the maximum) puts the families' ambient-relative temperatures beyond it."""
    field = part["field"]
    temperatures = [t for _, t in field["profile"]] + list(field["range"])
    if ABSOLUTE_ZERO <= min(temperatures) and max(temperatures) <= MAX_TEMPERATURE:
        return part
    return {**part, "field": {**field,
                              "profile": tuple((s, physical(t)) for s, t in field["profile"]),
                              "range": tuple(physical(t) for t in field["range"])}}


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

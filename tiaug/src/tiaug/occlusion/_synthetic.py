"""Synthetic occluders of the paper's TiAug: random polygons and lines, hot or cold."""

import numpy as np

from .._validation import (
    ABSOLUTE_ZERO,
    MAX_DIFFERENCE,
    MAX_TEMPERATURE,
    check_choice,
    check_number,
    check_range,
)
from . import _shapes as shapes_
from ._draw import _Occluding
from ._format import physical, representable

SHAPES = ("polygon", "line", "connected", "pair")
MAX_COUNT = 1000
# Smallest temperature spread (°C) used for "any", "hot" and "cold" when the frame is uniform.
MIN_SPREAD = 1.0


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

    def sample(self, image, mask, rng):
        return self._sample(image, mask, None, rng)

    def _sample(self, image, mask, occluded, rng):
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
        return {"occluders": occluders}

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

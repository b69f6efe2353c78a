"""Synthetic occluders hotter and colder than the face, real ones (eyeglasses, a cup, a hand), and
the occluder families of :class:`tiaug.RandomOccluders` (:data:`tiaug.occlusion.FAMILIES`),
whose temperatures follow the scene (:func:`tiaug.occlusion.scene_temperatures`).

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

from ._draw import draw_occluders, occlude
from ._format import LABEL_POLICIES
from ._objects import Eyeglasses, HandOcclusion, HeldCup
from ._random import EDGES, FAMILIES, RandomOccluders
from ._scene import scene_temperatures
from ._synthetic import MIN_SPREAD, SHAPES, ThermalOcclusion

__all__ = [
    "EDGES",
    "FAMILIES",
    "LABEL_POLICIES",
    "MIN_SPREAD",
    "SHAPES",
    "Eyeglasses",
    "HandOcclusion",
    "HeldCup",
    "RandomOccluders",
    "ThermalOcclusion",
    "draw_occluders",
    "occlude",
    "scene_temperatures",
]

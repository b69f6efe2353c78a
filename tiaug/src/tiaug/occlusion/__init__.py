"""Occluders: one object model for every occluding transform.

An *object* is a list of parts (shapes with an opacity and a temperature field) seen through a
camera PSF, optionally leaving a footprint on the skin; a *flat occluder* (shapes at one
temperature or along a linear gradient) is shorthand for a hard-edged one-part object.

- :class:`RandomOccluders` draws objects of many families (:data:`FAMILIES`) whose
  temperatures follow the scene (:func:`tiaug.scene.scene_temperatures`); :class:`Eyeglasses`,
  :class:`HeldCup` and :class:`HandOcclusion` are its one-family presets.
- :class:`ThermalOcclusion` draws the paper's flat polygons and lines, hot or cold.
- :class:`OcclusionTransform` is their base: subclass it with a ``sample_objects`` hook to add a
  family of your own.
- :func:`occlude` paints explicit objects (the functional op of every occluding transform) and
  :func:`draw_occluders` rasterises them.

Transforms keep what they drew in ``params["objects"]``, so ``replay`` is exact and edited
params replay as edited.

The object format (one entry of ``params["objects"]`` of every occluding transform)::

    {"parts": [{"shapes": [...],      # shape dicts (below), their union is the part
                "opacity": 1.0,       # coverage of the part; < 1 is translucent
                "field": {"axis": ((r0, c0), (r1, c1)),
                          "profile": ((s, t), ...),        # °C at fractions s of the axis
                          "range": (lo, hi),               # every temperature is clamped here
                          # optional:
                          "bumps": ((r, c, a, b, angle, delta), ...),
                          "texture": (amplitude, period, octaves, gain, angle, stretch),
                          "seed": int}}, ...],
     # optional:
     "sigma": 0.0,                     # the camera PSF's standard deviation in pixels
     "footprint": ((r, c, a, b, angle, delta), ...),       # skin warmed (+) or cooled (-), °C
     "removed": False,                 # True: only the footprint is left
     "family": "cup", "edge": "camera"}                    # what drew it (not read by the painter)

Each object is composited in order: its parts' coverage and radiance are built over its bounding
box with the *over* operator, blurred by the PSF and laid over the frame, so an edge pixel is a
convex combination of face and object and nothing overshoots (:mod:`tiaug._kernels.composite`
defines the field and the compositing exactly). ``scene_temperatures`` is also importable from
here, as before it moved to :mod:`tiaug.scene`.

A *flat occluder* is shorthand for a one-part object at opacity 1 with hard edges and a linear
profile::

    {"shapes": [...], "temperature": t}                             # one temperature, or
    {"shapes": [...], "temperature": (t0, t1), "axis": ((r0, c0), (r1, c1))}   # a gradient

It is filled exactly: pixel ``(r, c)`` of its shapes reads ``t0 + (t1 - t0) * clip(s, 0, 1)``,
``s`` the pixel's projection on the axis (0 at its start, 1 at its end), with the ends first
rounded inward to the frame's dtype, so no pixel leaves ``[min(t0, t1), max(t0, t1)]``.

Shapes (coordinates are (row, col) in pixels; pixel ``(r, c)`` has its centre at ``(r, c)`` and
belongs to a shape when its centre does)::

    {"type": "polygon", "vertices": [[r, c], ...]}        # >= 3 vertices, even-odd rule
    {"type": "line", "points": [[r, c], ...], "width": w}  # thick polyline, round caps
    {"type": "ellipse", "center": (r, c), "axes": (a, b), "angle": theta}

A polygon pixel is inside under the even-odd rule with PNPOLY's half-open crossing test; a line
pixel when its centre is within ``width / 2`` of a segment; an ellipse pixel when
``(u / a)**2 + (v / b)**2 <= 1``, ``u`` and ``v`` being its offsets from the centre along
(row, col) = (cos(theta), sin(theta)) and (-sin(theta), cos(theta)).
"""

from ..scene import scene_temperatures
from ._render import draw_occluders, occlude
from ._schema import LABEL_POLICIES
from ._transforms import (
    EDGES,
    FAMILIES,
    MIN_SPREAD,
    SHAPES,
    Eyeglasses,
    HandOcclusion,
    HeldCup,
    OcclusionTransform,
    RandomOccluders,
    ThermalOcclusion,
)

__all__ = [
    "EDGES",
    "FAMILIES",
    "LABEL_POLICIES",
    "MIN_SPREAD",
    "SHAPES",
    "Eyeglasses",
    "HandOcclusion",
    "HeldCup",
    "OcclusionTransform",
    "RandomOccluders",
    "ThermalOcclusion",
    "draw_occluders",
    "occlude",
    "scene_temperatures",
]

"""The occluder families of :class:`tiaug.RandomOccluders`: shape, placement and temperature field.

Each family is a function ``(rng, scene) -> Drawn`` that returns the parts of one object (in the
format of :mod:`tiaug.occlusion._schema`), the places where it touches the skin (for
footprints) and whether it may be drawn translucent. Temperatures are set relative to the scene:
``lam(x) = ambient + x * (skin - ambient)`` is the point a fraction ``x`` of the way from the
ambient to the skin temperature; absolute °C only where physics fixes them (drinks). Sizes are
fractions of the face height (``scene.face.size``), or of the frame's short side for the families
that are not tied to a face, so they do not depend on the resolution.

:func:`class_range` gives each family's temperature envelope; every part's ``range`` (the clamp of
its field) lies inside it. The user guide's table documents the models and their sources.
"""

from typing import NamedTuple

import numpy as np

from ..scene import Face
from . import _shapes as shapes_

_SEED_HIGH = 2**63
_MIN_AXIS2 = 1e-9  # squared length below which an axis is replaced by a unit one
# Finest texture period in pixels: finer detail would alias and the camera's PSF removes it.
_MIN_PERIOD = 2.0
# Thinnest line drawn, in pixels: thinner ones would miss most pixel centres. Thinner strands
# are drawn this wide at a proportionally lower opacity (see `subpixel`).
_MIN_WIDTH = 1.0


class Scene(NamedTuple):
    """What an object is drawn relative to."""

    shape: tuple
    ambient: float
    skin: float
    face: Face

    def lam(self, x):
        """The temperature a fraction `x` of the way from ambient to skin, °C."""
        return self.ambient + x * (self.skin - self.ambient)

    @property
    def span(self):
        return self.skin - self.ambient


class Drawn(NamedTuple):
    """One drawn object before the transform's edge, translucency and footprint choices."""

    parts: list
    contact: list  # (row, col, a, b, angle, temperature of the object's side on the skin)
    translucent: bool


# --------------------------------------------------------------------------- building blocks


def texture(rng, amplitude, period, octaves=3, gain=(0.35, 0.7), stretch=1.0, angle=None):
    """Texture tuple: `amplitude` °C, coarsest `period` px, up to `octaves` scales."""
    octaves = max(1, min(int(octaves), 1 + int(np.log2(max(period, _MIN_PERIOD) / _MIN_PERIOD))))
    angle = rng.uniform(0.0, np.pi) if angle is None else angle
    return (float(amplitude), float(max(period, _MIN_PERIOD)), float(octaves),
            float(rng.uniform(*gain)), float(angle), float(stretch))


def field(rng, axis, profile, lo, hi, bumps=(), tex=(0.0, 1.0, 0.0, 0.5, 0.0, 1.0)):
    """A temperature field dict; profile temperatures are clamped into ``[lo, hi]``."""
    a, b = (np.asarray(p, float) for p in axis)
    if not np.sum((b - a) ** 2) > _MIN_AXIS2:
        b = a + np.array([1.0, 0.0])
    lo, hi = float(min(lo, hi)), float(max(lo, hi))
    knots = tuple((float(s), float(min(max(t, lo), hi))) for s, t in profile)
    return {"axis": (tuple(map(float, a)), tuple(map(float, b))), "profile": knots,
            "bumps": tuple(tuple(map(float, bump)) for bump in bumps), "texture": tex,
            "seed": int(rng.integers(_SEED_HIGH)), "range": (lo, hi)}


def part(shapes, fld, opacity=1.0):
    return {"shapes": shapes, "opacity": float(opacity), "field": fld}


def polygon(vertices):
    return {"type": "polygon", "vertices": np.asarray(vertices, float)}


def line(points, width):
    return {"type": "line", "points": np.asarray(points, float),
            "width": float(max(width, _MIN_WIDTH))}


def subpixel(width):
    """Opacity factor of strands `width` pixels wide: the fraction of a pixel they cover."""
    return float(min(1.0, width / _MIN_WIDTH))


def ellipse(centre, a, b, angle):
    return {"type": "ellipse", "center": tuple(map(float, centre)), "axes": (float(a), float(b)),
            "angle": float(angle)}


def fin_profile(rng, t_base, t_far, n=7):
    """Knots of a conducting fin's temperature from its heated base (s=0) to its tip (s=1).

    A fin of length L with fin parameter m (insulated tip) has the excess temperature
    ``cosh(m (L - x)) / cosh(m L)`` over its surroundings; ``mL`` is drawn in [0.5, 3], from a
    nearly uniform rod (the tip keeps 89 % of the excess) to one whose excess has fallen to 37 %
    a third of the way along. The profile is rescaled so the tip reads `t_far` exactly.
    """
    ml = rng.uniform(0.5, 3.0)
    s = np.linspace(0.0, 1.0, n)
    theta = np.cosh(ml * (1.0 - s)) / np.cosh(ml)
    g = (1.0 - theta) / (1.0 - theta[-1])
    return tuple(zip(s, t_base + (t_far - t_base) * g))


def _unit(angle):
    return np.array([np.cos(angle), np.sin(angle)])


def _rotate(v, angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def _frame_point(rng, scene, on_face=0.7):
    """A point on the face box with probability `on_face`, else anywhere in the frame."""
    if rng.random() < on_face:
        return scene.face.at(rng.uniform(-0.4, 0.4), rng.uniform(-0.5, 0.5))
    h, w = scene.shape
    return np.array([rng.uniform(-0.5, h - 0.5), rng.uniform(-0.5, w - 0.5)])


# --------------------------------------------------------------------------- abstract families


def blob(rng, scene):
    """RandOcc's random shape in °C: a smooth-to-spiky closed curve, textured, any temperature."""
    size = scene.face.size
    centre = _frame_point(rng, scene)
    radius = rng.uniform(0.15, 0.45) * size
    lo, hi = scene.lam(-1.0), scene.lam(2.0)
    t0 = scene.lam(rng.uniform(-0.75, 1.75))
    t1 = t0 + rng.uniform(-0.25, 0.25) * scene.span
    d = radius * _unit(rng.uniform(0, 2 * np.pi))
    axis = (centre - d, centre + d)
    tex = texture(rng, rng.uniform(0.0, 0.2) * scene.span, rng.uniform(0.1, 0.6) * radius,
                  octaves=rng.integers(1, 5), stretch=rng.uniform(1.0, 4.0))
    shapes = [polygon(shapes_.closed_bezier(rng, centre, radius))]
    return Drawn([part(shapes, field(rng, axis, ((0, t0), (1, t1)), lo, hi, tex=tex))], [], True)


def strand(rng, scene):
    """Thin smooth curves (a cable, a strap, a pen, a cord): one to three, one temperature field."""
    size = scene.face.size
    start = _frame_point(rng, scene, on_face=0.5)
    heading = rng.uniform(0.0, 2.0 * np.pi)
    width = rng.uniform(0.01, 0.04) * size
    k = int(rng.integers(1, 4))
    paths = shapes_.smooth_paths(rng, start + rng.uniform(-0.1, 0.1, (k, 2)) * size,
                                heading + rng.uniform(-0.3, 0.3, k),
                                rng.uniform(0.4, 1.2, k) * size, rng.uniform(0.1, 0.8))
    shapes = [line(path, width * f) for path, f in zip(paths, rng.uniform(0.7, 1.3, k))]
    end = paths[0, -1]
    t0 = scene.lam(rng.uniform(-0.5, 1.3))
    t1 = t0 + rng.uniform(-0.2, 0.2) * scene.span
    fld = field(rng, (start, end), ((0, t0), (1, t1)), scene.lam(-0.75), scene.lam(1.5))
    return Drawn([part(shapes, fld, subpixel(width))], [], True)


def hot_cold(rng, scene):
    """The paper's occluders made physical: polygons and bars hotter or colder than the scene."""
    h, w = scene.shape
    m = min(h, w)
    centre = np.array([rng.uniform(-0.5, h - 0.5), rng.uniform(-0.5, w - 0.5)])
    radius = rng.uniform(0.1, 0.35) * m
    kind = int(rng.integers(3))
    if kind == 0:
        shapes = [shapes_.polygon(rng, centre, radius)]
    elif kind == 1:
        shapes = [shapes_.polyline(rng, centre, radius, rng.uniform(0.04, 0.1) * m)]
    else:
        other = centre + radius * rng.uniform(1.0, 2.0) * _unit(rng.uniform(0, 2 * np.pi))
        shapes = [shapes_.polygon(rng, centre, 0.6 * radius),
                  shapes_.polygon(rng, other, 0.6 * radius),
                  line([centre, other], rng.uniform(0.04, 0.1) * m)]
    if rng.random() < 0.5:  # radiator, lamp, sunlit surface
        lo, hi = scene.skin + 1.0, scene.skin + 45.0
        t0 = scene.skin + rng.uniform(2.0, 40.0)
    else:  # window, cold pack, air-conditioned surface
        lo, hi = scene.ambient - 16.0, scene.ambient - 1.0
        t0 = scene.ambient - rng.uniform(2.0, 15.0)
    t1 = t0 + rng.uniform(-0.1, 0.1) * scene.span
    axis = (centre, centre + radius * _unit(rng.uniform(0, 2 * np.pi)))
    tex = texture(rng, rng.uniform(0.0, 1.0), rng.uniform(0.1, 0.5) * radius)
    return Drawn([part(shapes, field(rng, axis, ((0, t0), (1, t1)), lo, hi, tex=tex))], [], True)


# --------------------------------------------------------------------------- body and hair


def _skin_contact(centre, a, b, angle, t):
    return (float(centre[0]), float(centre[1]), float(a), float(b), float(angle), float(t))


def hand(rng, scene):
    """A hand (palm, four tapered fingers, thumb) on a forearm, at the chin, mouth or cheek."""
    face = scene.face
    length = rng.uniform(0.8, 1.05) * face.size  # wrist to fingertip: about one face height
    pose = int(rng.integers(3))
    side = 1.0 if rng.random() < 0.5 else -1.0
    # Fingers point up at the chin, across at the mouth, up and inwards at a cheek.
    if pose == 0:
        target, turn = face.at(rng.uniform(-0.15, 0.15), rng.uniform(-0.5, -0.35)), \
            rng.uniform(-0.6, 0.6)
    elif pose == 1:
        target, turn = face.at(0.0, rng.uniform(-0.32, -0.2)), side * rng.uniform(1.0, 1.9)
    else:
        target, turn = face.at(side * rng.uniform(0.2, 0.35), rng.uniform(-0.3, 0.0)), \
            -side * rng.uniform(0.2, 0.9)
    fwd = _rotate(face.up, turn)
    across = np.array([fwd[1], -fwd[0]])
    palm_len, palm_wid = 0.45 * length, rng.uniform(0.36, 0.44) * length
    wrist = target - 0.5 * palm_len * fwd
    knuckles = wrist + palm_len * fwd
    corners = np.array([wrist - 0.35 * palm_wid * across, knuckles - 0.5 * palm_wid * across,
                        knuckles + 0.5 * palm_wid * across, wrist + 0.35 * palm_wid * across])
    palm = polygon(shapes_.smooth_closed(corners, rng.uniform(0.2, 0.4)))
    fingers = []
    curl = rng.uniform(0.0, 0.5)  # 0: straight, 0.5: half closed
    finger_w = 0.22 * palm_wid
    for k, offset in enumerate((-1.5, -0.5, 0.5, 1.5)):
        root = knuckles + offset * 0.25 * palm_wid * across
        direction = _rotate(fwd, np.deg2rad(5.0 * offset) + rng.uniform(-0.08, 0.08))
        flen = 0.55 * length * (0.8 if k in (0, 3) else 1.0) * (1.0 - 0.4 * curl)
        mid = root + 0.5 * flen * direction
        tip = mid + 0.5 * flen * _rotate(direction, side * curl * rng.uniform(0.5, 1.0))
        fingers += [line([root, mid], finger_w), line([mid, tip], 0.85 * finger_w)]
    # The thumb leaves the palm's side near the wrist, spread out by 30-60 degrees, bent once.
    thumb_root = wrist + side * 0.35 * palm_wid * across + 0.2 * palm_len * fwd
    spread = rng.uniform(0.5, 1.0)
    thumb_dir = np.cos(spread) * fwd + np.sin(spread) * side * across
    thumb_mid = thumb_root + 0.17 * length * thumb_dir
    thumb_tip = thumb_mid + 0.15 * length * (np.cos(0.4 * spread) * fwd
                                             + np.sin(0.4 * spread) * side * across)
    fingers += [line([thumb_root, thumb_mid], 1.2 * finger_w),
                line([thumb_mid, thumb_tip], finger_w)]
    forearm = line([wrist, wrist - 1.5 * length * fwd], rng.uniform(0.7, 0.9) * palm_wid)
    # Hand skin: between ambient and face skin (peripheral vasoconstriction), fingertips cooler.
    lo, hi = scene.lam(0.45) - 3.5, scene.skin + 0.5
    t_palm = scene.lam(rng.uniform(0.45, 1.0))
    t_tip = t_palm - rng.uniform(0.0, 3.0)
    tip_point = knuckles + 0.55 * length * fwd
    veins = texture(rng, rng.uniform(0.1, 0.5), rng.uniform(0.05, 0.15) * length,
                    stretch=rng.uniform(2.0, 4.0), angle=float(np.arctan2(fwd[1], fwd[0])))
    skin_field = field(rng, (wrist, tip_point), ((0, t_palm + 0.3), (0.45, t_palm), (1, t_tip)),
                       lo, hi, tex=veins)
    parts = []
    if rng.random() < 0.5:  # a sleeve: fabric between ambient and skin
        t_sleeve = scene.lam(rng.uniform(0.15, 0.6))
        sleeve = field(rng, (wrist - 1.5 * length * fwd, wrist),
                       ((0, t_sleeve - 0.5), (1, t_sleeve + 0.5)), scene.lam(0.1), scene.lam(0.7),
                       tex=texture(rng, rng.uniform(0.2, 0.8), 0.2 * length))
        parts.append(part([forearm], sleeve))
        forearm = line([wrist, wrist - 0.1 * length * fwd], forearm["width"])
    parts.insert(0, part([palm, forearm, *fingers], skin_field))
    contact = [_skin_contact(target, 0.3 * palm_len, 0.35 * palm_wid,
                             float(np.arctan2(fwd[1], fwd[0])), t_palm)]
    return Drawn(parts, contact, False)


def hair(rng, scene):
    """Locks of thin strands over the forehead, the eyes or a cheek; partly transparent."""
    face = scene.face
    parts = []
    lo, hi = scene.lam(0.25), scene.lam(0.85)
    for _ in range(int(rng.integers(1, 5))):
        fringe = rng.random() < 0.6
        x0 = rng.uniform(-0.25, 0.25) if fringe else rng.choice([-1.0, 1.0]) * rng.uniform(
            0.25, 0.45)
        root = face.at(x0, rng.uniform(0.35, 0.5))
        length = rng.uniform(0.2, 0.6 if fringe else 0.9) * face.size
        heading = float(np.arctan2(-face.up[1], -face.up[0])) + rng.uniform(-0.4, 0.4)
        width = rng.uniform(0.004, 0.012) * face.size
        k = int(rng.integers(6, 21))
        paths = shapes_.smooth_paths(rng, root + rng.uniform(-0.06, 0.06, (k, 2)) * face.size,
                                    heading + rng.uniform(-0.15, 0.15, k),
                                    length * rng.uniform(0.7, 1.0, k), 0.25)
        strands = [line(path, width * f) for path, f in zip(paths, rng.uniform(0.6, 1.4, k))]
        tip = root + length * _unit(heading)
        # Hair insulates: its surface is closer to ambient than the scalp, warmest at the roots.
        t_root = scene.lam(rng.uniform(0.5, 0.8))
        t_tip = scene.lam(rng.uniform(0.3, 0.6))
        tex = texture(rng, rng.uniform(0.2, 0.8), rng.uniform(0.05, 0.2) * length, stretch=4.0,
                      angle=heading)
        opacity = rng.uniform(0.35, 0.85) * subpixel(width)
        parts.append(part(strands, field(rng, (root, tip), ((0, t_root), (1, t_tip)), lo, hi,
                                         tex=tex), opacity))
    return Drawn(parts, [], False)


# --------------------------------------------------------------------------- worn objects


def glasses(rng, scene):
    """Eyeglasses or sunglasses on the eyes: opaque lenses, a warmer frame, a faint reflection."""
    face = scene.face
    e1, e2 = face.eyes
    sun = rng.random() < 0.3
    lens_size = rng.uniform(0.44, 0.5) if sun else rng.uniform(0.36, 0.46)
    aspect = rng.uniform(0.7, 0.95) if sun else rng.uniform(0.55, 0.85)
    lenses, frame = shapes_.eyeglasses(e1, e2, lens_size, aspect, rng.uniform(0.03, 0.09),
                                       rng.uniform(0.3, 0.6))
    lo, hi = scene.ambient - 8.0, scene.skin + 2.0
    # Glass and lens polymers are opaque in the LWIR: the lens shows its own surface, between
    # ambient and skin, with low variance.
    t_lens = scene.lam(rng.uniform(0.1, 0.6))
    lower = 0.5 * (e1 + e2) - face.up * lens_size * face.size * 0.3
    lens_field = field(rng, (lower + face.up * face.size * 0.15, lower),
                       ((0, t_lens), (1, t_lens + rng.uniform(0.0, 0.6))), lo, hi,
                       tex=texture(rng, rng.uniform(0.0, 0.15), 0.1 * face.size, octaves=2))
    t_frame = scene.lam(rng.uniform(0.5, 0.95))
    frame_field = field(rng, (e1, e2), ((0, t_frame), (1, t_frame)), lo, hi)
    parts = [part(lenses, lens_field), part(frame, frame_field)]
    # A specular reflection (emissivity 0.94-0.97, up to 0.8 measured): a translucent patch of
    # the reflected scene, a cold ceiling or a warm body.
    t_seen = scene.ambient - rng.uniform(0.0, 8.0) if rng.random() < 0.6 else \
        scene.skin + rng.uniform(0.0, 2.0)
    spots = []
    for lens in lenses:
        a, b = lens["axes"]
        centre = np.asarray(lens["center"]) + rng.uniform(-0.3, 0.3, 2) * b
        spots.append(ellipse(centre, a * rng.uniform(0.2, 0.5), b * rng.uniform(0.2, 0.5),
                             rng.uniform(0, np.pi)))
    parts.append(part(spots, field(rng, (e1, e2), ((0, t_seen), (1, t_seen)), lo, hi),
                      opacity=rng.uniform(0.03, 0.2)))
    bridge = 0.5 * (e1 + e2) - 0.04 * face.size * face.up
    contact = [_skin_contact(bridge, 0.05 * face.size, 0.04 * face.size, face.angle, t_frame)]
    return Drawn(parts, contact, False)


def mask(rng, scene):
    """A face mask from the nose bridge to under the chin, ear loops, a warm breathing spot."""
    face = scene.face
    points = np.array([(0.0, -0.06), (0.34, -0.14), (0.33, -0.36), (0.18, -0.54), (0.0, -0.58),
                       (-0.18, -0.54), (-0.33, -0.36), (-0.34, -0.14)])
    points += rng.uniform(-0.02, 0.02, points.shape)
    points[[0, 4], 0] = 0.0  # the nose bridge and chin points stay on the face's midline
    outline = shapes_.smooth_closed(np.array([face.at(x, y) for x, y in points]),
                                   rng.uniform(0.2, 0.4))
    lo, hi = scene.lam(0.2), scene.skin + 0.5
    t = scene.lam(rng.uniform(0.35, 0.75))
    mouth = face.at(0.0, -0.27)
    breath = (*mouth, 0.22 * face.size, 0.15 * face.size, face.angle,
              rng.uniform(0.5, 3.0))  # exhaled air warms the fabric over the mouth
    pleats = texture(rng, rng.uniform(0.2, 0.8), rng.uniform(0.05, 0.15) * face.size,
                     stretch=rng.uniform(2.0, 6.0), angle=face.angle + np.pi / 2)
    body = field(rng, (face.at(0, -0.58), face.at(0, -0.06)),
                 ((0, t - 0.1 * scene.span), (1, t + 0.1 * scene.span)), lo, hi, [breath], pleats)
    loops = []
    for s in (-1.0, 1.0):
        for y0, y1 in ((-0.15, 0.0), (-0.45, -0.3)):
            loops.append(line([face.at(s * 0.34, y0), face.at(s * 0.47, y1)],
                              0.012 * face.size))
    t_loop = scene.lam(rng.uniform(0.2, 0.6))
    parts = [part([polygon(outline)], body),
             part(loops, field(rng, (mouth, face.at(0.5, 0)), ((0, t_loop), (1, t_loop)), lo, hi))]
    # Fabric insulates: its inner side is at skin temperature, so the skin only warms.
    contact = [_skin_contact(face.at(0.0, -0.3), 0.32 * face.size, 0.22 * face.size, face.angle,
                             scene.skin)]
    return Drawn(parts, contact, False)


def scarf(rng, scene):
    """A scarf or collar from the bottom up to the chin or mouth: folds, warmed near the body."""
    face = scene.face
    top = rng.uniform(-0.65, -0.3)
    half = rng.uniform(0.45, 0.9)
    xs = np.linspace(half, -half, 6)
    edge = [(x, top + rng.uniform(-0.05, 0.05) - 0.15 * (abs(x) / half) ** 2) for x in xs]
    points = [(-half - 0.1, -1.6), (half + 0.1, -1.6), *edge]
    outline = shapes_.smooth_closed(np.array([face.at(x, y) for x, y in points]),
                                   rng.uniform(0.15, 0.35))
    lo, hi = scene.lam(0.0), scene.lam(0.85)
    t_far, t_near = scene.lam(rng.uniform(0.05, 0.35)), scene.lam(rng.uniform(0.35, 0.75))
    folds = texture(rng, rng.uniform(0.3, 1.2), rng.uniform(0.08, 0.3) * face.size,
                    octaves=4, stretch=rng.uniform(3.0, 6.0), angle=face.angle)
    pressed = [(*face.at(rng.uniform(-0.3, 0.3), top - 0.1), 0.2 * face.size,
                0.08 * face.size, face.angle, rng.uniform(0.0, 1.5))]
    fld = field(rng, (face.at(0, -1.2), face.at(0, top)), ((0, t_far), (1, t_near)), lo, hi,
                pressed, folds)
    contact = [_skin_contact(face.at(0.0, top), 0.3 * face.size, 0.1 * face.size, face.angle,
                             scene.skin)]
    return Drawn([part([polygon(outline)], fld)], contact, False)


# --------------------------------------------------------------------------- held objects


def _drinking_axis(rng, scene, tilt):
    """Rim point and unit axis (towards the rim) of a drink held below or at the mouth."""
    face = scene.face
    rim = face.at(rng.uniform(-0.35, 0.35), rng.uniform(-0.65, -0.2))
    axis = _rotate(face.up, rng.uniform(-tilt, tilt))
    return rim, axis


def cup(rng, scene):
    """A mug or paper cup with a hot (45-80 °C) or cold drink, cooling from the lip down."""
    width = rng.uniform(0.3, 0.5) * scene.face.size
    height = width * rng.uniform(1.0, 1.4)
    rim, axis = _drinking_axis(rng, scene, 0.35)
    base = rim - height * axis
    taper = rng.uniform(0.75, 1.0)
    heights = np.array([0.0, 0.5, 1.0]) * height
    halves = 0.5 * width * np.array([taper, 0.5 * (1 + taper) + rng.uniform(0, 0.04), 1.0])
    body = polygon(shapes_.outline(base, axis, heights, halves))
    side = np.array([axis[1], -axis[0]]) * (1.0 if rng.random() < 0.5 else -1.0)
    t = np.linspace(-np.pi / 2, np.pi / 2, 9)
    attach = rim - 0.5 * height * axis + 0.47 * width * side
    handle_pts = attach + np.outer(np.sin(t) * 0.28 * height, -axis) + np.outer(
        np.cos(t) * 0.32 * width, side)
    handle = line(handle_pts, rng.uniform(0.06, 0.1) * width)
    fill = rng.uniform(0.6, 0.9)
    if rng.random() < 0.6:
        lo, hi = scene.ambient, 80.0
        liquid = rng.uniform(45.0, 80.0)
        wall = max(liquid - rng.uniform(2.0, 10.0), 40.0)  # ceramic wall: a few °C below
        lip = wall - rng.uniform(0.15, 0.5) * (wall - scene.ambient)
    else:
        lo, hi = 2.0, max(scene.ambient, 13.0)
        wall = rng.uniform(2.0, 8.0) + rng.uniform(1.0, 5.0)
        lip = wall + rng.uniform(0.15, 0.5) * (scene.ambient - wall)
    profile = ((0.0, wall - rng.uniform(0.0, 3.0) * np.sign(wall - scene.ambient)),
               (fill, wall), (1.0, lip))
    glaze = texture(rng, rng.uniform(0.1, 1.0), rng.uniform(0.1, 0.4) * width)
    parts = [part([body], field(rng, (base, rim), profile, lo, hi, tex=glaze))]
    # The handle conducts heat from the wall: warm at both joints, nearest ambient in between.
    t_mid = scene.ambient + rng.uniform(0.2, 0.6) * (wall - scene.ambient)
    parts.append(part([handle], field(rng, (handle_pts[0], handle_pts[-1]),
                                      ((0, wall), (0.5, t_mid), (1, 0.9 * wall + 0.1 * t_mid)),
                                      lo, hi)))
    if wall > scene.ambient and rng.random() < 0.4:  # an insulating sleeve, a bright ring above
        a, b = rng.uniform(0.2, 0.35), rng.uniform(0.5, 0.7)
        band = polygon(shapes_.outline(base, axis, np.array([a, b]) * height,
                                      np.interp([a, b], [0, 0.5, 1], halves) * 1.04))
        t_sleeve = scene.ambient + rng.uniform(0.3, 0.6) * (wall - scene.ambient)
        parts.append(part([band], field(rng, (base, rim), ((0, t_sleeve), (1, t_sleeve)), lo, hi,
                                        tex=texture(rng, 0.5, 0.1 * width))))
    return Drawn(parts, [], False)


def bottle(rng, scene):
    """A bottle, cold (4-12 °C) or at room temperature, with a neck, a cap and a label band."""
    width = rng.uniform(0.25, 0.4) * scene.face.size
    height = width * rng.uniform(2.0, 3.2)
    rim, axis = _drinking_axis(rng, scene, 0.9)  # a bottle is often tipped to drink
    base = rim - height * axis
    heights = np.array([0.0, 0.6, 0.75, 0.85, 1.0]) * height
    halves = 0.5 * width * np.array([1.0, 1.0, 0.55, 0.3, 0.3])
    body = polygon(shapes_.outline(base, axis, heights, halves))
    cap = polygon(shapes_.rounded_rect(rim + 0.03 * height * axis, axis, 0.04 * height,
                                      0.17 * width, 0.3))
    fill = rng.uniform(0.5, 0.85)
    if rng.random() < 0.6:
        wall = rng.uniform(4.0, 12.0)  # chilled drink: strong negative contrast
        tex = texture(rng, rng.uniform(0.3, 1.0), rng.uniform(0.03, 0.1) * width)  # condensation
    else:
        wall = scene.lam(rng.uniform(-0.1, 0.15))
        tex = texture(rng, rng.uniform(0.0, 0.3), 0.2 * width)
    lo, hi = min(4.0, scene.ambient - 2.0), scene.ambient + 2.0
    neck = scene.ambient + rng.uniform(-1.0, 1.0)
    profile = ((0.0, wall), (fill, wall), (min(fill + 0.1, 1.0), 0.5 * (wall + neck)),
               (1.0, neck))
    parts = [part([body], field(rng, (base, rim), profile, lo, hi, tex=tex)),
             part([cap], field(rng, (base, rim), ((0, neck), (1, neck)), lo, hi))]
    if rng.random() < 0.6:
        a = rng.uniform(0.2, 0.4)
        band = polygon(shapes_.outline(base, axis, np.array([a, a + 0.2]) * height,
                                      np.full(2, 0.5 * width * 1.02)))
        t_label = wall + rng.uniform(0.2, 0.5) * (scene.ambient - wall)
        parts.append(part([band], field(rng, (base, rim), ((0, t_label), (1, t_label)), lo, hi)))
    return Drawn(parts, [], False)


def phone(rng, scene):
    """A phone at the ear (a call) or in front of the chin: a fin warmed at the held end."""
    face = scene.face
    length = rng.uniform(0.65, 0.8) * face.size
    half_w = 0.5 * length * rng.uniform(0.45, 0.5)
    side = 1.0 if rng.random() < 0.5 else -1.0
    call = rng.random() < 0.5
    if call:
        ear = face.at(side * rng.uniform(0.4, 0.5), rng.uniform(-0.05, 0.05))
        towards = face.at(side * 0.3, -0.4) - ear
        axis = _rotate(towards / np.hypot(*towards), rng.uniform(-0.25, 0.25))
        held, far = ear - 0.1 * length * axis, ear + 0.9 * length * axis
    else:
        top = face.at(rng.uniform(-0.25, 0.25), rng.uniform(-0.5, -0.3))
        axis = _rotate(-face.up, rng.uniform(-0.35, 0.35))
        held, far = top + length * axis, top
    centre = 0.5 * (held + far)
    unit = (far - held) / np.hypot(*(far - held))
    corner = rng.uniform(0.15, 0.4)
    shell = polygon(shapes_.rounded_rect(centre, unit, 0.5 * length, half_w, corner))
    lo, hi = scene.ambient - 6.0, scene.skin + 5.0
    # Contact (ear or hand) heats one end; the case conducts it along like a fin.
    t_base = scene.lam(rng.uniform(0.6, 1.0))
    t_far = scene.lam(rng.uniform(0.0, 0.3))
    chip = (*(centre + rng.uniform(-0.3, 0.3) * length * unit), 0.25 * length, 0.6 * half_w,
            float(np.arctan2(unit[1], unit[0])), rng.uniform(0.0, 5.0))  # the processor
    parts = [part([shell], field(rng, (held, far), fin_profile(rng, t_base, t_far), lo, hi,
                                 [chip]))]
    screen = polygon(shapes_.rounded_rect(centre, unit, 0.45 * length, 0.85 * half_w, corner))
    t_seen = scene.ambient - rng.uniform(0.0, 6.0) if rng.random() < 0.6 else scene.skin
    parts.append(part([screen], field(rng, (held, far), ((0, t_seen), (1, t_seen)), lo, hi),
                      opacity=rng.uniform(0.03, 0.15)))  # glass screen: a faint reflection
    contact = []
    if call:
        contact = [_skin_contact(held + 0.1 * length * unit, 0.15 * length, 0.9 * half_w,
                                 float(np.arctan2(unit[1], unit[0])), t_base)]
    return Drawn(parts, contact, False)


def microphone(rng, scene):
    """A hand-held microphone before the mouth: metal grille head, handle warm at the hand."""
    face = scene.face
    head_r = rng.uniform(0.09, 0.14) * face.size
    head = face.at(rng.uniform(-0.25, 0.25), rng.uniform(-0.55, -0.3))
    axis = _rotate(-face.up, rng.uniform(-0.7, 0.7))  # from the head to the hand
    length = rng.uniform(0.6, 1.0) * face.size
    width = rng.uniform(0.07, 0.11) * face.size
    handle = polygon(shapes_.outline(head + 0.5 * head_r * axis, axis, np.array([0.0, length]),
                                    np.array([0.6, 0.4]) * width))
    lo, hi = scene.lam(-0.5), scene.lam(1.0)
    t_hand = scene.lam(rng.uniform(0.4, 0.85))
    t_top = scene.lam(rng.uniform(-0.2, 0.3))
    hand_end = head + (0.5 * head_r + length) * axis
    parts = [part([handle], field(rng, (hand_end, head), fin_profile(rng, t_hand, t_top), lo, hi))]
    # Polished metal reflects the room: the head reads near (or below) ambient, the grille adds
    # fine texture and the breath a warm side.
    t_head = scene.lam(rng.uniform(-0.3, 0.3))
    grille = texture(rng, rng.uniform(0.3, 1.5), rng.uniform(0.15, 0.3) * head_r, octaves=2)
    breath = (*(head - 0.6 * head_r * axis), head_r, head_r, 0.0, rng.uniform(0.0, 1.5))
    parts.append(part([ellipse(head, head_r, head_r * rng.uniform(0.85, 1.0), rng.uniform(0, 3))],
                      field(rng, (head, head + head_r * axis), ((0, t_head), (1, t_head)), lo, hi,
                            [breath], grille)))
    return Drawn(parts, [], False)


_FAMILIES = {
    "blob": blob, "strand": strand, "hand": hand, "cup": cup, "bottle": bottle,
    "glasses": glasses, "mask": mask, "scarf": scarf, "phone": phone,
    "microphone": microphone, "hair": hair, "hot_cold": hot_cold,
}
FAMILIES = tuple(_FAMILIES)


def draw(family, rng, scene):
    """Draw one object of `family`."""
    return _FAMILIES[family](rng, scene)


def class_range(family, ambient, skin):
    """The temperature envelope (lo, hi) in °C of every part `family` draws in this scene."""
    s = Scene((1, 1), ambient, skin, None)
    return {
        "blob": (s.lam(-1.0), s.lam(2.0)),
        "strand": (s.lam(-0.75), s.lam(1.5)),
        "hand": (min(s.lam(0.45) - 3.5, s.lam(0.1)), skin + 0.5),
        "cup": (min(2.0, ambient), 80.0),
        "bottle": (min(4.0, ambient - 2.0), ambient + 2.0),
        "glasses": (ambient - 8.0, skin + 2.0),
        "mask": (s.lam(0.2), skin + 0.5),
        "scarf": (s.lam(0.0), s.lam(0.85)),
        "phone": (ambient - 6.0, skin + 5.0),
        "microphone": (s.lam(-0.5), s.lam(1.0)),
        "hair": (s.lam(0.25), s.lam(0.85)),
        "hot_cold": (ambient - 16.0, skin + 45.0),
    }[family]

"""Geometry of occluders: random polygons and lines (as the shape dicts of
:mod:`tiaug.occlusion._schema`), smooth random outlines and paths, and the outlines of glasses,
as (N, 2) arrays of (row, col) points.

All coordinates are (row, col) in pixels of the frame; lengths are already in pixels.
"""

import numpy as np

_SAMPLES_PER_SEGMENT = 10
# Angular jitter of a star polygon's vertices, as a fraction of the even spacing 2*pi/n: below 0.25
# every gap stays under pi, so the centre lies inside (which keeps "connected" shapes connected).
_ANGLE_JITTER = 0.2


def polygon(rng, centre, radius):
    """A random star-convex polygon of 3 to 12 vertices at radii in [0.4, 1] * radius."""
    n = int(rng.integers(3, 13))
    step = 2.0 * np.pi / n
    angles = rng.uniform(0.0, 2.0 * np.pi) + step * (
        np.arange(n) + rng.uniform(-_ANGLE_JITTER, _ANGLE_JITTER, n))
    radii = radius * rng.uniform(0.4, 1.0, n)
    vertices = np.column_stack([centre[0] + radii * np.sin(angles),
                                centre[1] + radii * np.cos(angles)])
    return {"type": "polygon", "vertices": vertices}


def polyline(rng, centre, half_length, width):
    """A thick segment or polyline (2 to 4 points, turns up to 60 degrees) centred on `centre`."""
    k = int(rng.integers(2, 5))
    turns = np.concatenate([[rng.uniform(0.0, 2.0 * np.pi)],
                            rng.uniform(-np.pi / 3, np.pi / 3, k - 2)])
    heading = np.cumsum(turns)
    step = 2.0 * half_length / (k - 1)
    points = np.zeros((k, 2))
    points[1:, 0] = np.cumsum(step * np.sin(heading))
    points[1:, 1] = np.cumsum(step * np.cos(heading))
    points += np.asarray(centre) - points.mean(axis=0)
    return {"type": "line", "points": points, "width": float(width)}


def ellipse_outline(centre, a, b, angle, n=24):
    """Closed polyline through `n` points of an ellipse (the ``"ellipse"`` shape's convention)."""
    t = np.linspace(0.0, 2.0 * np.pi, n + 1)
    u, v = a * np.cos(t), b * np.sin(t)
    ca, sa = np.cos(angle), np.sin(angle)
    return np.column_stack([centre[0] + u * ca - v * sa, centre[1] + u * sa + v * ca])


def eyeglasses(e1, e2, lens_size, lens_aspect, frame_width, temple_length):
    """Lens ellipses and the frame (rims, bridge, temples) for eye centres `e1`, `e2`.

    Lengths are fractions of the eye distance. Returns ``(lens_shapes, frame_shapes)``.
    """
    e1, e2 = np.asarray(e1, float), np.asarray(e2, float)
    d = float(np.hypot(*(e2 - e1)))
    u = (e2 - e1) / d
    angle = float(np.arctan2(u[1], u[0]))
    a = lens_size * d
    b = a * lens_aspect
    width = frame_width * d
    lenses = [{"type": "ellipse", "center": tuple(map(float, e)), "axes": (a, b), "angle": angle}
              for e in (e1, e2)]
    frame = [{"type": "line", "points": ellipse_outline(e, a, b, angle), "width": width}
             for e in (e1, e2)]
    frame.append({"type": "line", "points": np.array([e1 + a * u, e2 - a * u]), "width": width})
    for e, sign in ((e1, -1.0), (e2, 1.0)):
        edge = e + sign * a * u
        temple = np.array([edge, edge + sign * temple_length * d * u])
        frame.append({"type": "line", "points": temple, "width": 0.8 * width})
    return lenses, frame


def closed_bezier(rng, centre, radius, angle_jitter=0.35):
    """A random closed curve through 3-15 points around `centre`, from round to spiky.

    The points sit at sorted angles and radii in ``[1 - j, 1] * radius`` (``j`` drawn in
    [0.1, 0.7]); consecutive points are joined by cubic Bezier segments whose control arms are a
    random fraction ``u`` of the chord (one per curve): ``u`` near 0 gives a polygon with sharp
    corners, ``u`` near 1/2 a smooth round outline. Returns the sampled outline (a polygon).
    """
    n = int(rng.integers(3, 16))
    step = 2.0 * np.pi / n
    angles = rng.uniform(0.0, 2.0 * np.pi) + step * (
        np.arange(n) + rng.uniform(-angle_jitter, angle_jitter, n))
    radii = radius * rng.uniform(1.0 - rng.uniform(0.1, 0.7), 1.0, n)
    pts = np.column_stack([centre[0] + radii * np.sin(angles), centre[1] + radii * np.cos(angles)])
    return smooth_closed(pts, rng.uniform(0.0, 0.5))


def smooth_closed(points, arm):
    """Closed cubic Bezier spline through `points`, tangents along the neighbours' chord.

    The control arms are `arm` times the segment's chord length (0 gives the polygon itself).
    """
    prev_pts = np.roll(points, 1, axis=0)
    next_pts = np.roll(points, -1, axis=0)
    tangent = next_pts - prev_pts
    tangent /= np.maximum(np.hypot(tangent[:, 0], tangent[:, 1]), 1e-12)[:, None]
    chord = np.hypot(*(next_pts - points).T)[:, None]
    c1 = points + arm * chord * tangent
    c2 = next_pts - arm * chord * np.roll(tangent, -1, axis=0)
    return _cubic(points, c1, c2, next_pts)


def _cubic(p0, p1, p2, p3):
    t = np.linspace(0.0, 1.0, _SAMPLES_PER_SEGMENT, endpoint=False)[None, :, None]
    q = ((1 - t) ** 3 * p0[:, None] + 3 * (1 - t) ** 2 * t * p1[:, None]
         + 3 * (1 - t) * t ** 2 * p2[:, None] + t ** 3 * p3[:, None])
    return q.reshape(-1, 2)


def smooth_paths(rng, starts, headings, lengths, turn, n=4):
    """Smooth open paths, one per row of `starts` (k, 2), as a (k, m, 2) array.

    Each is a random walk of `n` straight steps of ``lengths / n`` pixels whose heading starts
    at `headings` and turns by up to `turn` radians per step, rounded by three rounds of
    Chaikin's corner cutting (which keeps the end points).
    """
    k = len(starts)
    turns = np.concatenate([np.zeros((k, 1)), rng.uniform(-turn, turn, (k, n - 1))], axis=1)
    angles = np.asarray(headings, float)[:, None] + np.cumsum(turns, axis=1)
    steps = (np.asarray(lengths, float)[:, None, None] / n) * np.stack(
        [np.cos(angles), np.sin(angles)], axis=-1)
    pts = np.concatenate([np.asarray(starts, float)[:, None],
                          starts[:, None] + np.cumsum(steps, axis=1)], axis=1)
    for _ in range(3):
        q = 0.75 * pts[:, :-1] + 0.25 * pts[:, 1:]
        r = 0.25 * pts[:, :-1] + 0.75 * pts[:, 1:]
        inner = np.stack([q, r], axis=2).reshape(k, -1, 2)
        pts = np.concatenate([pts[:, :1], inner[:, 1:-1], pts[:, -1:]], axis=1)
    return pts


def outline(base, axis, heights, half_widths):
    """Closed outline of a body of revolution seen from the side: widths along an axis.

    `base` is the (row, col) of the axis start, `axis` a unit (row, col) vector, and the outline
    passes at ``half_widths[k]`` on both sides of the axis point ``base + heights[k] * axis``.
    """
    axis = np.asarray(axis, float)
    side = np.array([axis[1], -axis[0]])
    centres = np.asarray(base, float) + np.outer(heights, axis)
    left = centres - np.outer(half_widths, side)
    right = centres + np.outer(half_widths, side)
    return np.vstack([left, right[::-1]])


def rounded_rect(centre, axis, half_length, half_width, corner):
    """A rectangle with round corners of radius ``corner * half_width`` along unit `axis`."""
    axis = np.asarray(axis, float)
    side = np.array([axis[1], -axis[0]])
    rad = corner * half_width
    t = np.linspace(0.0, np.pi / 2, 5)
    pts = []
    for su, sv, t0 in ((1, 1, 0.0), (-1, 1, np.pi / 2), (-1, -1, np.pi), (1, -1, 1.5 * np.pi)):
        corner_centre = (su * (half_length - rad), sv * (half_width - rad))
        for a in t0 + t:
            pts.append((corner_centre[0] + rad * np.cos(a), corner_centre[1] + rad * np.sin(a)))
    pts = np.asarray(pts)
    return np.asarray(centre, float) + np.outer(pts[:, 0], axis) + np.outer(pts[:, 1], side)

"""Random geometry of occluders, as the shape dicts that :func:`~tiaug.occlusion.draw_occluders`
reads.

All coordinates are (row, col) in pixels of the frame; lengths are already in pixels.
"""

import numpy as np

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


def eye_centres(mask, eye_label):
    """Centroids of the two eyes labelled `eye_label`, or None when they cannot be told apart.

    The eye pixels are split along their principal axis (the line through both eyes), so this works
    for any in-plane rotation of the face.
    """
    rows, cols = np.nonzero(mask == eye_label)
    if rows.size < 2:
        return None
    pts = np.column_stack([rows, cols]).astype(np.float64)
    mean = pts.mean(axis=0)
    _, vecs = np.linalg.eigh(np.cov(pts - mean, rowvar=False))
    side = (pts - mean) @ vecs[:, -1] >= 0.0
    if side.all() or not side.any():
        return None
    return pts[~side].mean(axis=0), pts[side].mean(axis=0)


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


def cup(rng, shape, width):
    """An upright cup (tapered body and a handle) rising into the frame from its bottom border."""
    height_px, width_px = shape
    height = width * rng.uniform(1.0, 1.4)
    base_width = width * rng.uniform(0.75, 0.95)
    tilt = rng.uniform(-np.pi / 9, np.pi / 9)
    base = np.array([height_px - 1 + rng.uniform(0.0, 0.5) * height,
                     rng.uniform(-0.5, width_px - 0.5)])
    up = np.array([-np.cos(tilt), np.sin(tilt)])  # towards the rim
    side = np.array([up[1], -up[0]])
    top = base + height * up
    body = np.array([base - 0.5 * base_width * side, top - 0.5 * width * side,
                     top + 0.5 * width * side, base + 0.5 * base_width * side])
    # Handle: half an ellipse on one side, from 25 % to 75 % of the height below the rim.
    hand = 1.0 if rng.random() < 0.5 else -1.0
    t = np.linspace(-np.pi / 2, np.pi / 2, 9)
    attach = top - 0.5 * height * up + hand * 0.45 * width * side
    points = (attach + np.outer(np.sin(t) * 0.25 * height, -up)
              + np.outer(np.cos(t) * 0.35 * width, hand * side))
    handle = {"type": "line", "points": points, "width": float(0.08 * width)}
    return [{"type": "polygon", "vertices": body}, handle], base, top


def hand(rng, shape, length):
    """A hand (palm, four fingers, thumb) on a forearm entering from the bottom, left or right.

    Returns the shapes and the wrist and fingertip points (the axis of its temperature gradient).
    """
    height_px, width_px = shape
    border = int(rng.integers(3))
    along = rng.uniform(0.1, 0.9)
    # Entry point on the border and the inward direction, jittered by up to 30 degrees.
    entry, heading = [
        (np.array([height_px - 0.5, along * width_px]), np.pi),
        (np.array([along * height_px, -0.5]), np.pi / 2),
        (np.array([along * height_px, width_px - 0.5]), -np.pi / 2),
    ][border]
    heading += rng.uniform(-np.pi / 6, np.pi / 6)
    fwd = np.array([np.cos(heading), np.sin(heading)])
    side = np.array([fwd[1], -fwd[0]])
    palm = entry + fwd * length * rng.uniform(0.3, 0.9)
    a, b = 0.28 * length, 0.22 * length
    shapes = [
        {"type": "ellipse", "center": tuple(map(float, palm)), "axes": (a, b),
         "angle": float(np.arctan2(fwd[1], fwd[0]))},
        # Forearm: from the palm back out past the border.
        {"type": "line", "points": np.array([palm, entry - fwd * length]), "width": 0.4 * length},
    ]
    thumb_side = 1.0 if rng.random() < 0.5 else -1.0
    finger_width = 0.085 * length
    for k, offset in enumerate((-1.5, -0.5, 0.5, 1.5)):
        root = palm + fwd * 0.8 * a + side * offset * 0.9 * finger_width
        spread = np.deg2rad(6.0 * offset) + rng.uniform(-0.05, 0.05)
        direction = np.cos(spread) * fwd + np.sin(spread) * side
        finger_len = 0.42 * length * (0.8 if k in (0, 3) else 1.0)
        shapes.append({"type": "line", "points": np.array([root, root + finger_len * direction]),
                       "width": finger_width})
    thumb_root = palm + thumb_side * side * 0.7 * b
    thumb_dir = np.cos(0.8) * fwd + np.sin(0.8) * thumb_side * side
    shapes.append({"type": "line", "points": np.array([thumb_root, thumb_root + 0.3 * length
                                                       * thumb_dir]), "width": 1.1 * finger_width})
    return shapes, palm - fwd * a, palm + fwd * (a + 0.42 * length)

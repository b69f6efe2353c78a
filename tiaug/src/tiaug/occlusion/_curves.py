"""Smooth random outlines and paths, as (N, 2) arrays of (row, col) points in pixels."""

import numpy as np

_SAMPLES_PER_SEGMENT = 10


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

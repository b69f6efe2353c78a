"""A held-out family of thermal occluders for the validation study.

``tiaug.ThermalOcclusion`` draws polygons, thick lines and shape pairs at one temperature each. To
test whether a network trained with it learned robustness to occlusion in general, and not just to
tiaug's own shapes, the study also evaluates on occluders from a family the training never saw:
smooth spline outlines, thin curved strands, capsules and knitted bands, each with a temperature
*profile* (gradient, hot core, texture) instead of a single value. Temperatures are set relative to
the frame's own ambient and skin temperatures so the family works on any camera's °C frames.

Four kinds (``KINDS``):

``"warm_object"``
    A smooth closed spline blob held in front of the face. ``"mug"``: roundish outline, a hot
    core (hot drink, up to 25 °C above skin) fading radially to a cooler wall. ``"phone"``: a
    rounded rectangle (superellipse) with a linear gradient from near ambient to near skin
    temperature along its long axis, where the hand warmed it.
``"fabric"``
    A scarf rising from the bottom of the frame over the chin or a hood entering from a side:
    a wavy edge, near-ambient fabric warmed by the body close to that edge (exponential decay
    away from it), and a knitted texture (oriented stripes plus fine noise, a few tenths of °C).
``"hair"``
    A lock of curved strands (quadratic Bézier curves, 1-3 px wide at 128 px) hanging from the
    top of the face, cooler than skin and cooling from root to tip, blended with the pixels
    under them (thin hair only partly hides the warm skin).
``"stick"``
    A pen or a microphone: a capsule held by a warm hand at one end, its free end near the face.
    Temperature follows the steady-state profile of a conductive fin,
    ``T(u) = T_tip + (T_hand - T_tip) cosh(m (1 - u)) / cosh(m)``; the microphone has a ball head
    with a low-emissivity mesh pattern.

The transform follows tiaug's call convention (:class:`tiaug.Transform`): ``t(image=temps,
mask=labels, rng=seed)`` returns ``image``, ``mask`` (unchanged: labels keep the class under the
occluder, as in the paper), ``occluded`` and ``params``; ``replay`` reproduces a call exactly.
Pixels outside the occluders are never touched.
"""

import numpy as np

from tiaug import Transform
from tiaug._validation import check_range

KINDS = ("warm_object", "fabric", "hair", "stick")


class HeldOutOcclusion(Transform):
    """Occluders of a family that ``tiaug.ThermalOcclusion`` does not produce.

    Parameters
    ----------
    kinds : sequence of str, optional
        Which of ``KINDS`` to draw from (uniformly).
    count : int or (int, int), optional
        Number of occluders per frame, drawn uniformly from the inclusive range.
    p : float, optional
        Probability of applying the transform.

    Examples
    --------
    >>> import numpy as np
    >>> face = np.full((64, 80), 22.0, np.float32)
    >>> face[12:56, 20:60] = 34.0
    >>> out = HeldOutOcclusion(kinds=("stick",))(image=face, rng=0)
    >>> out["image"].dtype, bool(out["occluded"].any())
    (dtype('float32'), True)
    """

    def __init__(self, kinds=KINDS, count=(1, 2), p=1.0):
        super().__init__(p)
        kinds = tuple(kinds)
        if not kinds or any(k not in KINDS for k in kinds):
            accepted = ", ".join(repr(k) for k in KINDS)
            raise ValueError(f"kinds must be a non-empty sequence of {accepted}, got {kinds!r}")
        lo, hi = check_range(count, "count", low=1)
        if lo != int(lo) or hi != int(hi):
            raise ValueError(f"count must be integers, got {count!r}")
        self.kinds = kinds
        self.count = (int(lo), int(hi))

    def sample(self, image, mask, rng):
        scene = _scene(image)
        n = int(rng.integers(self.count[0], self.count[1] + 1))
        occluders = []
        for _ in range(n):
            kind = self.kinds[int(rng.integers(len(self.kinds)))]
            occluders.append({"kind": kind, **_SAMPLERS[kind](scene, rng)})
        return {"occluders": occluders}

    def apply(self, params, image, mask, occluded):
        out = image.astype(np.float64)
        covered = np.zeros(image.shape, bool)
        for occ in params["occluders"]:
            region, temps = _RENDERERS[occ["kind"]](occ, out)
            out[region] = temps[region]
            covered |= region
        if occluded is not None:
            covered |= occluded
        return out.astype(image.dtype), mask, covered


# ---------------------------------------------------------------- scene statistics
def _scene(image):
    """Ambient and skin temperature and the warm (face) bounding box, from the image alone."""
    t_amb, t_skin = (float(v) for v in np.percentile(image, [5, 98]))
    if t_skin - t_amb < 1.0:  # a flat frame: pretend a typical indoor contrast
        t_skin = t_amb + 10.0
    h, w = image.shape
    rows, cols = np.nonzero(image > t_amb + 0.6 * (t_skin - t_amb))
    if rows.size == 0:
        box = (0.0, h - 1.0, 0.0, w - 1.0)
    else:
        box = (float(rows.min()), float(rows.max()), float(cols.min()), float(cols.max()))
    return {"shape": (h, w), "t_amb": t_amb, "t_skin": t_skin, "box": box}


def _grid(shape):
    return np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64)


def _in_frame(value, size):
    return float(np.clip(value, 0, size - 1))


# ---------------------------------------------------------------- warm object (mug / phone)
def _sample_warm_object(scene, rng):
    (h, w), (r0, r1, c0, c1) = scene["shape"], scene["box"]
    s = min(h, w)
    variant = "mug" if rng.random() < 0.5 else "phone"
    centre = (_in_frame(rng.uniform(r0 + 0.3 * (r1 - r0), r1 + 0.15 * (r1 - r0)), h),
              _in_frame(rng.uniform(c0 - 0.1 * (c1 - c0), c1 + 0.1 * (c1 - c0)), w))
    radius = s * (rng.uniform(0.1, 0.2) if variant == "mug" else rng.uniform(0.08, 0.14))
    k = 9
    phi = 2 * np.pi * np.arange(k) / k
    if variant == "mug":
        aspect = rng.uniform(0.8, 1.25)
        wobble = rng.uniform(0.85, 1.15, k)
    else:  # a superellipse of exponent 4 is a rounded rectangle
        aspect = rng.uniform(1.6, 2.2)
        wobble = rng.uniform(0.97, 1.03, k) / (np.abs(np.cos(phi)) ** 4
                                             + np.abs(np.sin(phi)) ** 4) ** 0.25
    params = {
        "variant": variant, "centre": centre, "radius": float(radius), "aspect": float(aspect),
        "angle": float(rng.uniform(0, np.pi)), "wobble": wobble.tolist(),
    }
    if variant == "mug":
        params["hot_spot"] = rng.uniform(-0.3, 0.3, 2).tolist()
        params["t_core"] = scene["t_skin"] + rng.uniform(3.0, 25.0)
        params["t_rim"] = scene["t_skin"] + rng.uniform(-4.0, 2.0)
        params["spread"] = float(rng.uniform(0.3, 0.7))
    else:
        params["t_cold"] = scene["t_amb"] + rng.uniform(1.0, 4.0)
        params["t_warm"] = scene["t_skin"] - rng.uniform(0.0, 3.0)
        params["gamma"] = float(rng.uniform(0.7, 2.0))
    return params


def _render_warm_object(p, image):
    from scipy.interpolate import CubicSpline
    from skimage.draw import polygon

    k = len(p["wobble"])
    phi = 2 * np.pi * np.arange(k + 1) / k
    rad = np.append(p["wobble"], p["wobble"][0])
    # Local frame: v along the long axis (length radius * aspect), u across it.
    v = p["radius"] * p["aspect"] * rad * np.cos(phi)
    u = p["radius"] * rad * np.sin(phi)
    v[-1], u[-1] = v[0], u[0]  # exactly closed, as a periodic spline requires
    t = np.linspace(0, 2 * np.pi, 256)
    v = CubicSpline(phi, v, bc_type="periodic")(t)
    u = CubicSpline(phi, u, bc_type="periodic")(t)
    ca, sa = np.cos(p["angle"]), np.sin(p["angle"])
    rows = p["centre"][0] + v * sa + u * ca
    cols = p["centre"][1] + v * ca - u * sa
    region = np.zeros(image.shape, bool)
    region[polygon(rows, cols, image.shape)] = True

    rr, cc = _grid(image.shape)
    dr, dc = rr - p["centre"][0], cc - p["centre"][1]
    along = (dr * sa + dc * ca) / (p["radius"] * p["aspect"])  # -1..1 along the long axis
    across = (dr * ca - dc * sa) / p["radius"]
    if p["variant"] == "mug":
        d2 = (along - p["hot_spot"][0]) ** 2 + (across - p["hot_spot"][1]) ** 2
        temps = p["t_rim"] + (p["t_core"] - p["t_rim"]) * np.exp(-d2 / p["spread"] ** 2)
    else:
        frac = np.clip((along + 1.0) / 2.0, 0.0, 1.0) ** p["gamma"]
        temps = p["t_cold"] + (p["t_warm"] - p["t_cold"]) * frac
    return region, temps


# ---------------------------------------------------------------- fabric (scarf / hood)
def _sample_fabric(scene, rng):
    (h, w), (r0, r1, c0, c1) = scene["shape"], scene["box"]
    s = min(h, w)
    variant = ("scarf", "hood_left", "hood_right")[int(rng.integers(3))]
    if variant == "scarf":
        edge = r0 + rng.uniform(0.55, 0.85) * (r1 - r0)
        length = w
    elif variant == "hood_left":
        edge = c0 + rng.uniform(0.0, 0.25) * (c1 - c0)
        length = h
    else:
        edge = c1 - rng.uniform(0.0, 0.25) * (c1 - c0)
        length = h
    return {
        "variant": variant, "edge": float(edge),
        "wave_amplitude": float(s * rng.uniform(0.02, 0.08)),
        "wave_period": float(length * rng.uniform(0.4, 1.2)),
        "wave_phase": float(rng.uniform(0, 2 * np.pi)),
        "tilt": float(rng.uniform(-0.2, 0.2)),
        "t_base": scene["t_amb"] + rng.uniform(0.0, 1.5),
        "warmth": (scene["t_skin"] - scene["t_amb"]) * rng.uniform(0.3, 0.7),
        "decay": float(s * rng.uniform(0.05, 0.2)),
        "knit_amplitude": float(rng.uniform(0.15, 0.6)),
        "knit_period": float(max(2.5, s * rng.uniform(0.03, 0.08))),
        "knit_angle": float(rng.uniform(0, np.pi)),
        "fuzz": float(rng.uniform(0.1, 0.3)),
        "texture_seed": int(rng.integers(2**31)),
    }


def _render_fabric(p, image):
    from scipy.ndimage import gaussian_filter

    h, w = image.shape
    rr, cc = _grid(image.shape)
    if p["variant"] == "scarf":
        along, depth = cc, rr
        centre = w / 2.0
    else:
        along, depth = rr, cc
        centre = h / 2.0
    edge = (p["edge"] + p["tilt"] * (along - centre)
            + p["wave_amplitude"] * np.sin(2 * np.pi * along / p["wave_period"] + p["wave_phase"]))
    # Distance into the fabric, away from its edge next to the face.
    inside = depth - edge if p["variant"] == "scarf" else (
        edge - depth if p["variant"] == "hood_left" else depth - edge)
    region = inside >= 0
    ca, sa = np.cos(p["knit_angle"]), np.sin(p["knit_angle"])
    knit = p["knit_amplitude"] * np.sin(2 * np.pi * (rr * sa + cc * ca) / p["knit_period"])
    noise = gaussian_filter(np.random.default_rng(p["texture_seed"]).standard_normal((h, w)), 0.8)
    noise *= p["fuzz"] / max(noise.std(), 1e-12)
    temps = p["t_base"] + p["warmth"] * np.exp(-np.maximum(inside, 0) / p["decay"]) + knit + noise
    return region, temps


# ---------------------------------------------------------------- hair strands
def _sample_hair(scene, rng):
    (h, w), (r0, r1, c0, c1) = scene["shape"], scene["box"]
    s = min(h, w)
    n = int(rng.integers(4, 13))
    root_c = rng.uniform(c0 + 0.15 * (c1 - c0), c1 - 0.15 * (c1 - c0))
    root_r = r0 + rng.uniform(-0.05, 0.15) * (r1 - r0)
    strands = []
    for _ in range(n):
        start = (_in_frame(root_r + rng.normal(0, 0.03 * s), h),
                 _in_frame(root_c + rng.normal(0, 0.08 * s), w))
        length = s * rng.uniform(0.2, 0.45)
        sway = rng.uniform(-0.4, 0.4)
        end = (start[0] + length, start[1] + sway * length)
        bend = (start[0] + 0.5 * length, start[1] + rng.uniform(-0.4, 0.4) * length)
        strands.append({"start": start, "bend": bend, "end": end,
                        "width": int(max(1, round(s * rng.uniform(0.008, 0.022))))})
    t_root = scene["t_skin"] - rng.uniform(1.0, 3.0)
    t_tip = max(scene["t_amb"] + 0.5, scene["t_skin"] - rng.uniform(3.0, 7.0))
    return {"strands": strands, "t_root": float(t_root), "t_tip": float(t_tip),
            "opacity": float(rng.uniform(0.6, 0.9))}


def _render_hair(p, image):
    from skimage.draw import disk

    region = np.zeros(image.shape, bool)
    frac = np.zeros(image.shape)
    for st in p["strands"]:
        (a, b, c) = (np.asarray(st[k], float) for k in ("start", "bend", "end"))
        n = int(4 * (np.hypot(*(b - a)) + np.hypot(*(c - b)))) + 2
        t = np.linspace(0.0, 1.0, n)[:, None]
        points = (1 - t) ** 2 * a + 2 * (1 - t) * t * b + t ** 2 * c  # quadratic Bézier
        for (r, col), tt in zip(points, t[:, 0], strict=True):
            if st["width"] == 1:
                ri, ci = int(round(r)), int(round(col))
                if not (0 <= ri < image.shape[0] and 0 <= ci < image.shape[1]):
                    continue
                rows, cols = np.array([ri]), np.array([ci])
            else:
                rows, cols = disk((r, col), st["width"] / 2.0, shape=image.shape)
            region[rows, cols] = True
            frac[rows, cols] = tt
    hair = p["t_root"] + (p["t_tip"] - p["t_root"]) * frac
    # Thin strands cover a pixel only in part: the skin behind still shows through.
    temps = p["opacity"] * hair + (1.0 - p["opacity"]) * image
    return region, temps


# ---------------------------------------------------------------- pen / microphone
def _sample_stick(scene, rng):
    (h, w), (r0, r1, c0, c1) = scene["shape"], scene["box"]
    s = min(h, w)
    variant = "pen" if rng.random() < 0.5 else "microphone"
    tip = (_in_frame(rng.uniform(r0 + 0.4 * (r1 - r0), r1), h),
           _in_frame(rng.uniform(c0 + 0.2 * (c1 - c0), c1 - 0.2 * (c1 - c0)), w))
    angle = rng.uniform(0, 2 * np.pi)
    length = s * rng.uniform(0.3, 0.6)
    hand = (tip[0] + length * np.sin(angle), tip[1] + length * np.cos(angle))
    half_width = s * (rng.uniform(0.015, 0.03) if variant == "pen" else rng.uniform(0.025, 0.04))
    params = {
        "variant": variant, "tip": tip, "hand": (float(hand[0]), float(hand[1])),
        "half_width": float(max(1.0, half_width)),
        "t_hand": scene["t_skin"] - rng.uniform(0.5, 3.0),
        "t_tip": scene["t_amb"] + rng.uniform(-2.0, 1.0),
        "fin": float(rng.uniform(0.5, 3.0)),
    }
    if variant == "microphone":
        params["head_radius"] = float(max(2.0, params["half_width"] * rng.uniform(1.6, 2.2)))
        params["mesh_period"] = float(max(2.0, s * rng.uniform(0.02, 0.04)))
        params["mesh_amplitude"] = float(rng.uniform(0.2, 0.6))
    return params


def _render_stick(p, image):
    rr, cc = _grid(image.shape)
    tip, hand = np.asarray(p["tip"]), np.asarray(p["hand"])
    axis = tip - hand
    length = max(np.hypot(*axis), 1e-9)
    # u: 0 at the hand, 1 at the free tip; distance to the segment gives the capsule.
    u = ((rr - hand[0]) * axis[0] + (cc - hand[1]) * axis[1]) / length**2
    uc = np.clip(u, 0.0, 1.0)
    dist = np.hypot(rr - (hand[0] + uc * axis[0]), cc - (hand[1] + uc * axis[1]))
    region = dist <= p["half_width"]
    m = p["fin"]
    temps = p["t_tip"] + (p["t_hand"] - p["t_tip"]) * np.cosh(m * (1.0 - uc)) / np.cosh(m)
    if p["variant"] == "microphone":
        head = np.hypot(rr - tip[0], cc - tip[1]) <= p["head_radius"]
        mesh = p["mesh_amplitude"] * (np.sin(2 * np.pi * rr / p["mesh_period"])
                                      * np.sin(2 * np.pi * cc / p["mesh_period"]))
        temps = np.where(head, p["t_tip"] - p["mesh_amplitude"] + mesh, temps)
        region |= head
    return region, temps


_SAMPLERS = {"warm_object": _sample_warm_object, "fabric": _sample_fabric,
             "hair": _sample_hair, "stick": _sample_stick}
_RENDERERS = {"warm_object": _render_warm_object, "fabric": _render_fabric,
              "hair": _render_hair, "stick": _render_stick}


def occlusion_test_set(images, transform, seed):
    """Apply `transform` to each frame with a fixed per-frame seed; return (images, occluded).

    Frame ``i`` uses ``numpy.random.default_rng([seed, i])``, so a frame's occluders do not
    depend on how many frames come before it.
    """
    out = np.empty_like(images)
    occluded = np.zeros(images.shape, bool)
    for i, frame in enumerate(images):
        res = transform(image=frame, rng=np.random.default_rng([seed, i]))
        out[i], occluded[i] = res["image"], res["occluded"]
    return out, occluded


def render_gallery(path, image, *, seed=0, per_kind=3):
    """Save a PNG with `per_kind` examples of each kind on `image` (°C), one row per kind."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lo, hi = float(image.min()), float(image.max())
    fig, axes = plt.subplots(len(KINDS), per_kind + 1,
                             figsize=(2.4 * (per_kind + 1) + 0.8, 2.2 * len(KINDS)))
    for row, kind in enumerate(KINDS):
        t = HeldOutOcclusion(kinds=(kind,), count=1)
        frames = [image] + [t(image=image, rng=np.random.default_rng([seed, row, j]))["image"]
                            for j in range(per_kind)]
        for col, frame in enumerate(frames):
            ax = axes[row, col]
            # A shared colour scale would hide the mug's hot core; each panel shows its own range.
            im = ax.imshow(frame, cmap="inferno", vmin=min(lo, frame.min()),
                           vmax=max(hi, frame.max()))
            ax.set_xticks([])
            ax.set_yticks([])
            fig.colorbar(im, ax=ax, fraction=0.046, pad=0.02)
            if col == 0:
                ax.set_ylabel(kind)
            if row == 0:
                ax.set_title("input (°C)" if col == 0 else f"example {col}")
    fig.tight_layout()
    fig.savefig(path, dpi=72)
    plt.close(fig)


if __name__ == "__main__":
    import argparse

    from tiaug.datasets import synthetic_faces

    parser = argparse.ArgumentParser(description="Render the held-out occluder family to a PNG.")
    parser.add_argument("--out", default="studies/results/ood_occluders.png")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    render_gallery(args.out, synthetic_faces(1, (192, 240), rng=args.seed)[0][0], seed=args.seed)
    print(f"wrote {args.out}")

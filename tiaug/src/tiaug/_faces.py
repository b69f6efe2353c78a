"""Rendering of one synthetic thermal face frame (private; see :mod:`tiaug.datasets`).

Geometry lives in *face units*: ``u`` towards image right, ``v`` down, origin between the eyes,
1 unit = half the face width at the cheekbones. A frame places the face with a pixel scale, a
centre and an in-plane roll; every pixel gets its face coordinates ``(U, V)`` once,
and each anatomical feature is an analytic function of them, so the whole frame is a few dozen
vectorised array operations and the temperatures are smooth by construction.
"""

import math

import numpy as np

# Sensor noise of a cooled / good uncooled LWIR camera (NETD about 50 mK), added last.
NOISE_STD = 0.05
CLASS_NAMES = ("background", "chin", "mouth", "eyes", "eyebrows", "nose")
LABELLINGS = ("landmarks", "anatomical")
_SALT = 0x7E1A_F0CE  # keeps subject identities independent of frame seeds that use the same int

# Ranges the lab draws from: the ambient per frame, the nose-tip drop below the skin per subject.
LAB_AMBIENT = (18.0, 26.0)
LAB_NOSE_DROP = (1.5, 4.0)
# Body core and the lab's reference room: heat losses of exposed skin scale with core - ambient.
CORE = 37.0
REFERENCE_AMBIENT = 22.0
# Named conditions (see tiaug.datasets): ranges in °C of the ambient and of the nose tip relative
# to the skin (negative = cooler), each replacing the lab's range; "lab" replaces nothing.
CONDITIONS = {
    "lab": {},
    "cold_room": {"ambient": (10.0, 16.0)},
    "hot_room": {"ambient": (30.0, 35.0)},
    "warm_nose": {"nose": (0.0, 1.5)},
    "cold_nose": {"nose": (-7.0, -5.0)},
}


def _remap(x, lab, new):
    """`x`'s position in the range `lab`, mapped linearly onto the range `new`."""
    return new[0] + (x - lab[0]) * ((new[1] - new[0]) / (lab[1] - lab[0]))


def identity(rng):
    """Draw the traits that stay fixed for one subject (shape, feature layout, skin offsets)."""
    u = rng.uniform
    bald = rng.random() < 0.1
    return dict(
        head_scale=u(0.9, 1.1),
        top=u(1.45, 1.6),  # crown height above the eyes
        chin=u(1.45, 1.7),  # chin depth below the eyes
        jaw=u(1.6, 2.4),  # outline exponent of the lower face: small = pointed jaw
        eye_sep=u(0.44, 0.5),
        eye_v=u(-0.06, 0.04),
        eye_w=u(0.42, 0.48),
        eye_h=u(0.13, 0.17),
        brow_gap=u(0.2, 0.27),
        brow_arch=u(0.05, 0.1),
        brow_thick=u(0.09, 0.13),
        brow_drop=u(1.0, 2.0),  # brow hair over the skin: denser brows insulate more
        nose_tip=u(0.5, 0.62),
        nose_w=u(0.2, 0.26),
        mouth_v=u(0.92, 1.04),
        mouth_w=u(0.33, 0.4),
        lip_h=u(0.09, 0.12),
        # Skin 33.3-34.6 °C; inner eye corners (medial canthi) track core temperature: 35.6-36.4 °C.
        skin=u(33.3, 34.6),
        canthus=u(35.6, 36.4),
        cornea_drop=u(1.0, 2.0),
        nose_drop=u(1.5, 4.0),  # nose-tip cooling below skin: the nose is the face's cold spot
        hairline=-2.0 if bald else u(-1.25, -0.95),
        hair_side=u(0.3, 1.0),  # how far hair comes down at the temples
        hair_volume=u(1.05, 1.18),
        hair_insulation=u(0.3, 0.6),  # hair surface: this fraction of the way from air to skin
        neck_w=u(0.55, 0.7),
        collar=u(0.35, 0.6),
        cloth=u(0.4, 0.7),  # clothing surface: this fraction of the way from air to skin
    )


def frame(rng, ident, condition=None):
    """Draw what changes between frames of one subject: pose, expression, ambient, textures.

    `condition` (a dict with optional ``"ambient"`` and ``"nose"`` ranges, see CONDITIONS) moves
    the frame to another room or state. The draws are the lab's, in the same order; a condition
    only maps them onto its ranges, so the frame is the lab frame of the same seed otherwise.
    """
    u = rng.uniform
    ambient = u(*LAB_AMBIENT)
    room = condition.get("ambient") if condition else None
    if room is not None:
        ambient = _remap(ambient, LAB_AMBIENT, room)
    fr = dict(
        ambient=ambient,
        # Skin follows the room a little, plus a small physiological drift between frames.
        skin=ident["skin"] + 0.12 * (ambient - 22.0) + rng.normal(0.0, 0.1),
        gradient=u(0.0, 1.5),
        gradient_dir=u(0.0, 2 * np.pi),
        roll=min(max(rng.normal(0.0, 6.0), -15.0), 15.0),
        yaw=u(-15.0, 15.0),
        zoom=u(0.92, 1.08),
        shift=(rng.normal(0.0, 0.04), rng.normal(0.0, 0.04)),
        mouth_open=u(0.0, 1.0) ** 2,
        smile=u(-0.04, 0.08),
        blink=u(0.55, 1.1),
        brow_raise=u(-0.02, 0.04),
        breath=u(0.8, 1.15),  # nose-tip cooling varies with the breathing phase
    )
    if condition:
        # Only conditions add these keys: without them render keeps the lab's arithmetic exactly.
        exposure = None
        if room is not None:
            # Exposed skin (nose tip; cheeks and jaw turning away towards the outline) loses heat
            # in proportion to the core-to-air difference: 1 in the lab's reference room.
            exposure = (CORE - ambient) / (CORE - REFERENCE_AMBIENT)
            fr["periphery"] = exposure
            # The tear film's evaporative cooling below the inner canthus scales alike: with the
            # canthus's half of the skin's drift the ocular surface then follows the room by
            # ~0.16 °C per °C (Shah & Galor, Clin Optom 2021).
            fr["cornea_drop"] = ident["cornea_drop"] * exposure
        nose = condition.get("nose")
        if nose is not None:  # the subject's nose-tip drop, mapped onto the state's range
            fr["nose_drop"] = _remap(ident["nose_drop"], LAB_NOSE_DROP, (-nose[1], -nose[0]))
        elif exposure is not None:
            fr["nose_drop"] = ident["nose_drop"] * exposure
    return fr


def _outline_halfwidth(v, ident):
    """Half width of the head outline at height `v` (ellipse on top, jaw curve below the eyes)."""
    top = np.clip(v / ident["top"], -1.0, 1.0) ** 2
    bottom = np.abs(np.clip(v / ident["chin"], -1.0, 1.0)) ** ident["jaw"]
    return np.sqrt(1.0 - np.where(v < 0, top, bottom))


def _chin_shift(v, ident, yaw):
    # Under yaw the protruding chin moves sideways, the crown and ears stay: the outline bends.
    return math.sin(yaw) * 0.25 * np.clip(v / ident["chin"], 0.0, 1.0) ** 2


def _project(u, depth, yaw):
    # Features lie on a cylinder of radius 1.1 face units; `depth` sticks out of it (the nose).
    r = 1.1
    return r * np.sin(np.arcsin(np.clip(u / r, -1.0, 1.0)) + yaw) + depth * np.sin(yaw)


def landmarks(ident, fr):
    """Face-unit polygons of the labelled regions and the points the temperatures are built on."""
    yaw = np.deg2rad(fr["yaw"])
    # Jaw line: 17 points evenly spaced along the outline from one temple, round the chin, to the
    # other, as the first 17 of the 68-point annotation.
    v = np.linspace(ident["eye_v"] + 0.1, ident["chin"], 64)
    w = _outline_halfwidth(v, ident)
    curve = np.concatenate([np.stack([-w, v], 1), np.stack([w, v], 1)[::-1]])
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(curve, axis=0).T))])
    t = np.linspace(0.0, arc[-1], 17)
    jaw = np.stack([np.interp(t, arc, curve[:, 0]), np.interp(t, arc, curve[:, 1])], 1)
    jaw[:, 0] += _chin_shift(jaw[:, 1], ident, yaw)

    eyes, brows = [], []
    for side in (-1.0, 1.0):
        cx, ev = side * ident["eye_sep"], ident["eye_v"]
        hw, hh = ident["eye_w"] / 2, ident["eye_h"] / 2 * fr["blink"]
        # Outer corner, two upper-lid points, inner corner (index 3), two lower-lid points.
        ex = cx + side * hw * np.array([1.0, 0.35, -0.35, -1.0, -0.35, 0.35])
        ey = ev + hh * np.array([0.0, -1.0, -1.0, 0.1, 0.8, 0.8])
        eyes.append(np.stack([_project(ex, 0.0, yaw), ey], 1))
        # Eyebrow: an arch of 5 points and a lower edge, thicker at the inner end.
        s = np.linspace(1.2, -1.0, 5)
        bx = cx + side * (0.04 + 0.75 * ident["eye_w"] * s)
        by = ev - ident["brow_gap"] - fr["brow_raise"] - ident["brow_arch"] * (1 - (s - 0.1) ** 2)
        thick = ident["brow_thick"] * np.linspace(0.7, 1.2, 5)
        px = np.concatenate([bx, bx[::-1]])
        py = np.concatenate([by, (by + thick)[::-1]])
        brows.append(np.stack([_project(px, 0.0, yaw), py], 1))

    ev, tip, nw = ident["eye_v"], ident["nose_tip"], ident["nose_w"]
    base, mid = tip + 0.08, (ev + tip) / 2
    nx = np.array([-0.07, -0.1, -nw, -0.55 * nw, 0.0, 0.55 * nw, nw, 0.1, 0.07])
    ny = np.array([ev, mid, tip + 0.02, base, base + 0.01, base, tip + 0.02, mid, ev])
    depth = np.array([0.1, 0.2, 0.15, 0.25, 0.3, 0.25, 0.15, 0.2, 0.1])
    nose = np.stack([_project(nx, depth, yaw), ny], 1)

    mw = ident["mouth_w"] * (1 + fr["smile"])
    gap = 0.06 * fr["mouth_open"]
    s = np.array([-1.0, -0.6, -0.25, 0.0, 0.25, 0.6, 1.0])
    upper = -(gap / 2 + ident["lip_h"] * np.sqrt(1 - s**2) * (1 - 0.25 * (s == 0)))
    lower = gap / 2 + 1.2 * ident["lip_h"] * np.sqrt(1 - s**2)
    lift = -fr["smile"] * 0.5 * np.abs(s) ** 3  # smiling raises the corners
    mv = ident["mouth_v"] + 0.5 * gap
    mx = np.concatenate([s, s[-2:0:-1]]) * mw
    my = mv + np.concatenate([upper + lift, (lower + lift)[-2:0:-1]])
    mouth = np.stack([_project(mx, 0.2, yaw), my], 1)

    # Chin: enclosed by the lower jaw line (points 5..11) and the lower lip, right corner to left.
    chin = np.concatenate([jaw[5:12], mouth[6:], mouth[:1]])
    # The 68-point groups (iBUG order): jaw 0-16, brows 17-26 (5 along each brow's centre line),
    # nose 27-35 (4 down the bridge, 5 along the base), eyes 36-47 (6 each), mouth 48-59 (outer
    # lip).
    tip_v, base_v = ident["nose_tip"], ident["nose_tip"] + 0.08
    bridge = np.stack([_project(np.zeros(4), np.linspace(0.05, 0.35, 4), yaw),
                       np.linspace(ident["eye_v"], tip_v, 4)], 1)
    bu = np.array([-0.8, -0.45, 0.0, 0.45, 0.8]) * ident["nose_w"]
    nbase = np.stack([_project(bu, np.array([0.15, 0.25, 0.3, 0.25, 0.15]), yaw),
                      base_v - np.array([0.03, 0.0, -0.01, 0.0, 0.03])], 1)
    groups = dict(jaw=jaw, brows=[b[:5] + [0.0, 0.5 * ident["brow_thick"]] for b in brows],
                  nose=np.concatenate([bridge, nbase]), eyes=eyes, mouth=mouth)
    return dict(jaw=jaw, eyes=eyes, brows=brows, nose=nose, mouth=mouth, chin=chin, groups=groups,
                nose_tip=np.array([_project(0.0, 0.35, yaw), tip]),
                mouth_centre=np.array([_project(0.0, 0.2, yaw), mv]))


class _Canvas:
    """Face coordinates of every pixel plus the map back to pixels, for windowed features."""

    def __init__(self, shape, scale, centre, roll):
        self.shape, self.scale, self.centre = shape, scale, centre
        self.cos, self.sin = math.cos(math.radians(roll)), math.sin(math.radians(roll))
        y = (np.arange(shape[0], dtype=np.float32) - np.float32(centre[0]))[:, None] / scale
        x = (np.arange(shape[1], dtype=np.float32) - np.float32(centre[1]))[None, :] / scale
        c, s = np.float32(self.cos), np.float32(self.sin)
        self.U = x * c - y * s
        self.V = x * s + y * c

    def to_pixels(self, points):
        """(row, col) pixel coordinates of face-unit points (..., 2)."""
        u, v = points[..., 0], points[..., 1]
        x = self.scale * (u * self.cos + v * self.sin)
        y = self.scale * (-u * self.sin + v * self.cos)
        return self.centre[0] + y, self.centre[1] + x

    def box(self, u0, u1, v0, v1):
        """Slices of the pixel box holding the face-unit rectangle (may be empty)."""
        r, c = self.to_pixels(np.array([[u0, v0], [u0, v1], [u1, v0], [u1, v1]]))
        rows = slice(min(max(int(r.min()) - 1, 0), self.shape[0]), max(int(r.max()) + 2, 0))
        cols = slice(min(max(int(c.min()) - 1, 0), self.shape[1]), max(int(c.max()) + 2, 0))
        return rows, cols

    def window(self, point, radius):
        """Slices of the pixel box within `radius` face units of `point` (may be empty)."""
        u, v = point
        return self.box(u - radius, u + radius, v - radius, v + radius)

    def fill(self, image, points, target, weight=1.0):
        """Blend the pixels inside the face-unit polygon `points` towards `target` °C."""
        from skimage.draw import polygon

        rr, cc = polygon(*self.to_pixels(points), shape=self.shape)
        image[rr, cc] += np.float32(weight) * (np.float32(target) - image[rr, cc])

    def paint(self, image, point, su, sv, target, weight=1.0):
        """Blend `image` towards `target` °C with a Gaussian weight (peak `weight`) at `point`."""
        win = self.window(point, 3.0 * max(su, sv))
        du = (self.U[win] - np.float32(point[0])) / np.float32(su)
        dv = (self.V[win] - np.float32(point[1])) / np.float32(sv)
        g = np.float32(weight) * np.exp(np.float32(-0.5) * (du * du + dv * dv))
        image[win] += g * (np.float32(target) - image[win])


def _smooth_weights(n, k):
    """Indices and C1-smooth weights interpolating k control values to n samples."""
    t = np.linspace(0.0, k - 1, n, dtype=np.float32)
    i = np.minimum(t.astype(np.intp), k - 2)
    f = t - i.astype(np.float32)
    return i, f * f * (3 - 2 * f)


def _upsample(grid, shape):
    """Interpolate a coarse grid smoothly to `shape`.

    Gathers instead of a matrix product: no BLAS threads, the same bits on every machine.
    """
    i, f = _smooth_weights(shape[0], grid.shape[0])
    rows = grid[i] + f[:, None] * (grid[i + 1] - grid[i])
    j, f = _smooth_weights(shape[1], grid.shape[1])
    return rows[:, j] + f * (rows[:, j + 1] - rows[:, j])


def _texture(rng, shape, grid, amplitude):
    """Smooth random field of `shape`: a coarse Gaussian grid, upsampled."""
    return _upsample(rng.standard_normal(grid, dtype=np.float32) * np.float32(amplitude), shape)


def _alpha(distance, scale):
    # Anti-aliased membership from an approximate signed distance in face units (<0 inside).
    return np.minimum(np.maximum(np.float32(0.5) - distance * np.float32(scale), 0), 1)


def render(shape, ident, fr, rng, labelling="landmarks"):
    """Temperatures (float32 °C) and uint8 labels of one frame (see LABELLINGS)."""
    from skimage.draw import polygon

    H, W = shape
    # Close-up framing as in a face crop: the face (2 units wide) spans about 45 % of the width
    # of a 4:5 frame, brows to chin about 70 % of its height.
    scale = 0.27 * min(H, W) * ident["head_scale"] * fr["zoom"]
    centre = (H * (0.4 + fr["shift"][0]), W * (0.5 + fr["shift"][1]))
    cv = _Canvas(shape, scale, centre, fr["roll"])
    U, V = cv.U, cv.V
    lm = landmarks(ident, fr)
    yaw = math.radians(fr["yaw"])
    amb, skin, chin, f32 = fr["ambient"], fr["skin"], ident["chin"], np.float32

    # Background: the room at ambient, a smooth texture with a mild gradient folded into its grid.
    grid = rng.standard_normal((4, 5)) * 0.3
    ang = fr["gradient_dir"]
    grid += fr["gradient"] * (math.cos(ang) * np.linspace(-0.5, 0.5, 4)[:, None]
                              + math.sin(ang) * np.linspace(-0.5, 0.5, 5))
    image = _upsample(grid.astype(np.float32) + f32(amb), shape)

    # Shoulders in clothing; skin in the neckline and on the neck, which widens into the trapezius.
    side = np.maximum(np.abs(U) - f32(0.5), 0)
    arm = f32(2.2) + f32(0.6) * np.maximum(V - f32(chin + 0.9), 0)
    shoulders = _alpha(np.maximum(f32(chin + 0.5) + f32(0.3) * side - V, np.abs(U) - arm), scale)
    cloth = _texture(rng, shape, (6, 8), 0.5) + f32(amb + ident["cloth"] * (skin - amb))
    image += shoulders * (cloth - image)
    dv = (V - f32(chin + 0.45)) / f32(ident["collar"])
    neckline = _alpha(np.sqrt(U * U / f32(0.64) + dv * dv) - 1.0, 0.5 * scale)
    below = np.maximum(V - f32(chin), 0)
    neck_w = f32(ident["neck_w"]) + f32(0.15) * below * below
    neck = _alpha(np.abs(U) - neck_w, scale) * _alpha(0.3 - V, scale)
    un = np.minimum(U * U / (neck_w * neck_w), 1)  # (integer powers > 2 are slow in numpy)
    neck_t = f32(skin + 0.3) - f32(1.2) * un * un
    image += np.maximum(neck, neckline * shoulders) * (neck_t - image)

    # Ears, behind the head outline: cooler than the face, coldest at the rim.
    for side in (-1.0, 1.0):
        win = cv.window((side, 0.05), 0.3)
        du, dv = (U[win] - f32(side)) / f32(0.13), (V[win] - f32(0.05)) / f32(0.27)
        ear = du * du + dv * dv
        t = f32(skin - 1.0) - f32(0.35 * (skin - amb)) * np.minimum(ear, 1)
        image[win] += _alpha(0.13 * (np.sqrt(ear) - 1.0), scale) * (t - image[win])

    # Head: ellipse on top, jaw curve below; the periphery cools as the skin turns from the camera.
    # Computed in the head's bounding box only.
    hv = ident["hair_volume"]
    top = ident["top"] * hv
    win = cv.box(-hv - 0.05, hv + 0.05, -top - 0.05, chin + 0.05)
    Uw, Vw, head = U[win], V[win], image[win]
    ue = Uw - _chin_shift(Vw, ident, yaw)
    vt = np.minimum(Vw, 0) / f32(ident["top"])
    vb = np.maximum(Vw, 0) / f32(chin)
    radius = np.sqrt(ue * ue + vt * vt + vb ** f32(ident["jaw"]))
    # Cheeks cool as they turn away from the camera (and from the warm core) towards the sides,
    # all skin in a thin band along the outline; the forehead is warm.
    side = np.minimum(ue * ue, 1)
    r4 = np.minimum(radius * radius, 1) ** 2
    face = _texture(rng, head.shape, (8, 8), 0.12) + f32(skin)
    periphery = fr.get("periphery")  # set by a room other than the lab's only
    cheek, rim = (1.8, 1.0) if periphery is None else (1.8 * periphery, 1.0 * periphery)
    face += f32(0.4) * _alpha(Vw + 0.6, 4.0) - f32(cheek) * side * side - f32(rim) * r4 * r4
    head += _alpha(radius - 1.0, scale) * (face - head)

    # Facial features, painted towards their own temperatures.
    canthus = ident["canthus"] + 0.5 * (fr["skin"] - ident["skin"])
    for eye, brow, brow_hull in zip(lm["eyes"], lm["brows"], lm["groups"]["brows"],
                                    strict=True):
        centre_pt = eye.mean(0)
        cv.paint(image, centre_pt, 0.2, 0.15, canthus - 1.0, 0.8)  # periorbital region
        cv.paint(image, centre_pt, 0.45 * ident["eye_w"], 0.6 * ident["eye_h"], canthus - 0.5)
        # The open eye: the ocular surface, cooled by tear evaporation, reads 1-2 °C below the
        # inner canthus (about 34.5-35 °C), a cool spot inside the warm periorbital ring.
        cv.fill(image, eye, canthus - fr.get("cornea_drop", ident["cornea_drop"]), 0.9)
        inner = eye[3] + np.array([0.015 * np.sign(-eye[3, 0]), 0.005])
        cv.paint(image, inner, 0.045, 0.035, canthus)
        # The hair of the eyebrows insulates the skin beneath.
        for p in brow[1:4]:
            cv.paint(image, p + [0, 0.03], 0.08, 0.035, skin - 0.8, 0.8)
        cv.fill(image, _hull(brow_hull), skin - ident["brow_drop"], 0.8)
    tip, nw = lm["nose_tip"], ident["nose_w"]
    nose_t = skin - fr.get("nose_drop", ident["nose_drop"]) * fr["breath"]
    cv.paint(image, (tip[0], 0.5 * (ident["eye_v"] + tip[1])), 0.07, 0.2, skin - 0.4, 0.7)
    cv.paint(image, tip, 0.16, 0.18, nose_t)
    for side in (-1.0, 1.0):  # warm perinasal creases beside the alae
        cv.paint(image, (tip[0] + side * (nw + 0.04), tip[1] + 0.04), 0.05, 0.07, skin + 0.6, 0.7)
    mc, mw = lm["mouth_centre"], ident["mouth_w"]
    cv.paint(image, mc, 0.8 * mw, 1.2 * ident["lip_h"], skin + 0.4, 0.8)
    cv.paint(image, mc, 0.5 * mw, 0.04, canthus - 0.3, 0.9 * fr["mouth_open"])
    cv.paint(image, (lm["jaw"][8, 0], chin - 0.2), 0.25, 0.15, skin - 0.5, 0.5)  # protruding chin

    # Hair: above a hairline that comes down at the temples; a poor conductor between air and skin.
    hair_r = np.sqrt((Uw / f32(hv)) ** 2 + (np.minimum(Vw, 0) / f32(top)) ** 2)
    line = f32(ident["hairline"]) + f32(ident["hair_side"]) * (Uw * Uw) ** 2
    hair = _alpha(hair_r - 1.0, scale) * _alpha(Vw - line, 20.0)
    hair_t = _texture(rng, head.shape, (20, 20), 0.5) - f32(1.5) * hair_r
    hair_t += f32(amb + ident["hair_insulation"] * (skin - amb))
    head += hair * (hair_t - head)

    # Optics: a 3x3 binomial point spread function, then sensor noise.
    image[1:-1] = 0.25 * image[:-2] + 0.5 * image[1:-1] + 0.25 * image[2:]
    image[:, 1:-1] = 0.25 * image[:, :-2] + 0.5 * image[:, 1:-1] + 0.25 * image[:, 2:]
    image += rng.standard_normal(shape, dtype=np.float32) * f32(NOISE_STD)

    labels = np.zeros(shape, dtype=np.uint8)
    if labelling == "landmarks":
        # The paper's masks: the filled convex hull of each 68-point group, painted in this order.
        g = lm["groups"]
        regions = [(1, _hull(g["jaw"])), (2, _hull(g["mouth"])),
                   *((3, _hull(e)) for e in g["eyes"]), *((4, _hull(b)) for b in g["brows"]),
                   (5, _hull(g["nose"]))]
    else:
        regions = [(1, lm["chin"]), (5, lm["nose"]), (2, lm["mouth"]),
                   *((3, e) for e in lm["eyes"]), *((4, b) for b in lm["brows"])]
    for value, pts in regions:
        rr, cc = polygon(*cv.to_pixels(pts), shape=shape)
        labels[rr, cc] = value
    # The grids make the image Fortran-ordered; every consumer (numba kernels, torch) wants rows.
    return np.ascontiguousarray(image), labels


def _hull(points):
    """Vertices of the convex hull of 2-D `points`, in order."""
    from scipy.spatial import ConvexHull

    return points[ConvexHull(points).vertices]

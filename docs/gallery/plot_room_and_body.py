"""
One face in five rooms and five states
======================================

:class:`tiaug.ThermalAmbience` moves a face to another room, or changes its physiological
state. The first row moves one synthetic face, recorded at about 22 °C, to rooms at 5 to 35 °C
with :func:`tiaug.functional.ambience`: the wall follows the room fully, the skin by a fifth of
the change with its own contrasts kept, and hair, clothing and the cool nose tip in between, so a
warm room leaves the face standing out less from its surroundings (each panel has its own
colour scale). The second row keeps the room and changes the body: a nose tip cooled by stress or
warmed at rest, the eyes and cheeks under a startle, the nostrils and mouth at the end of an
exhale or an inhale. The third row shows what each state changed (output minus input, zoomed on
the face) with the regions' circles from :func:`tiaug.ambience.face_anchors` and the labels'
outlines in grey: the changes are smooth round bumps, not the shapes of the labels.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

import tiaug.functional as F
from tiaug import ThermalAmbience
from tiaug.ambience import SKIN_BAND, face_anchors
from tiaug.datasets import make_face
from tiaug.occlusion import scene_temperatures

temps, labels = make_face((192, 240), subject=3, rng=1)
anchors = face_anchors(labels)

rooms = [5.0, 15.0, 22.0, 30.0, 35.0]
states = {
    "stress: nose -4": dict(nose=-4.0),
    "rest / alcohol: nose +3": dict(nose=3.0),
    "startle: periorbital +1,\nperinasal -1": dict(periorbital=1.0, perinasal=-1.0),
    "exhale: breathing +1": dict(breathing=1.0),
    "inhale: breathing -1": dict(breathing=-1.0),
}
# Each state sets its own regions and leaves the others (and the room) as they are.
still = dict(ambient=None, nose=0.0, periorbital=0.0, perinasal=0.0, breathing=0.0)

in_rooms = [F.ambience(temps, room, mask=labels)["image"] for room in rooms]
in_states = [ThermalAmbience(**{**still, **change})(image=temps, mask=labels, rng=0)["image"]
             for change in states.values()]

# Row 3 is zoomed on the labelled face.
rows, cols = np.nonzero(labels)
margin = 12
zoom = (cols.min() - margin, cols.max() + margin, rows.max() + margin, rows.min() - margin)

fig, axes = plt.subplots(3, 5, figsize=(16, 9.5), layout="constrained")
for ax, room, frame in zip(axes[0], rooms, in_rooms):
    im = ax.imshow(frame, cmap="inferno")
    fig.colorbar(im, ax=ax, shrink=0.85, label="°C")
    ax.set_title(f"room {room:g} °C", fontsize=10)
for ax, name, frame in zip(axes[1], states, in_states):
    im = ax.imshow(frame, cmap="inferno")
    fig.colorbar(im, ax=ax, shrink=0.85, label="°C")
    ax.set_title(name, fontsize=10)
for ax, name, frame in zip(axes[2], states, in_states):
    change = frame - temps
    limit = max(float(np.abs(change).max()), 0.1)
    im = ax.imshow(change, cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.colorbar(im, ax=ax, shrink=0.85, label="change, °C")
    ax.contour(labels, levels=np.arange(0.5, 6), colors="0.5", linewidths=0.4)
    for region in states[name]:
        for row, col, radius in anchors[region]:
            ax.add_patch(Circle((col, row), radius, fill=False, color="k", lw=0.8, ls="--"))
    ax.set_xlim(zoom[0], zoom[1])
    ax.set_ylim(zoom[2], zoom[3])
    ax.set_title(f"change: {name.split(':')[0]}", fontsize=10)
for ax in axes.flat:
    ax.set_axis_off()
plt.show()

# %%
# The room
# --------
#
# Perfused skin is held near body temperature: it follows the air by a small *skin response*
# ``r`` (``skin_response``, 0.2 here; :class:`~tiaug.ThermalAmbience` draws 0.1-0.35), and the
# warm features on it (the eye corners, the mouth) nearly with it (a pixel at ``T`` by ``r (a' -
# a) (37 - T) / (37 - s)``: none at the 37 °C core), so the contrasts within the skin stay.
# The skin band is every pixel above ``e = s - 0.1 (s - a)`` (``s`` the skin's, ``a`` the room's
# temperature, both estimated from the frame by :func:`tiaug.scene.scene_temperatures`). Every
# other surface keeps its heat exchange: the wall, at the air's temperature, follows the room
# fully, and hair, clothing and a nose tip that loses heat stay at their fraction of the way from
# the air to the band's edge, so their contrast to the skin scales with the skin-to-air
# difference. A warm room squeezes them towards the skin; a cold one spreads them out. The map is
# continuous and uses no labels, so it never traces a label's border, and it is not affine on
# the face: a change that scaled every contrast alike would look the same after a per-frame
# normalisation.
#
# Measured on the frames above: the wall (top-left corner), the forehead (0.8 interpupillary
# distances above the eyes), the nose tip (the ``"nose"`` anchor) and the warmest eye pixel (the
# inner eye corner), each the mean over a few pixels. The last two lines are each point's share
# of the 30 °C change from the coldest to the warmest room, measured, and as the model gives it
# from the recorded frame: 1 at or below ``a``, ``r (37 - T) / (37 - s)`` in the skin band, and
# in between the share that keeps a pixel's fraction of the way from the air to the band's edge.

ambient, skin = scene_temperatures(temps, labels)
(r1, c1, _), (r2, c2, _) = anchors["periorbital"]
ipd = np.hypot(r2 - r1, c2 - c1)
nose_row, nose_col, _ = anchors["nose"][0]
mid = np.array([(r1 + r2) / 2, (c1 + c2) / 2])
down = (np.array([nose_row, nose_col]) - mid) / np.hypot(nose_row - mid[0], nose_col - mid[1])
yy, xx = np.mgrid[: temps.shape[0], : temps.shape[1]]


def disc(center, radius):
    return np.hypot(yy - center[0], xx - center[1]) <= radius


eyes = labels == 3
corner = np.unravel_index(np.argmax(np.where(eyes, temps, -np.inf)), temps.shape)
points = {
    "wall": (yy < 16) & (xx < 16),
    "forehead": disc(mid - 0.8 * ipd * down, 0.1 * ipd),
    "nose tip": disc((nose_row, nose_col), 0.1 * ipd),
    "eye corner": disc(corner, 1.5) & eyes,
}
print(f"recorded in a room at {ambient:.1f} °C, skin {skin:.1f} °C (estimated from the frame)")
print("room (°C)  " + "".join(f"{name:>12}" for name in points) + "  nose - forehead")
for room, frame in zip(rooms, in_rooms):
    values = [float(frame[where].mean()) for where in points.values()]
    print(f"{room:9.0f}  " + "".join(f"{v:12.2f}" for v in values)
          + f"  {values[2] - values[1]:15.2f}")
shares = [float((in_rooms[-1][w] - in_rooms[0][w]).mean()) / (rooms[-1] - rooms[0])
          for w in points.values()]
edge = skin - SKIN_BAND * (skin - ambient)
band = 0.2 * (37.0 - temps) / (37.0 - skin)
edge_share = 0.2 * (37.0 - edge) / (37.0 - skin)
passive = 1.0 - (1.0 - edge_share) * (temps - ambient) / (edge - ambient)
share = np.where(temps <= ambient, 1.0, np.where(temps > edge, band, passive))
model = [float(share[w].mean()) for w in points.values()]
print("share      " + "".join(f"{s:12.2f}" for s in shares))
print("model      " + "".join(f"{s:12.2f}" for s in model))

# %%
# The body
# --------
#
# Each region's change is a bump ``delta * (1 - d**2 / r**2)**2`` around its anchor: ``delta`` at
# the centre, falling smoothly to zero at the radius ``r`` (nose tip 0.45, periorbital 0.45,
# perinasal 0.25, nostrils 0.2, mouth 0.3 interpupillary distances). The anchors are placed from
# the centres of the labelled eyes, nose and mouth and the distance between the eyes; the bumps
# are round and do not follow the labels' outlines. A bump is weighted by how warm the input
# pixel is (fully from half-way between the room and the skin upwards, not at all at the room's
# temperature), so a bump that reaches past the face does not warm the wall. Printed: each
# region's largest change inside its circles, and the largest change outside all of them:

for name, frame in zip(states, in_states):
    change = frame - temps
    inside = np.zeros(temps.shape, bool)
    peaks = []
    for region in states[name]:
        here = np.zeros(temps.shape, bool)
        for row, col, radius in anchors[region]:
            here |= disc((row, col), radius)
        inside |= here
        peaks.append(f"{region} {change[here][np.argmax(np.abs(change[here]))]:+.2f} °C")
    outside = np.abs(change[~inside]).max()
    print(f"{name.split(':')[0]:15s} peak: {', '.join(peaks)}; outside the circles: "
          f"{outside:.2f} °C")

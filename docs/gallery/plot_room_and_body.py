"""
One face in five rooms and five states
======================================

:class:`tiaug.ThermalAmbience` moves a face to another room, or changes its physiological
state. The first row moves one synthetic face, recorded at about 22 °C, to rooms at 5 to 35 °C
with :func:`tiaug.functional.ambience`: the wall follows the room fully, the skin the less the
warmer it is. The second row keeps the room and changes the body: a nose tip cooled by stress or
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
from tiaug.ambience import face_anchors
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
# Every surface sits between the body core (37 °C) and the air. If its heat exchange stays as it
# is, a surface at ``T`` in a room at ``a`` takes the share ``s = (37 - T) / (37 - a)`` of a
# change of the room's temperature. The wall, at the air's temperature, takes all of it
# (``s = 1``); forehead skin at 34 °C in a 22 °C room about 0.2; a nose tip at 30 °C about 0.5;
# the ocular surface at 34.6 °C 0.16, which is the one slope that has been measured (Shah &
# Galor, Clin Optom 2021: about 0.16 °C per °C). This gives the ranking that studies of faces in
# cold and warm rooms report (the nose tip, cheeks and ears follow the room most, the forehead
# less, the eye corners least; Briggs et al., Int J Biometeorol 2017) without a slope per
# region. The map is monotone (no two pixels swap order) and uses no labels, so it never traces a
# label's border. The frame's own room temperature ``a`` is estimated from the frame
# (:func:`tiaug.scene.scene_temperatures`).
#
# Measured on the frames above: the wall (top-left corner), the forehead (0.8 interpupillary
# distances above the eyes), the nose tip (the ``"nose"`` anchor) and the warmest eye pixel (the
# inner eye corner), each the mean over a few pixels. The last two lines are each point's share
# of the 30 °C change from the coldest to the warmest room, measured, and as the model gives it
# from the recorded frame, ``(37 - T) / (37 - a)``.

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
model = [float(((37.0 - temps[w]) / (37.0 - ambient)).clip(0, 1).mean()) for w in points.values()]
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

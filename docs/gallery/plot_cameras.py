"""
One face through seven thermal cameras
======================================

:class:`tiaug.ThermalCamera` re-images a frame as another thermal camera would: the optics' blur
and the sensor's resolution, the fixed-pattern noise left after non-uniformity correction, the
vignetting, the temporal noise (NETD), the absolute error and the radiometric quantisation. Here
one synthetic face crop, spanning 60 % of each sensor's width, goes through every preset of
:data:`tiaug.camera.CAMERAS`; each title gives the sensor, its NETD and its absolute accuracy
(see the table in :mod:`tiaug.camera` for the sources, and which values are assumptions). The
colour bars differ: a camera's offset error moves the whole frame by up to its accuracy. The
640-wide sensors would put 384 pixels across a crop that holds only 320: their grid is the
input's, so they differ from it mostly by noise, fixed pattern and error.
"""

import matplotlib.pyplot as plt
import numpy as np

from tiaug import ThermalCamera
from tiaug.camera import CAMERAS
from tiaug.datasets import make_face

temps, labels = make_face((256, 320), subject=2, rng=3)
coverage = 0.6


def title(spec):
    width, height = spec.resolution
    error, fraction = spec.accuracy
    return (f"{spec.name.split(' (')[0]}\n{width}x{height}, NETD {1000 * spec.netd:.0f} mK,\n"
            f"±{error:g} °C or ±{100 * fraction:g} %")


outputs = {name: ThermalCamera(camera=name, coverage=coverage)(image=temps, mask=labels, rng=0)
           for name in CAMERAS}

fig, axes = plt.subplots(2, 4, figsize=(16, 7.5), layout="constrained")
im = axes[0, 0].imshow(temps, cmap="inferno")
fig.colorbar(im, ax=axes[0, 0], shrink=0.8, label="°C")
axes[0, 0].set_title("input (synthetic face, 256x320)", fontsize=9)
for ax, (name, out) in zip(axes.flat[1:], outputs.items()):
    im = ax.imshow(out["image"], cmap="inferno")
    fig.colorbar(im, ax=ax, shrink=0.8, label="°C")
    ax.set_title(title(CAMERAS[name]), fontsize=9)
for ax in axes.flat:
    ax.set_axis_off()
plt.show()

# %%
# On the sensor's grid
# --------------------
#
# With ``output="sensor"`` the frame comes back at the sensor's resolution across the crop
# (``coverage`` times the sensor's width) and the labels by majority over each sensor pixel's
# footprint (white outlines). Zoomed on the eyes and the nose, the pixels show each camera's
# resolution and blur, its noise and fixed pattern, and the steps of its radiometric output.

rows, cols = np.nonzero(labels == 3)  # the eyes
fig, axes = plt.subplots(2, 4, figsize=(16, 7.5), layout="constrained")
axes[0, 0].imshow(labels, cmap="tab10", vmin=0, vmax=9, interpolation="nearest")
axes[0, 0].set_title("labels (input grid)", fontsize=9)
for ax, name in zip(axes.flat[1:], CAMERAS):
    out = ThermalCamera(camera=name, coverage=coverage, output="sensor")(image=temps, mask=labels,
                                                                         rng=0)
    h, w = out["image"].shape
    sy, sx = h / temps.shape[0], w / temps.shape[1]
    r0, r1 = max(int(rows.min() * sy) - 4, 0), int(rows.max() * sy) + 12
    c0, c1 = max(int(cols.min() * sx) - 4, 0), int(cols.max() * sx) + 4
    im = ax.imshow(out["image"][r0:r1, c0:c1], cmap="inferno", interpolation="nearest")
    fig.colorbar(im, ax=ax, shrink=0.8, label="°C")
    ax.contour(out["mask"][r0:r1, c0:c1], levels=np.arange(0.5, 6), colors="w", linewidths=0.4)
    ax.set_title(f"{name}: {w}x{h} sensor pixels across the crop", fontsize=9)
for ax in axes.flat:
    ax.set_axis_off()
plt.show()

"""
Why not a general-purpose augmentation library?
===============================================

General-purpose libraries assume ``uint8`` images or floats in ``[0, 1]``. Given a raw thermal
frame in °C, albumentations 2.x (top row) fills rotated corners with 0 °C, overshoots with cubic
interpolation — inventing temperatures hotter and colder than anything in the scene — and clips
noisy frames to ``[0, 1]``, i.e. to a flat 1 °C. The same operations in ``tiaug`` (bottom row)
fill with a temperature (a given ambient °C or the edge temperature), interpolate without
overshoot (bilinear, clamped to the neighbours) and bound the noise by the NETD. The panel titles
give each output's temperature range.
"""

import os

# albumentations would otherwise look online for a newer version when it is imported.
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")

import albumentations as A  # noqa: E402
import cv2  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

import tiaug  # noqa: E402
from tiaug.datasets import make_face  # noqa: E402

temps, labels = make_face((128, 160), subject=1, rng=0)
# A hot object (a mug at ~60 °C) makes the cubic overshoot easy to see.
temps = tiaug.ThermalOcclusion(temperature=(58.0, 60.0), count=(2, 2), gradient=0.0)(
    image=temps, rng=3)["image"]

panels = {
    "albumentations Rotate (defaults)":
        A.Rotate(limit=(30, 30), p=1.0)(image=temps)["image"],
    "albumentations Rotate, cubic":
        A.Rotate(limit=(30, 30), interpolation=cv2.INTER_CUBIC, border_mode=cv2.BORDER_REFLECT,
                 p=1.0)(image=temps)["image"],
    "albumentations GaussNoise":
        A.GaussNoise(std_range=(0.01, 0.01), p=1.0)(image=temps)["image"],
    "tiaug Rotate(fill=22.0), ambient °C":
        tiaug.Rotate(angle=30.0, fill=22.0)(image=temps)["image"],
    'tiaug Rotate(fill="edge"), bilinear': tiaug.Rotate(angle=30.0)(image=temps)["image"],
    "tiaug NETDNoise(netd=0.1)": tiaug.NETDNoise(netd=0.1)(image=temps, rng=0)["image"],
}

fig, axes = plt.subplots(2, 3, figsize=(11, 5.8), layout="constrained")
for ax, (name, image) in zip(axes.flat, panels.items()):
    im = ax.imshow(image, cmap="inferno")
    fig.colorbar(im, ax=ax, shrink=0.85, label="°C")
    ax.set_title(f"{name}\n{image.min():.1f} .. {image.max():.1f} °C", fontsize=9)
    ax.set_axis_off()
fig.suptitle(f"input range {temps.min():.1f} .. {temps.max():.1f} °C", fontsize=10)
plt.show()

"""
Every transform on one thermal face
===================================

Each panel applies one ``tiaug`` transform to the same synthetic face
(:func:`tiaug.datasets.make_face`, 128×160 pixels, °C). The colour bars are in °C: geometric
transforms keep the temperature range of the input (bilinear, no overshoot, borders filled with
the edge temperature, never 0 °C), blur narrows it, occlusion widens it, and NETD noise changes
no pixel by more than 0.1 °C.
"""

import matplotlib.pyplot as plt
import numpy as np

import tiaug
from tiaug.datasets import make_face

temps, labels = make_face((128, 160), subject=1, rng=0)

transforms = {
    "input": None,
    "HorizontalFlip": tiaug.HorizontalFlip(),
    "VerticalFlip": tiaug.VerticalFlip(),
    "Rotate(angle=(25, 35))": tiaug.Rotate(angle=(25, 35)),
    "RandomScale(scale=(0.6, 0.7))": tiaug.RandomScale(scale=(0.6, 0.7)),
    "RandomScale(scale=(1.5, 1.8))": tiaug.RandomScale(scale=(1.5, 1.8)),
    "GaussianBlur(sigma=(1.0, 1.2))": tiaug.GaussianBlur(sigma=(1.0, 1.2)),
    "ThermalOcclusion()": tiaug.ThermalOcclusion(count=(2, 2)),
    "NETDNoise(netd=0.1)": tiaug.NETDNoise(netd=0.1),
}

fig, axes = plt.subplots(3, 3, figsize=(10, 7.2), layout="constrained")
for ax, (name, t) in zip(axes.flat, transforms.items()):
    image = temps if t is None else t(image=temps, mask=labels, rng=4)["image"]
    im = ax.imshow(image, cmap="inferno")
    fig.colorbar(im, ax=ax, shrink=0.85, label="°C")
    ax.set_title(name, fontsize=9)
    ax.set_axis_off()
plt.show()

# %%
# The noise is too small to see at this colour scale. Its difference to the input shows the
# bound: uniform in ``[-a, a]`` with ``a`` drawn from ``U(0, netd)`` per frame.

out = tiaug.NETDNoise(netd=0.1)(image=temps, rng=4)
diff = out["image"].astype(np.float64) - temps
fig, ax = plt.subplots(figsize=(4.5, 3), layout="constrained")
im = ax.imshow(diff, cmap="coolwarm", vmin=-0.1, vmax=0.1)
fig.colorbar(im, ax=ax, label="out − in (°C)")
ax.set_title(f"amplitude a = {out['params']['amplitude']:.3f} °C, max |diff| = "
             f"{np.abs(diff).max():.3f} °C", fontsize=9)
ax.set_axis_off()
plt.show()

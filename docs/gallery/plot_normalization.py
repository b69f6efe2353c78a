"""
Normalisation under hot and cold objects
========================================

The network sees normalised values, not °C. Per-image min-max
(:func:`tiaug.normalize.minmax`, the paper's) stretches the frame's own extremes, so a hot drink
squeezes the face into a narrow band and a cold one shifts it: the same face looks different
whenever something hot or cold is in view. A fixed window
(:func:`tiaug.normalize.fixed_range`, here 15-40 °C) and the window anchored on the frame's own
ambient and skin estimates (:func:`tiaug.normalize.scene_range`) keep the face as it is. The
bottom row shows one row of pixels across the face, normalised three ways, with and without the
objects.
"""

import matplotlib.pyplot as plt
import numpy as np

from tiaug import RandomOccluders
from tiaug.datasets import make_face
from tiaug.normalize import fixed_range, minmax, scene_range

temps, labels = make_face((128, 160), subject=5, rng=1)
out = RandomOccluders(families=("cup", "bottle"), count=(2, 2), label_policy="keep")(
    image=temps, mask=labels, rng=2)
with_drinks = out["image"]
print(f"frame: {temps.min():.1f} to {temps.max():.1f} °C; with the drinks: "
      f"{with_drinks.min():.1f} to {with_drinks.max():.1f} °C")

normalisations = {"min-max": minmax, "fixed 15-40 °C": lambda t: fixed_range(t, 15.0, 40.0),
                  "scene-anchored": scene_range}
row = int(np.argmax((labels == 3).sum(1)))  # the row through the eyes

fig, axes = plt.subplots(3, 3, figsize=(11, 8.4), layout="constrained")
for col, (name, normalize) in enumerate(normalisations.items()):
    for r, frame in enumerate((temps, with_drinks)):
        im = axes[r, col].imshow(normalize(frame), cmap="inferno", vmin=-1, vmax=1)
        axes[r, col].axhline(row, color="cyan", linewidth=0.6)
        axes[r, col].set_title(f"{name}: {'with drinks' if r else 'face alone'}", fontsize=9)
        axes[r, col].set_axis_off()
    fig.colorbar(im, ax=axes[:2, col], shrink=0.8, label="normalised value")
    axes[2, col].plot(normalize(temps)[row], label="face alone")
    axes[2, col].plot(normalize(with_drinks)[row], label="with drinks", linestyle="--")
    axes[2, col].set_ylim(-1.05, 1.05)
    axes[2, col].set_xlabel("column (the cyan row)")
    axes[2, col].set_title(name, fontsize=9)
axes[2, 0].set_ylabel("normalised value")
axes[2, 0].legend(fontsize=8, loc="center")
plt.show()

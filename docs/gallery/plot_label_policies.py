"""
Label policies under occluders
==============================

The occluder transforms take ``label_policy``: ``"keep"`` (the paper: predict the face behind
the occluder), ``"ignore"`` (occluded pixels get ``ignore_index`` and no supervision) or
``"background"`` (segment only the visible face). The same occluders are drawn in all three
columns (same ``rng``, picked so that they cover some facial regions); only the label map
differs.
"""

import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap

from tiaug import ThermalOcclusion
from tiaug.datasets import CLASS_NAMES, make_face

temps, labels = make_face((128, 160), subject=3, rng=2)

# One colour per class, then grey for ignore_index (255, shown as class 6).
colours = ["#222222", "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#bbbbbb"]
cmap = ListedColormap(colours)

fig, axes = plt.subplots(2, 3, figsize=(11, 5.6), layout="constrained")
for col, policy in enumerate(["keep", "ignore", "background"]):
    t = ThermalOcclusion(temperature="hot", label_policy=policy, ignore_index=255, count=(3, 3),
                         size=(0.1, 0.2))
    out = t(image=temps, mask=labels, rng=82)
    shown = out["mask"].copy()
    shown[shown == 255] = 6
    im = axes[0, col].imshow(out["image"], cmap="inferno")
    fig.colorbar(im, ax=axes[0, col], shrink=0.85, label="°C")
    axes[0, col].set_title(f'label_policy="{policy}": image', fontsize=9)
    axes[1, col].imshow(shown, cmap=cmap, vmin=-0.5, vmax=6.5, interpolation="nearest")
    axes[1, col].contour(out["occluded"], levels=[0.5], colors="white", linewidths=0.8)
    axes[1, col].set_title("mask (white outline: occluded)", fontsize=9)
for ax in axes.flat:
    ax.set_axis_off()
handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
fig.legend(handles, [*CLASS_NAMES, "ignore (255)"], loc="outside lower center", ncols=7,
           fontsize=8, frameon=False)
plt.show()

"""
The class-swapped negative of SAM-CL
====================================

SAM-CL's negative sample is the ground truth with its classes *deranged*: every class gets
another class's label, none keeps its own (:func:`samcl_loss.class_swap`). The regions keep their
shape and size, so the negative is as structured as the truth and wrong at every pixel. Each
sample gets its own derangement; a :class:`torch.Generator` makes them reproducible.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap

from samcl_loss import class_swap
from tiaug.datasets import CLASS_NAMES, make_face

target = np.stack([make_face((128, 160), subject=6, rng=5)[1],
                   make_face((128, 160), subject=7, rng=6)[1]])
target = torch.from_numpy(target).long()
swapped = class_swap(target, num_classes=6, generator=torch.Generator().manual_seed(0))

colours = ["#222222", "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"]
cmap = ListedColormap(colours)
fig, axes = plt.subplots(2, 2, figsize=(8.5, 6), layout="constrained")
for i in range(2):
    # Read the derangement off the maps: where the target has class k, the swap has pi[k].
    pi = [int(swapped[i][target[i] == k][0]) for k in range(6)]
    for ax, maps, title in ((axes[i, 0], target, "target (positive)"),
                            (axes[i, 1], swapped, f"class_swap (negative), pi = {pi}")):
        ax.imshow(maps[i], cmap=cmap, vmin=-0.5, vmax=5.5, interpolation="nearest")
        ax.set_title(f"sample {i}: {title}", fontsize=9)
        ax.set_axis_off()
handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
fig.legend(handles, CLASS_NAMES, loc="outside lower center", ncols=6, fontsize=8, frameon=False)
plt.show()

# %%
# No class keeps its label, in any sample:
print("fixed points:", int((swapped == target).sum()))

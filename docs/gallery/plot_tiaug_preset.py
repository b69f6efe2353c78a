"""
The TiAug preset on a grid
==========================

:class:`tiaug.TiAug` is the whole pipeline in one transform: a horizontal flip, a rotation of up
to ±10° and a 0.8–1.25× resize (fused into one resampling), the occluder families of
:class:`tiaug.RandomOccluders` (hands, drinks, glasses, masks, hair, ...) and NETD noise, each
with probability 0.5 except the occluders, drawn on three quarters of the frames. Its Gaussian blur
is off by default (``p_blur=0``; the paper's pipeline, :meth:`tiaug.TiAug.paper`, blurs half of
the frames), so "blur" never appears in the titles below. Sixteen draws
(``rng=0 … 15``) of the same frame; the title lists the transforms that were applied and the
families drawn.
"""

import matplotlib.pyplot as plt

from tiaug import TiAug
from tiaug.datasets import make_face

temps, labels = make_face((96, 120), subject=5, rng=4)
aug = TiAug()
short = ["hflip", "rot", "scale", "blur", "occl", "noise"]

fig, axes = plt.subplots(4, 4, figsize=(10, 8), layout="constrained")
for seed, ax in enumerate(axes.flat):
    out = aug(image=temps, mask=labels, rng=seed)
    drawn = out["params"]["transforms"]
    applied = [n for n, p in zip(short, drawn) if p["applied"]]
    if drawn[4]["applied"]:
        applied += [obj["family"] for obj in drawn[4]["objects"]]
    im = ax.imshow(out["image"], cmap="inferno")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(f"rng={seed}: " + " ".join(applied), fontsize=7)
    ax.set_axis_off()
fig.suptitle("TiAug() — colour bars in °C", fontsize=10)
plt.show()

# %%
# Each draw can be reproduced from its parameters alone:
out = aug(image=temps, mask=labels, rng=3)
again = aug.replay(out["params"], image=temps, mask=labels)
print("replay identical:", (again["image"] == out["image"]).all() and
      (again["mask"] == out["mask"]).all())

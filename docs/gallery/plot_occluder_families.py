"""
Occluder families: shapes and temperature fields of LWIR objects
================================================================

:class:`tiaug.RandomOccluders` draws objects from twelve families. Each has its own shape and a
temperature *field* set relative to the frame's ambient and skin temperatures
(:func:`tiaug.scene.scene_temperatures`): hands a little cooler than the face, hot drinks far
above it and cooling from the lip down, lenses between ambient and skin with a faint reflection,
hair cool and partly transparent, fabric near ambient and warmed near the body, a phone warmed at
the held end like a fin. Here each family is drawn once on the same synthetic face; the cyan line
is ``out["occluded"]`` (coverage at least 0.5). The user guide's table lists the models and the
numbers they come from.
"""

import matplotlib.pyplot as plt

from tiaug import RandomOccluders
from tiaug.datasets import make_face
from tiaug.occlusion import FAMILIES, scene_temperatures

temps, labels = make_face((128, 160), subject=3, rng=2)
ambient, skin = scene_temperatures(temps, labels)

fig, axes = plt.subplots(3, 4, figsize=(13, 8), layout="constrained")
for ax, family in zip(axes.flat, FAMILIES):
    aug = RandomOccluders(families=(family,), count=1, edges=("camera",), footprint=0.0)
    # The first draw that covers part of the labelled face (some land beside it).
    out = next(o for o in (aug(image=temps, mask=labels, rng=s) for s in range(50))
               if (o["occluded"] & (labels > 0)).any())
    im = ax.imshow(out["image"], cmap="inferno")
    fig.colorbar(im, ax=ax, shrink=0.8, label="°C")
    ax.contour(out["occluded"], levels=[0.5], colors="cyan", linewidths=0.5)
    ax.set_title(family, fontsize=10)
    ax.set_axis_off()
fig.suptitle(f"ambient {ambient:.1f} °C, skin {skin:.1f} °C (estimated from the frame)")
plt.show()

# %%
# Edges through the camera
# ------------------------
#
# Every object is composited first and then seen through the camera: its coverage and radiance
# are blurred by a point-spread function. The edge type is drawn per object so that no single edge
# signature gives an occluder away: ``"hard"`` (no blur), ``"camera"`` (a Gaussian PSF 1-3 px
# wide at half maximum, a Lepton-class lens) and ``"soft"`` (0.5-2 % of the frame: defocus,
# motion, an upsampled low-resolution sensor). The bottom row is the temperature along the middle
# row of the cup.

edges = ("hard", "camera", "soft")
fig, axes = plt.subplots(2, 3, figsize=(12, 6), layout="constrained",
                         gridspec_kw={"height_ratios": [3, 1]})
for col, edge in enumerate(edges):
    aug = RandomOccluders(families=("cup",), count=1, edges=(edge,), psf=3.0, soft=0.02)
    out = aug(image=temps, mask=labels, rng=1)
    im = axes[0, col].imshow(out["image"], cmap="inferno")
    fig.colorbar(im, ax=axes[0, col], shrink=0.8, label="°C")
    axes[0, col].set_title(f'edges=("{edge}",)', fontsize=10)
    axes[0, col].set_axis_off()
    rows = out["occluded"].any(axis=1).nonzero()[0]
    row = int(rows.mean()) if rows.size else temps.shape[0] // 2
    axes[0, col].axhline(row, color="white", lw=0.5)
    axes[1, col].plot(out["image"][row], color="k", lw=1)
    axes[1, col].set_ylabel("°C")
    axes[1, col].set_xlabel("column")
plt.show()

# %%
# Translucency and footprints
# ---------------------------
#
# Some objects are translucent (coverage below 1: the face shows through), and objects that
# touch the skin may leave a *footprint*: skin warmed by the insulation of a hand, mask or phone,
# or cooled by a cold contact. With ``residual`` the object has been taken away and only its
# footprint is left; nothing is occluded then, but the skin temperature has changed.

cases = {
    "translucent blob": RandomOccluders(families=("blob",), count=1, translucent=1.0),
    "phone with footprint": RandomOccluders(families=("phone",), count=1, footprint=1.0,
                                            residual=0.0),
    "mask taken off": RandomOccluders(families=("mask",), count=1, footprint=1.0,
                                      residual=1.0),
}
fig, axes = plt.subplots(1, 3, figsize=(12, 3.4), layout="constrained")
for ax, (name, aug) in zip(axes, cases.items()):
    out = aug(image=temps, mask=labels, rng=6)
    if out["occluded"].any():
        im = ax.imshow(out["image"], cmap="inferno")
        fig.colorbar(im, ax=ax, shrink=0.85, label="°C")
    else:  # only a footprint: show the change
        change = out["image"] - temps
        limit = max(abs(change).max(), 0.1)
        im = ax.imshow(change, cmap="coolwarm", vmin=-limit, vmax=limit)
        fig.colorbar(im, ax=ax, shrink=0.85, label="change, °C")
    ax.set_title(name, fontsize=10)
    ax.set_axis_off()
plt.show()

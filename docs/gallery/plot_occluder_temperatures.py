"""
Hot, cold and any-temperature occluders
=======================================

:class:`tiaug.ThermalOcclusion` synthesises objects relative to the temperatures in the frame:
``"hot"`` objects are hotter than every input pixel (a radiator, a hot drink), ``"cold"`` ones
colder than every input pixel (a window, an iced drink), ``"any"`` draws from
``[min − Δ, max + Δ]`` with ``Δ = max − min`` (the paper's reference), and a pair gives an
absolute range in °C. The bottom row shows ``out["occluded"]``, the exact occluded pixels.
"""

import matplotlib.pyplot as plt

from tiaug import ThermalOcclusion
from tiaug.datasets import make_face

temps, labels = make_face((128, 160), subject=2, rng=1)

modes = ["hot", "cold", "any", (25.0, 28.0)]
fig, axes = plt.subplots(2, len(modes), figsize=(12, 5), layout="constrained")
for col, mode in enumerate(modes):
    out = ThermalOcclusion(temperature=mode, count=(3, 3))(image=temps, mask=labels, rng=7)
    im = axes[0, col].imshow(out["image"], cmap="inferno")
    fig.colorbar(im, ax=axes[0, col], shrink=0.85, label="°C")
    axes[0, col].set_title(f"temperature={mode!r}", fontsize=9)
    axes[1, col].imshow(out["occluded"], cmap="gray")
    axes[1, col].set_title(f"occluded: {out['occluded'].mean():.1%} of the frame", fontsize=9)
for ax in axes.flat:
    ax.set_axis_off()
plt.show()

# %%
# The input's range is the reference, so a hot occluder stretches the top of the colour bar and
# a cold one the bottom: after per-image min-max normalisation the face moves to the other end
# of ``[-1, 1]``, which is exactly the histogram shift the paper wants the network to see.
print(f"input range: {temps.min():.1f} .. {temps.max():.1f} °C")

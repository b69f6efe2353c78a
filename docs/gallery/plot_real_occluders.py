"""
Real-world occluders: eyeglasses, a cup, a hand
===============================================

Besides the paper's abstract shapes, ``tiaug`` draws occluders with physically
motivated temperatures. :class:`tiaug.Eyeglasses` are opaque in the long-wave infrared
and read a few °C below the eye corners; with a mask that labels the eyes they sit on the eyes.
:class:`tiaug.HeldCup` holds a hot (45–65 °C) or iced (5–12 °C) drink and rises from the
bottom border. :class:`tiaug.HandOcclusion` is skin on skin, only 1–4 °C below the
warmest face pixel, with cooler fingertips.
"""

import matplotlib.pyplot as plt

from tiaug import Eyeglasses, HandOcclusion, HeldCup
from tiaug.datasets import make_face

temps, labels = make_face((128, 160), subject=4, rng=3)

occluders = {
    "Eyeglasses()": Eyeglasses(),
    "HeldCup(p_hot=1)": HeldCup(p_hot=1.0),
    "HeldCup(p_hot=0)": HeldCup(p_hot=0.0),
    "HandOcclusion()": HandOcclusion(),
}
fig, axes = plt.subplots(2, 2, figsize=(8.5, 6.4), layout="constrained")
for ax, (name, t) in zip(axes.flat, occluders.items()):
    out = t(image=temps, mask=labels, rng=5)
    im = ax.imshow(out["image"], cmap="inferno")
    fig.colorbar(im, ax=ax, shrink=0.85, label="°C")
    ax.contour(out["occluded"], levels=[0.5], colors="cyan", linewidths=0.6)
    ax.set_title(name, fontsize=9)
    ax.set_axis_off()
plt.show()

# %%
# The cyan outline is ``out["occluded"]``. The hot cup stretches the colour bar far above skin
# temperature and the iced one far below: under per-image min-max normalisation either squeezes
# the face into a narrow band, one reason these scenes are hard for a segmenter trained on
# controlled recordings.

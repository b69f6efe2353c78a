"""
Real-world occluders: eyeglasses, a cup, a hand, and one of your own
====================================================================

:class:`tiaug.Eyeglasses`, :class:`tiaug.HeldCup` and :class:`tiaug.HandOcclusion` draw one
object of one family of :class:`tiaug.RandomOccluders` (``"glasses"``, ``"cup"``, ``"hand"``):
their temperatures follow the frame's ambient and skin, their edges go through the camera's PSF
and some leave a footprint on the skin. :class:`tiaug.OcclusionTransform` is the base they share:
a subclass that draws objects gets the painting, the label policies and exact replay from it,
here a cold sticker with a textured field.
"""

import matplotlib.pyplot as plt

from tiaug import Eyeglasses, HandOcclusion, HeldCup, OcclusionTransform
from tiaug.datasets import make_face


class Sticker(OcclusionTransform):
    """A square cold pack, its temperature rising from 8 to 14 °C across it, blurred by 1 px."""

    def sample_objects(self, image, mask, occluded, rng):
        r, c = rng.uniform(0.3, 0.7) * image.shape[0], rng.uniform(0.3, 0.7) * image.shape[1]
        half = 0.12 * min(image.shape)
        square = [[r - half, c - half], [r - half, c + half], [r + half, c + half],
                  [r + half, c - half]]
        field = {"axis": ((r - half, c), (r + half, c)), "profile": ((0.0, 8.0), (1.0, 14.0)),
                 "range": (6.0, 16.0), "texture": (1.0, 12.0, 2.0, 0.5, 0.4, 1.0),
                 "seed": int(rng.integers(2**32))}
        part = {"shapes": [{"type": "polygon", "vertices": square}], "opacity": 1.0,
                "field": field}
        return {"objects": [{"parts": [part], "sigma": 1.0}]}


temps, labels = make_face((128, 160), subject=4, rng=3)
occluders = {
    "Eyeglasses()": Eyeglasses(),
    "HeldCup()": HeldCup(),
    "HandOcclusion()": HandOcclusion(),
    "Sticker() (an OcclusionTransform)": Sticker(),
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
# The cyan outline is ``out["occluded"]``: where an object covers at least half of a pixel. A
# hot cup stretches the colour bar far above skin temperature and an iced one far below: under
# per-image min-max normalisation either squeezes the face into a narrow band, one reason these
# scenes are hard for a segmenter trained on controlled recordings.

"""Every tiaug operation as a pure function with explicit parameters (the kornia-style layer).

The transforms (:class:`tiaug.Rotate`, :class:`tiaug.NETDNoise`, ...) draw parameters; these
functions take them explicitly and draw nothing else.

**The rule.** Every op that changes a frame is called and answers the same way::

    out = op(image, *parameters, mask=None, occluded=None, **options)

- *Positional*: the frame ``image`` ((H, W) float32 or float64, °C), then the op's own
  parameters, the values a transform would draw: ``angle``, ``factor``, ``matrix``, ``sigma``,
  ``amplitude`` and ``rng`` (the source of the noise field), ``occluders``.
- *Keyword-only*: ``mask`` (integer labels), ``occluded`` (bool map of the pixels occluded so far)
  and every option (``fill``, ``mask_fill``, ``size``, ``output_shape``, ``label_policy``,
  ``ignore_index``).
- *Returned*: a dict with the keys of a transform's output less ``"params"``: ``"image"`` (the
  new frame, dtype of `image`), ``"mask"`` (only when a mask was given: moved with the frame, or
  set by an occluder's label policy, else unchanged) and ``"occluded"`` (always, bool (H, W):
  the given map carried along by geometry and OR-ed with new occluders; all False when none was
  given).
- Inputs are never modified and never handed back: every array in the dict is new.

So the output of one op is the input of the next, ``hflip(**rotate(temps, 10.0, mask=labels))``,
and code that reads ``out["image"]`` / ``out["mask"]`` / ``out["occluded"]`` works whether `out`
came from a transform or from its op. The ops compute what the transforms compute:
``rotate(temps, a)["image"]`` equals ``Rotate(angle=a)(image=temps)["image"]``.

The one function that takes no frame, :func:`draw_occluders`, rasterises occluders into their
footprints: ``draw_occluders(shape, occluders)`` returns a bool (K, H, W) array.

- geometry: :func:`hflip`, :func:`vflip`, :func:`rotate`, :func:`scale`, :func:`warp_affine`
- blur: :func:`gaussian_blur`
- occlusion: :func:`occlude`, :func:`draw_occluders`
- noise: :func:`add_noise`
- the room and the body: :func:`ambience`
- another camera: :func:`reimage`

Examples
--------
>>> import numpy as np
>>> from tiaug.functional import add_noise, hflip, occlude, rotate
>>> temps = np.full((32, 40), 30.0, np.float32)
>>> labels = np.zeros((32, 40), np.uint8)
>>> cup = {"shapes": [{"type": "ellipse", "center": (24, 20), "axes": (6, 4), "angle": 0.0}],
...        "temperature": 55.0}
>>> out = occlude(temps, [cup], mask=labels, label_policy="ignore")
>>> out = hflip(**rotate(**out, angle=90.0))
>>> out = add_noise(**out, amplitude=0.05, rng=0)
>>> sorted(out), out["image"].dtype, int(out["occluded"].sum()) == int((out["mask"] == 255).sum())
(['image', 'mask', 'occluded'], dtype('float32'), True)
"""

from .ambience import ambience
from .blur import gaussian_blur
from .camera import reimage
from .geometry import hflip, rotate, scale, vflip, warp_affine
from .noise import add_noise
from .occlusion import draw_occluders, occlude

__all__ = [
    "add_noise",
    "ambience",
    "draw_occluders",
    "gaussian_blur",
    "hflip",
    "occlude",
    "reimage",
    "rotate",
    "scale",
    "vflip",
    "warp_affine",
]

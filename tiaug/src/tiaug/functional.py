"""Every tiaug operation as a pure function with explicit parameters (the kornia-style layer).

The transforms (:class:`tiaug.Rotate`, :class:`tiaug.NETDNoise`, ...) draw parameters and call
these. Geometric ops return the new image, or ``(image, mask)`` when a mask is given.

- geometry: :func:`hflip`, :func:`vflip`, :func:`rotate`, :func:`scale`, :func:`warp_affine`
- blur: :func:`gaussian_blur`
- occlusion: :func:`draw_occluders`, :func:`occlude`
- noise: :func:`add_noise`
"""

from .blur import gaussian_blur
from .geometry import hflip, rotate, scale, vflip, warp_affine
from .noise import add_noise
from .occlusion import draw_occluders, occlude

__all__ = [
    "add_noise",
    "draw_occluders",
    "gaussian_blur",
    "hflip",
    "occlude",
    "rotate",
    "scale",
    "vflip",
    "warp_affine",
]

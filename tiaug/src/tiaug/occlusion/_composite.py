"""Compositing drawn occluder objects into a frame: coverage, temperature field, camera blur,
footprint (the Python side of :mod:`tiaug._kernels.composite`).

An *object* (one entry of ``params["objects"]`` of :class:`tiaug.RandomOccluders`)::

    {"family": "cup",                 # which family drew it
     "parts": [{"shapes": [...],      # shape dicts of the occluder format (tiaug.occlusion)
                "opacity": 1.0,       # coverage of the part; < 1 is translucent
                "field": {"axis": ((r0, c0), (r1, c1)),
                          "profile": ((s, t), ...),        # °C at fractions s of the axis
                          "bumps": ((r, c, a, b, angle, delta), ...),
                          "texture": (amplitude, period, octaves, gain, angle, stretch),
                          "seed": int,
                          "range": (lo, hi)}}, ...],       # every temperature is clamped here
     "edge": "camera", "sigma": 0.8,  # edge type and the PSF's standard deviation in pixels
     "footprint": ((r, c, a, b, angle, delta), ...),       # skin warmed (+) or cooled (-), °C
     "removed": False}                # True: only the footprint is left

The kernels' module docstring defines the field, the compositing and the footprint exactly.
"""

import math

import numpy as np

from ._format import _pack

# The PSF is a Gaussian truncated at this many standard deviations (0.27 % of its mass beyond).
PSF_TRUNCATE = 3.0
_NO_BUMPS = np.zeros((0, 6))


def psf_radius(sigma):
    """Half width in pixels of the truncated Gaussian PSF; 0 for ``sigma == 0`` (hard edges)."""
    return int(math.ceil(PSF_TRUNCATE * sigma)) if sigma > 0.0 else 0


def _psf_weights(sigma):
    radius = psf_radius(sigma)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    return w / w.sum()


def _bumps(bumps):
    return np.asarray(bumps, np.float64).reshape(-1, 6) if len(bumps) else _NO_BUMPS


def _field_args(field):
    (ar, ac), (br, bc) = field["axis"]
    dr, dc = br - ar, bc - ac
    len2 = dr * dr + dc * dc
    knots = np.asarray(field["profile"], np.float64).reshape(-1, 2)
    lo, hi = field["range"]
    return (float(ar), float(ac), dr / len2, dc / len2, knots, _bumps(field["bumps"]),
            np.asarray(field["texture"], np.float64), int(field["seed"]), float(lo), float(hi))


def paint_objects(image, mask, occluded, objects, label, ambient, skin):
    """Composite `objects` in order; return ``(image, mask, occluded)`` (new arrays).

    `label` is written into `mask` where an object's coverage is at least 0.5 (None keeps the
    labels); `ambient` and `skin` weight the footprints.
    """
    from .._kernels.blur import gaussian_blur
    from .._kernels.composite import composite, footprint, shade
    from .._kernels.occlusion import rasterise

    height, width = image.shape
    out = np.array(image, order="C")
    occ_out = np.zeros(image.shape, bool) if occluded is None else occluded.copy()
    mask_out = mask if mask is None or label is None else mask.copy()
    for obj in objects:
        if len(obj["footprint"]):
            footprint(out, _bumps(obj["footprint"]), ambient, skin)
        if obj["removed"]:
            continue
        rasters = [rasterise(height, width, *_pack(part)) for part in obj["parts"]]
        spans = [(r0, c0, buf.shape) for r0, c0, buf in rasters if buf.size]
        if not spans:
            continue
        pad = psf_radius(obj["sigma"])
        r_lo = max(min(r0 for r0, _, _ in spans) - pad, 0)
        c_lo = max(min(c0 for _, c0, _ in spans) - pad, 0)
        r_hi = min(max(r0 + s[0] for r0, _, s in spans) + pad, height)
        c_hi = min(max(c0 + s[1] for _, c0, s in spans) + pad, width)
        cover = np.zeros((r_hi - r_lo, c_hi - c_lo), out.dtype)
        premult = np.zeros_like(cover)
        lo, hi = np.inf, -np.inf
        # Without JIT the lattice hash runs on numpy uint64 scalars, whose intended wrap-around
        # would warn.
        with np.errstate(over="ignore"):
            for (r0, c0, buf), part in zip(rasters, obj["parts"]):
                if buf.size:
                    args = _field_args(part["field"])
                    shade(cover, premult, r_lo, c_lo, r0, c0, buf, float(part["opacity"]),
                          *args)
                    lo, hi = min(lo, args[-2]), max(hi, args[-1])
        if pad:
            weights = _psf_weights(obj["sigma"])
            cover = gaussian_blur(cover, weights, 0.0, 1.0, np.empty_like(cover))
            premult = gaussian_blur(premult, weights, float(premult.min()),
                                    float(premult.max()), np.empty_like(premult))
        hit = np.zeros(cover.shape, bool)
        composite(out, occ_out, hit, r_lo, c_lo, cover, premult, lo, hi)
        if mask_out is not mask:
            mask_out[r_lo:r_hi, c_lo:c_hi][hit] = label
    return out, mask_out, occ_out

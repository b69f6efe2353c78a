"""Painting objects into a frame: the one painter of every occluder, and its functional ops.

Each object is built in two premultiplied buffers over its (padded) bounding box, blurred by its
PSF and laid over the frame (the kernels' module docstring, :mod:`tiaug._kernels.composite`,
defines the field, the compositing and the footprint exactly).
"""

import math

import numpy as np

from .._base import result
from .._validation import (
    ABSOLUTE_ZERO,
    MAX_TEMPERATURE,
    check_choice,
    check_ignore_index,
    check_image,
    check_mask,
    check_occluded,
)
from ..blur import gaussian_weights
from ..scene import _scene_temperatures, check_scene
from ._schema import (
    LABEL_POLICIES,
    NO_TEXTURE,
    check_objects,
    check_shape,
    flat_field,
    label_value,
    pack,
)

# The PSF is a Gaussian truncated at this many standard deviations (0.27 % of its mass beyond).
PSF_TRUNCATE = 3.0
# Footprints weigh pixels by (T - ambient) / (skin - ambient): at least this span, °C.
MIN_SPAN = 4.0
_NO_BUMPS = np.zeros((0, 6))


def draw_occluders(shape, objects):
    """Rasterise objects (or flat occluders) into one exact boolean mask each.

    Parameters
    ----------
    shape : tuple of int
        Frame shape ``(H, W)``.
    objects : sequence of dict
        Objects or flat occluders in the format of :mod:`tiaug.occlusion`, e.g.
        ``out["params"]["objects"]`` of an occluding transform.

    Returns
    -------
    ndarray of bool, shape (len(objects), H, W)
        ``masks[k]`` is True at the pixels whose centres lie in a shape of object ``k`` (before
        its PSF blurs it); parts outside the frame are clipped.

    Raises
    ------
    TypeError
        If `shape` is not a pair of ints or an object is malformed (wrong types).
    ValueError
        If `shape` is not positive, or an object has bad values (fewer than 3 polygon vertices,
        non-positive width or axes, non-finite numbers, an unknown shape type).

    Examples
    --------
    >>> from tiaug.functional import draw_occluders
    >>> square = {"shapes": [{"type": "polygon",
    ...                       "vertices": [[0.5, 0.5], [0.5, 2.5], [2.5, 2.5], [2.5, 0.5]]}],
    ...           "temperature": 50.0}
    >>> draw_occluders((4, 4), [square])[0].astype(int)
    array([[0, 0, 0, 0],
           [0, 1, 1, 0],
           [0, 1, 1, 0],
           [0, 0, 0, 0]])
    """
    from .._kernels.occlusion import rasterise

    shape = check_shape(shape)
    objects = check_objects(objects)
    masks = np.zeros((len(objects), *shape), bool)
    for k, obj in enumerate(objects):
        for part in obj["parts"] if "parts" in obj else [obj]:
            r0, c0, buf = rasterise(*shape, *pack(part))
            masks[k, r0:r0 + buf.shape[0], c0:c0 + buf.shape[1]] |= buf
    return masks


def occlude(image, objects, *, scene=None, mask=None, occluded=None, label_policy="keep",
            ignore_index=255):
    """Paint explicit objects (or flat occluders) into a thermal frame.

    The functional op of every occluding transform: ``occlude(image, out["params"]["objects"],
    ...)`` paints what the call drew. Objects are painted in order (a later one covers an earlier
    one where they overlap). Pixels outside every object (and its PSF and footprint) are
    bit-identical to the input.

    Parameters
    ----------
    image : ndarray of float32 or float64, shape (H, W)
        Temperatures in °C.
    objects : sequence of dict
        Objects or flat occluders in the format of :mod:`tiaug.occlusion`.
    scene : (float, float), optional
        Ambient and skin temperatures in °C that footprints are weighted by (see
        :class:`tiaug.RandomOccluders`); None estimates them with
        :func:`tiaug.scene.scene_temperatures` when an object has a footprint (skin then at
        least 4 °C above ambient). Skin must be above ambient.
    mask : ndarray of int, shape (H, W), optional
        Class labels.
    occluded : ndarray of bool, shape (H, W), optional
        Pixels occluded so far; the result is its union with the new objects.
    label_policy : {"keep", "ignore", "background"}, optional
        What occluded pixels of `mask` become: unchanged (the paper), `ignore_index`, or class 0.
    ignore_index : int, optional
        Label of occluded pixels with ``label_policy="ignore"``; must fit `mask`'s dtype.

    Returns
    -------
    dict
        ``"image"`` (the painted frame, dtype of `image`), ``"mask"`` (only when `mask` is
        given: the label map under `label_policy`, a copy of `mask` with ``"keep"``) and
        ``"occluded"`` (bool (H, W): where an object's coverage is at least 0.5, OR-ed with the
        incoming `occluded`), all new arrays; see :mod:`tiaug.functional`.

    Raises
    ------
    TypeError
        For a non-float image, a non-integer mask or ignore_index, a non-bool `occluded`, a
        `scene` that is not a pair, or a malformed object.
    ValueError
        For shape mismatches, non-finite values, an unknown `label_policy`, or an `ignore_index`
        that does not fit `mask`'s dtype.

    Notes
    -----
    Temperatures (within [-273.15, 10000] °C) are rounded to the image's dtype. A flat
    occluder's temperatures are first rounded inward to values of the dtype, so no pixel leaves
    its range; a range too narrow to hold any value of the dtype gives the value nearest to its
    middle. An object's field is clamped to its ``range`` before rounding.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.functional import occlude
    >>> temps = np.full((5, 5), 30.0, np.float32)
    >>> bar = {"shapes": [{"type": "line", "points": [[2, 0], [2, 4]], "width": 1.0}],
    ...        "temperature": 60.0}
    >>> out = occlude(temps, [bar])
    >>> out["image"][2].tolist(), int(out["occluded"].sum())
    ([60.0, 60.0, 60.0, 60.0, 60.0], 5)
    """
    image = check_image(image)
    mask = check_mask(mask, image.shape)
    occluded = check_occluded(occluded, image.shape)
    label_policy = check_choice(label_policy, "label_policy", LABEL_POLICIES)
    ignore_index = check_ignore_index(ignore_index)
    label = label_value(label_policy, ignore_index, mask)
    objects = check_objects(objects)
    if scene is not None:
        scene = check_scene(scene)
        if not scene[1] > scene[0]:  # footprints are weighted by (T - ambient) / (skin - ambient)
            raise ValueError(f"scene must have skin above ambient, got {scene}")
    return result(*_occlude(image, mask, occluded, objects, label, scene), image, mask, occluded)


def _occlude(image, mask, occluded, objects, label, scene):
    """Paint checked `objects`, estimating the scene when a footprint needs one and `scene` is
    None."""
    if scene is None and any(len(obj.get("footprint", ())) for obj in objects):
        ambient, skin = _scene_temperatures(image, mask)
        scene = (ambient, max(skin, ambient + MIN_SPAN))
    return paint(image, mask, occluded, objects, label, scene)


def psf_radius(sigma):
    """Half width in pixels of the truncated Gaussian PSF; 0 for ``sigma == 0`` (hard edges)."""
    return int(math.ceil(PSF_TRUNCATE * sigma)) if sigma > 0.0 else 0


def _bumps(bumps):
    return np.asarray(bumps, np.float64).reshape(-1, 6) if len(bumps) else _NO_BUMPS


def _field_args(field):
    (ar, ac), (br, bc) = field["axis"]
    dr, dc = br - ar, bc - ac
    len2 = dr * dr + dc * dc
    knots = np.asarray(field["profile"], np.float64).reshape(-1, 2)
    lo, hi = field["range"]
    return (float(ar), float(ac), dr / len2, dc / len2, knots, _bumps(field.get("bumps", ())),
            np.asarray(field.get("texture", NO_TEXTURE), np.float64), int(field.get("seed", 0)),
            float(lo), float(hi))


def paint(image, mask, occluded, objects, label, scene):
    """Composite checked `objects` in order; return ``(image, mask, occluded)`` (new arrays).

    `label` is written into `mask` where an object's coverage is at least 0.5 (None keeps the
    labels); `scene` (ambient, skin) weighs the footprints (None when no object has one).
    """
    from .._kernels.blur import gaussian_blur
    from .._kernels.composite import composite, footprint, shade
    from .._kernels.occlusion import fill, rasterise

    height, width = image.shape
    out = np.array(image, order="C")
    occ_out = np.zeros(image.shape, bool) if occluded is None else occluded.copy()
    mask_out = mask if mask is None or label is None else mask.copy()
    for obj in objects:
        if "parts" not in obj:  # a flat occluder, filled exactly
            r0, c0, buf = rasterise(height, width, *pack(obj))
            if buf.size:
                fill(out, occ_out, r0, c0, buf, *flat_field(obj, image.dtype))
                if mask_out is not mask:
                    mask_out[r0:r0 + buf.shape[0], c0:c0 + buf.shape[1]][buf] = label
            continue
        marks = obj.get("footprint", ())
        if len(marks):
            footprint(out, _bumps(marks), *scene, ABSOLUTE_ZERO, MAX_TEMPERATURE)
        if obj.get("removed", False):
            continue
        rasters = [rasterise(height, width, *pack(part)) for part in obj["parts"]]
        spans = [(r0, c0, buf.shape) for r0, c0, buf in rasters if buf.size]
        if not spans:
            continue
        sigma = obj.get("sigma", 0.0)
        pad = psf_radius(sigma)
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
            weights = gaussian_weights(sigma, pad)
            cover = gaussian_blur(cover, weights, 0.0, 1.0, np.empty_like(cover))
            premult = gaussian_blur(premult, weights, float(premult.min()),
                                    float(premult.max()), np.empty_like(premult))
        hit = np.zeros(cover.shape, bool)
        composite(out, occ_out, hit, r_lo, c_lo, cover, premult, lo, hi)
        if mask_out is not mask:
            mask_out[r_lo:r_hi, c_lo:c_hi][hit] = label
    return out, mask_out, occ_out

"""Painting explicit occluders: the functional layer and the base of the occluder transforms."""

import numpy as np

from .._base import Transform, drawn_value, result
from .._validation import check_choice, check_image, check_mask, check_occluded
from ._format import (
    LABEL_POLICIES,
    _check_ignore_index,
    _check_occluders,
    _check_shape,
    _label_value,
    _pack,
    _temperature_field,
)


def draw_occluders(shape, occluders):
    """Rasterise occluders into one exact boolean mask per occluder.

    Parameters
    ----------
    shape : tuple of int
        Frame shape ``(H, W)``.
    occluders : sequence of dict
        Occluders in the format of :mod:`tiaug.occlusion` (``"shapes"``, ``"temperature"``,
        optionally ``"axis"``), e.g. ``out["params"]["occluders"]`` of a transform.

    Returns
    -------
    ndarray of bool, shape (len(occluders), H, W)
        ``masks[k]`` is True at the pixels whose centres lie in occluder ``k``; parts outside the
        frame are clipped.

    Raises
    ------
    TypeError
        If `shape` is not a pair of ints or an occluder is malformed (wrong types).
    ValueError
        If `shape` is not positive, or an occluder has bad values (fewer than 3 polygon vertices,
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

    shape = _check_shape(shape)
    occluders = _check_occluders(occluders)
    masks = np.zeros((len(occluders), *shape), bool)
    for k, occ in enumerate(occluders):
        r0, c0, buf = rasterise(*shape, *_pack(occ))
        masks[k, r0:r0 + buf.shape[0], c0:c0 + buf.shape[1]] = buf
    return masks


def occlude(image, occluders, *, mask=None, occluded=None, label_policy="keep", ignore_index=255):
    """Paint explicit occluders into a thermal frame.

    Occluders are painted in order (a later one covers an earlier one where they overlap). Pixels
    outside every occluder are bit-identical to the input.

    Parameters
    ----------
    image : ndarray of float32 or float64, shape (H, W)
        Temperatures in °C.
    occluders : sequence of dict
        Occluders in the format of :mod:`tiaug.occlusion`.
    mask : ndarray of int, shape (H, W), optional
        Class labels.
    occluded : ndarray of bool, shape (H, W), optional
        Pixels occluded so far; the result is its union with the new occluders.
    label_policy : {"keep", "ignore", "background"}, optional
        What occluded pixels of `mask` become: unchanged (the paper), `ignore_index`, or class 0.
    ignore_index : int, optional
        Label of occluded pixels with ``label_policy="ignore"``; must fit `mask`'s dtype.

    Returns
    -------
    dict
        ``"image"`` (the painted frame, dtype of `image`), ``"mask"`` (only when `mask` is
        given: the label map under `label_policy`, a copy of `mask` with ``"keep"``) and
        ``"occluded"`` (bool (H, W): the exact occluded pixels, OR-ed with the incoming
        `occluded`), all new arrays; see :mod:`tiaug.functional`.

    Raises
    ------
    TypeError
        For a non-float image, a non-integer mask or ignore_index, a non-bool `occluded`, or a
        malformed occluder.
    ValueError
        For shape mismatches, non-finite values, an unknown `label_policy`, or an `ignore_index`
        that does not fit `mask`'s dtype.

    Notes
    -----
    Temperatures (within [-273.15, 10000] °C) are rounded to the image's dtype. The ends of a
    gradient are first rounded inward to values of the dtype, so no pixel leaves the occluder's
    temperature range; a range too narrow to hold any value of the dtype gives the value nearest
    to its middle.

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
    ignore_index = _check_ignore_index(ignore_index)
    label = _label_value(label_policy, ignore_index, mask)
    return result(*_occlude(image, mask, occluded, _check_occluders(occluders), label), image,
                  mask, occluded)


def _occlude(image, mask, occluded, occluders, label):
    """Paint validated `occluders`; `label` is the label of occluded pixels or None to keep them."""
    from .._kernels.occlusion import paint, rasterise

    out = image.copy()
    occ_out = np.zeros(image.shape, bool) if occluded is None else occluded.copy()
    mask_out = mask if mask is None or label is None else mask.copy()
    for occ in occluders:
        r0, c0, buf = rasterise(*image.shape, *_pack(occ))
        if buf.size:
            paint(out, occ_out, r0, c0, buf, *_temperature_field(occ, image.dtype))
            if mask_out is not mask:
                mask_out[r0:r0 + buf.shape[0], c0:c0 + buf.shape[1]][buf] = label
    return out, mask_out, occ_out


class _Occluding(Transform):
    """Shared part of the occluder transforms: label policy and painting of ``params``."""

    def __init__(self, label_policy, ignore_index, p):
        super().__init__(p)
        self.label_policy = check_choice(label_policy, "label_policy", LABEL_POLICIES)
        self.ignore_index = _check_ignore_index(ignore_index)

    def _check_drawn(self, params):
        return {**params, "occluders": _check_occluders(drawn_value(params, "occluders"),
                                                        "params['occluders']")}

    def _forward(self, image, mask, occluded, *, rng=None, params=None):
        # Checked before the coin: a mask that cannot hold ignore_index is refused on every
        # call, not only on the frames that draw occluders (Compose therefore always calls it).
        _label_value(self.label_policy, self.ignore_index, mask)
        return super()._forward(image, mask, occluded, rng=rng, params=params)

    def apply(self, params, image, mask, occluded):
        label = _label_value(self.label_policy, self.ignore_index, mask)
        return _occlude(image, mask, occluded, params["occluders"], label)

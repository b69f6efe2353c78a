"""The call convention every transform shares: sample parameters, then apply them."""

import numpy as np

from ._validation import check_image, check_mask, check_occluded, check_probability, check_rng


class Transform:
    """Base class of all tiaug transforms.

    A transform is called as ``t(image=temps, mask=labels, rng=seed)`` and returns a dict with
    ``"image"``, ``"mask"`` (when a mask was given), ``"occluded"`` (bool (H, W), the pixels covered
    by synthesized occluders) and ``"params"`` (everything that was drawn).
    ``t.replay(out["params"], image=temps, mask=labels)`` reproduces the output exactly. Pass the
    previous output's map as ``occluded=`` to chain transforms by hand::

        out = first(image=temps, mask=labels, rng=rng)
        out = second(image=out["image"], mask=out["mask"], occluded=out["occluded"], rng=rng)

    Subclasses implement :meth:`sample` and :meth:`apply`; neither may mutate its inputs.
    Geometric transforms implement the shape-only hooks of
    :class:`tiaug.geometry.GeometricTransform` instead. :class:`tiaug.Compose` calls its children
    as a user does (a call or :meth:`replay`), so a subclass behaves the same inside it as alone.

    Parameters
    ----------
    p : float, optional
        Probability of applying the transform. With ``p < 1`` one uniform number decides first,
        and nothing else is drawn when the transform is skipped.
    """

    def __init__(self, p=1.0):
        self.p = check_probability(p)

    def sample(self, image, mask, rng):
        """Draw this transform's parameters as a dict.

        `image` is the current frame and `mask` its labels (or None); most transforms look only
        at the shape or the temperature range, some place objects by label (eyeglasses).
        """
        raise NotImplementedError

    def apply(self, params, image, mask, occluded):
        """Apply drawn `params`; return new ``(image, mask, occluded)``.

        `mask` and `occluded` may be None (no labels / nothing occluded yet) and stay None
        unless the transform creates them.
        """
        raise NotImplementedError

    def __call__(self, *, image, mask=None, occluded=None, rng=None):
        """Draw parameters from `rng` and apply them.

        Parameters
        ----------
        image : (H, W) float32 or float64 ndarray
            Temperatures in °C.
        mask : (H, W) integer ndarray, optional
            Class labels, moved (and, by occluders, edited) with the frame.
        occluded : (H, W) bool ndarray, optional
            Pixels occluded so far, e.g. ``out["occluded"]`` of the previous transform: geometry
            carries it along and occluders OR their own pixels into it, so transforms chain
            outside :class:`tiaug.Compose` as they do inside it.
        rng : None, int or numpy.random.Generator, optional
            Source of every random draw (SPEC 7).

        Returns
        -------
        dict
            ``"image"``, ``"mask"`` (when a mask was given), ``"occluded"`` (bool (H, W)) and
            ``"params"``; new arrays, the inputs are not modified.
        """
        image = check_image(image)
        mask = check_mask(mask, image.shape)
        occluded = check_occluded(occluded, image.shape)
        rng = check_rng(rng)
        return _pack(*self._forward(image, mask, occluded, rng=rng), image, mask, occluded)

    def replay(self, params, *, image, mask=None, occluded=None):
        """Re-apply the parameters of an earlier call to `image` (and `mask`, `occluded`).

        Draws nothing: with the same inputs the output equals the earlier call's exactly.
        `params` may be edited by hand; values that cannot be applied raise a TypeError or
        ValueError that names them.
        """
        image = check_image(image)
        mask = check_mask(mask, image.shape)
        occluded = check_occluded(occluded, image.shape)
        params = self.check_params(params)
        return _pack(*self._forward(image, mask, occluded, params=params), image, mask,
                     occluded)

    def check_params(self, params):
        """Return `params` checked for :meth:`replay`: a call's ``"params"``, perhaps edited by
        hand.

        Raises a TypeError or ValueError that names a value that cannot be applied. Subclasses
        check their drawn values in ``_check_drawn``; :class:`tiaug.Compose` calls this for the
        children whose params it applies itself (fused geometry).
        """
        if not isinstance(params, dict) or "applied" not in params:
            raise TypeError(
                "params must be the 'params' dict returned by a call of this transform, "
                f"got {type(params).__name__}"
            )
        if not isinstance(params["applied"], (bool, np.bool_)):
            raise TypeError(
                f"params['applied'] must be True or False, got {params['applied']!r:.60}"
            )
        return self._check_drawn(params) if params["applied"] else params

    def _check_drawn(self, params):
        """Return applied `params` once their drawn values are checked (each transform its own).

        Everything a replay hands to a kernel passes through here: edited values must raise a
        clear error, never crash or hang a kernel.
        """
        return params

    def _forward(self, image, mask, occluded, *, rng=None, params=None):
        """Sample (when `params` is None) and apply; return (image, mask, occluded, params)."""
        if params is None:
            params = self._draw(image, mask, occluded, rng)
        if params["applied"]:
            image, mask, occluded = self.apply(params, image, mask, occluded)
        else:
            image, mask, occluded = self.skip(image, mask, occluded)
        return image, mask, occluded, params

    def _draw(self, image, mask, occluded, rng):
        if self._skipped(rng):
            return {"applied": False}
        return {"applied": True, **self._sample(image, mask, occluded, rng)}

    def _sample(self, image, mask, occluded, rng):
        # For transforms that must tell the scene from earlier occluders (the temperature range
        # of ThermalOcclusion); sample() does not see the occlusion map.
        return self.sample(image, mask, rng)

    def skip(self, image, mask, occluded):
        """Return ``(image, mask, occluded)`` as a call that the coin skips returns them.

        The input itself, unless the transform's output has a fixed size (a
        :class:`tiaug.RandomScale` with ``size``). Override it together with :meth:`apply` when
        yours has one; :class:`tiaug.Compose` calls it for the children its coin skips.
        """
        return image, mask, occluded

    def _skipped(self, rng):
        return skipped(self.p, rng)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._repr_args().items())
        return f"{type(self).__name__}({args})"

    def _repr_args(self):
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}


def drawn_value(params, key):
    """``params[key]``, or a TypeError that says which drawn value is missing."""
    if key not in params:
        raise TypeError(
            f"params must hold {key!r}, as the 'params' dict returned by a call of this "
            f"transform does; got keys {sorted(params)}"
        )
    return params[key]


def skipped(p, rng):
    """Draw the coin of a transform with probability `p`: True when it is skipped.

    One uniform number, drawn only when ``p < 1``; a skipped transform draws nothing else.
    :class:`tiaug.Compose` draws its geometric children's coins with it too.
    """
    return p < 1.0 and not rng.random() < p


def result(image, mask, occluded, image_in, mask_in, occluded_in):
    """The output dict of a functional op: ``{"image", "mask" (if given), "occluded"}``.

    Never hands back the caller's own arrays: what an op passed through is copied.
    """
    if image is image_in:
        image = image.copy()
    out = {"image": image}
    if mask_in is not None:
        out["mask"] = mask.copy() if mask is mask_in else mask
    if occluded is None:
        occluded = np.zeros(image.shape, bool)
    elif occluded is occluded_in:
        occluded = occluded.copy()
    out["occluded"] = occluded
    return out


def _pack(image, mask, occluded, params, image_in, mask_in, occluded_in):
    # A transform's output: the functional result plus what was drawn.
    out = result(image, mask, occluded, image_in, mask_in, occluded_in)
    out["params"] = params
    return out

"""The call convention every transform shares: sample parameters, then apply them."""

import numpy as np

from ._validation import check_image, check_mask, check_probability, check_rng


class Transform:
    """Base class of all tiaug transforms.

    A transform is called as ``t(image=temps, mask=labels, rng=seed)`` and returns a dict with
    ``"image"``, ``"mask"`` (when a mask was given), ``"occluded"`` (bool (H, W), the pixels covered
    by synthesized occluders) and ``"params"`` (everything that was drawn).
    ``t.replay(out["params"], image=temps, mask=labels)`` reproduces the output exactly.

    Subclasses implement :meth:`sample` and :meth:`apply`; neither may mutate its inputs.

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

    def __call__(self, *, image, mask=None, rng=None):
        image = check_image(image)
        mask = check_mask(mask, image.shape)
        rng = check_rng(rng)
        return _pack(*self._forward(image, mask, None, rng=rng), image, mask)

    def replay(self, params, *, image, mask=None):
        """Re-apply the parameters of an earlier call to `image` (and `mask`), drawing nothing."""
        image = check_image(image)
        mask = check_mask(mask, image.shape)
        params = self._check_params(params)
        return _pack(*self._forward(image, mask, None, params=params), image, mask)

    def _check_params(self, params):
        """Return `params` checked for replay: a call's ``"params"``, perhaps edited by hand."""
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
            params = self._draw(image, mask, rng)
        if params["applied"]:
            image, mask, occluded = self.apply(params, image, mask, occluded)
        return image, mask, occluded, params

    def _draw(self, image, mask, rng):
        if self._skipped(rng):
            return {"applied": False}
        return {"applied": True, **self.sample(image, mask, rng)}

    def _skipped(self, rng):
        # One coin, drawn only when p < 1; a skipped transform draws nothing else.
        return self.p < 1.0 and not rng.random() < self.p

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


def _pack(image, mask, occluded, params, image_in, mask_in):
    # Never hand back the caller's own arrays: a skipped transform returns copies.
    if image is image_in:
        image = image.copy()
    out = {"image": image}
    if mask_in is not None:
        out["mask"] = mask.copy() if mask is mask_in else mask
    out["occluded"] = np.zeros(image.shape, bool) if occluded is None else occluded
    out["params"] = params
    return out

"""The albumentations adapter (see :func:`tiaug.integrations.albumentations`)."""

import albumentations as A
import numpy as np

from .._validation import check_probability
from ._common import ChannelAxis, moves_pixels

# Targets tiaug cannot move; bboxes and keypoints are fine while nothing moves.
_REFUSED = ("masks", "images", "volume", "volumes", "mask3d", "masks3d")
_POSITIONAL = ("bboxes", "keypoints")


class TiaugAlbumentations(A.BasicTransform):
    """A tiaug transform inside ``A.Compose``; build it with
    :func:`tiaug.integrations.albumentations`."""

    def __init__(self, transform, p=1.0, occluded_key="occluded"):
        if not isinstance(occluded_key, str) or occluded_key in ("image", "mask"):
            raise ValueError(
                f"occluded_key must be a string other than 'image' and 'mask', got "
                f"{occluded_key!r}"
            )
        self.transform = transform
        self.occluded_key = occluded_key
        self._out = None  # this call's output, from get_params_dependent_on_data to apply
        super().__init__(p=check_probability(p))

    def __call__(self, *args, force_apply=False, **kwargs):
        data = super().__call__(*args, force_apply=force_apply, **kwargs)
        # Skipped (p < 1, or not applied in a replay), albumentations hands the data back as it
        # came: the occlusion map is still always written, all False when none was given.
        if data.get(self.occluded_key) is None and data.get("image") is not None:
            data[self.occluded_key] = np.zeros(ChannelAxis(data["image"], "image").array.shape,
                                               bool)
        return data

    @property
    def targets(self):
        # apply_with_params does the work for every key; these name what is handled. Boxes and
        # keypoints pass through unchanged while the transform moves no pixel.
        keys = {"image": self.apply, "mask": self.apply_to_mask, self.occluded_key: self.apply}
        if not moves_pixels(self.transform):
            keys.update(bboxes=self.apply, keypoints=self.apply)
        return keys

    def apply(self, img, **params):  # pragma: no cover - apply_with_params handles every key
        raise NotImplementedError

    def apply_to_mask(self, mask, **params):  # pragma: no cover
        raise NotImplementedError

    def add_targets(self, additional_targets):
        for key, kind in additional_targets.items():
            if key == self.occluded_key:
                continue  # the occlusion map is handled already, whatever it is registered as
            if kind not in ("image", "mask"):
                raise ValueError(
                    f"tiaug transforms move images and masks; additional target {key!r} is a "
                    f"{kind!r}"
                )
            self._additional_targets[key] = kind
            self._available_keys.add(key)

    def get_transform_init_args_names(self):
        return ("transform", "occluded_key")

    def get_params_dependent_on_data(self, params, data):
        self._check_data(data)
        image, mask, occluded = self._inputs(data)
        out = self.transform(image=image, mask=mask, occluded=occluded,
                             rng=self.random_generator)
        # Only the drawn params go into params (get_applied_params, and ReplayCompose, which
        # deep-copies them into its record: an output there would be replayed onto any frame);
        # the arrays are handed over once to apply_with_params.
        self._out = out
        return {"tiaug_params": out["params"]}

    def apply_with_params(self, params, *args, **kwargs):
        out, self._out = getattr(self, "_out", None), None  # None when pickled without it
        image, mask, occluded = self._inputs(kwargs)
        if out is None:  # replay (A.ReplayCompose): same params, drawn nothing
            out = self.transform.replay(params["tiaug_params"], image=image, mask=mask,
                                        occluded=occluded)
        result = dict(kwargs)
        result["image"] = ChannelAxis(kwargs["image"], "image").restore(out["image"])
        if mask is not None:
            result["mask"] = ChannelAxis(kwargs["mask"], "mask").restore(out["mask"])
        given = kwargs.get(self.occluded_key)
        dtype = bool if given is None else np.asarray(given).dtype
        layout = ChannelAxis(given, self.occluded_key) if given is not None else None
        occ = out["occluded"].astype(dtype, copy=False)
        result[self.occluded_key] = occ if layout is None else layout.restore(occ)
        for key, kind in self._additional_targets.items():
            if kwargs.get(key) is None:
                continue
            value = ChannelAxis(kwargs[key], key)
            if kind == "image":
                again = self.transform.replay(params["tiaug_params"], image=value.array)
                result[key] = value.restore(again["image"])
            else:
                again = self.transform.replay(params["tiaug_params"], image=image,
                                              mask=value.array)
                result[key] = value.restore(again["mask"])
        return result

    def _inputs(self, data):
        image = ChannelAxis(data["image"], "image").array
        mask = data.get("mask")
        mask = None if mask is None else ChannelAxis(mask, "mask").array
        occluded = data.get(self.occluded_key)
        if occluded is not None:
            occluded = np.asarray(ChannelAxis(occluded, self.occluded_key).array)
            if occluded.dtype.kind not in "biu":
                raise TypeError(
                    f"{self.occluded_key} must be a bool (or 0/1 integer) array, got dtype "
                    f"{occluded.dtype}"
                )
            occluded = occluded != 0
        return image, mask, occluded

    def _check_data(self, data):
        for key in _REFUSED + (_POSITIONAL if moves_pixels(self.transform) else ()):
            value = data.get(key)
            if value is not None and not (isinstance(value, (list, tuple, np.ndarray))
                                          and len(value) == 0):
                raise ValueError(
                    f"{type(self.transform).__name__} cannot transform {key!r}: the tiaug "
                    "adapter moves 'image', 'mask', the occlusion map and additional image/mask "
                    "targets"
                )
        if "image" not in data:
            raise ValueError("the tiaug adapter needs an 'image' (temperatures in °C)")

    def __repr__(self):
        return f"TiaugAlbumentations({self.transform!r}, p={self.p}, " \
               f"occluded_key={self.occluded_key!r})"


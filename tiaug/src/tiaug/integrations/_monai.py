"""The MONAI adapter (see :func:`tiaug.integrations.monai`)."""

import numpy as np
import torch
from monai.transforms import MapTransform, Randomizable

from ._common import ChannelAxis


class TiaugMonai(Randomizable, MapTransform):
    """A tiaug transform as a MONAI dictionary transform; build it with
    :func:`tiaug.integrations.monai`."""

    def __init__(self, transform, keys=("image", "label"), occluded_key="occluded",
                 allow_missing_keys=False):
        keys = (keys,) if isinstance(keys, str) else tuple(keys)
        if not 1 <= len(keys) <= 2:
            raise ValueError(
                f"keys must be (image_key, label_key) or (image_key,), got {keys!r}"
            )
        if not all(isinstance(k, str) for k in (*keys, occluded_key)):
            raise TypeError(f"keys and occluded_key must be strings, got {keys!r}, "
                            f"{occluded_key!r}")
        if occluded_key in keys:
            # The occlusion map would silently overwrite the frame or its labels.
            raise ValueError(f"occluded_key must differ from the keys {keys!r}, got "
                             f"{occluded_key!r}")
        MapTransform.__init__(self, keys, allow_missing_keys)
        self.transform = transform
        self.occluded_key = occluded_key
        self._seed = None

    def randomize(self, data=None):
        # One seed from MONAI's RandomState per call: the tiaug draws follow set_random_state.
        self._seed = int(self.R.randint(0, 2**63 - 1, dtype=np.int64))

    def __call__(self, data):
        d = dict(data)
        image_key, label_key = self.keys[0], (self.keys[1] if len(self.keys) > 1 else None)
        if image_key not in d:
            raise KeyError(f"the tiaug adapter needs the frame under {image_key!r}; the sample "
                           f"has {sorted(map(str, d))}")
        image = _Field(d[image_key], image_key)
        label = None
        if label_key is not None:
            if label_key in d:
                label = _Field(d[label_key], label_key, labels=True)
            elif not self.allow_missing_keys:
                raise KeyError(f"key {label_key!r} is missing from the sample (pass "
                               "allow_missing_keys=True to augment frames without labels)")
        given = d.get(self.occluded_key)
        occluded = None if given is None else _Field(given, self.occluded_key).array != 0
        self.randomize()
        out = self.transform(image=image.array, mask=None if label is None else label.array,
                             occluded=occluded, rng=self._seed)
        d[image_key] = image.restore(out["image"])
        if label is not None:
            d[label_key] = label.restore(out["mask"])
        like = image if given is None else _Field(given, self.occluded_key)
        d[self.occluded_key] = like.restore(out["occluded"], dtype=bool)
        return d


class _Field:
    """One entry of a MONAI sample as a 2-D numpy array, and how to turn a result back into
    the entry's type (ndarray / Tensor / MetaTensor), dtype, channel layout and device."""

    def __init__(self, value, name, labels=False):
        self.value = value
        if isinstance(value, torch.Tensor):
            array = value.detach().cpu().numpy()
        else:
            array = np.asarray(value)
        self.dtype = array.dtype
        self.channel = ChannelAxis(array, name, axis=0)
        array = self.channel.array
        if labels and array.dtype.kind == "f":
            whole = np.isfinite(array).all() and np.array_equal(array, np.round(array))
            if not whole:
                raise ValueError(f"{name} must hold whole class labels, got non-integer values")
            array = array.astype(np.int64)
        self.array = array

    def restore(self, array, dtype=None):
        array = self.channel.restore(array).astype(self.dtype if dtype is None else dtype,
                                                   copy=False)
        value = self.value
        if not isinstance(value, torch.Tensor):
            return array
        tensor = torch.from_numpy(np.ascontiguousarray(array)).to(value.device)
        try:
            from monai.data import MetaTensor
        except ImportError:  # pragma: no cover - monai is imported above
            return tensor
        if isinstance(value, MetaTensor):
            return MetaTensor(tensor, meta=dict(value.meta),
                              applied_operations=list(value.applied_operations))
        return tensor

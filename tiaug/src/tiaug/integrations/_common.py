"""What the adapters share: channel axes of length 1, and whether a transform moves pixels."""

import numpy as np

from ..compose import Compose
from ..geometry import GeometricTransform


def moves_pixels(transform):
    """True if `transform` (or a child of a Compose) is geometric."""
    if isinstance(transform, Compose):
        return any(moves_pixels(t) for t in transform.transforms)
    return isinstance(transform, GeometricTransform)


class ChannelAxis:
    """`value` without a channel axis of length 1, and how to put it back.

    ``axis`` is where the channel was: -1 for albumentations' (H, W, 1), 0 for MONAI's
    (1, H, W), None for a plain (H, W).
    """

    def __init__(self, value, name, axis=-1):
        array = np.asarray(value)
        self.axis = None
        if array.ndim == 3:
            if array.shape[axis] != 1:
                raise ValueError(
                    f"{name} must be one thermal channel, (H, W) or with a channel axis of "
                    f"length 1, got shape {array.shape}"
                )
            array = np.squeeze(array, axis)
            self.axis = axis
        self.array = array

    def restore(self, array):
        return array if self.axis is None else np.expand_dims(array, self.axis)

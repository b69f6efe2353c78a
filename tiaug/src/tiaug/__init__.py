"""tiaug: augmentation of raw thermal images in °C.

Occluders hotter and colder than the face, other rooms and physiological states, sensor noise
bounded by the camera's NETD, and geometric operations that keep temperatures physical and labels
exact. Every transform is called as
``t(image=temps, mask=labels, rng=seed)`` and returns a dict with ``"image"``, ``"mask"``,
``"occluded"`` and ``"params"``; ``t.replay(params, image=..., mask=...)`` reproduces it.

Submodules and names load on first use, so ``import tiaug`` is fast and compiles nothing.
"""

import importlib

__version__ = "0.1.0"

_NAMES = {
    "Transform": "_base",
    "Compose": "compose",
    "TiAug": "compose",
    "HorizontalFlip": "geometry",
    "VerticalFlip": "geometry",
    "Rotate": "geometry",
    "RandomScale": "geometry",
    "NETDNoise": "noise",
    "GaussianBlur": "blur",
    "ThermalOcclusion": "occlusion",
    "Eyeglasses": "occlusion",
    "HeldCup": "occlusion",
    "HandOcclusion": "occlusion",
    "RandomOccluders": "occlusion",
    "OcclusionTransform": "occlusion",
    "ThermalAmbience": "ambience",
    "ThermalCamera": "camera",
}
# Every public module, reachable as an attribute (``tiaug.geometry.warp``) without importing it.
_SUBMODULES = {
    "ambience", "blur", "camera", "compose", "datasets", "functional", "geometry", "integrations",
    "noise", "normalize", "occlusion", "scene", "seeding", "testing", "units",
}

__all__ = sorted(_NAMES) + sorted(_SUBMODULES)


def __getattr__(name):
    if name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'tiaug' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))

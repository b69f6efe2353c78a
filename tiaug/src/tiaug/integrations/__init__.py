"""Adapters that run tiaug transforms inside other libraries' pipelines.

- :func:`albumentations` wraps a tiaug transform (or :class:`tiaug.TiAug`) as an albumentations
  transform for ``A.Compose``;
- :func:`monai` wraps it as a MONAI dictionary transform for ``monai.transforms.Compose``.

Both libraries are optional extras, imported only when an adapter is built::

    pip install "tiaug[albumentations]"
    pip install "tiaug[monai]"

``import tiaug`` and ``import tiaug.integrations`` import neither. The frame is always °C (float32
or float64), the labels integers; the occlusion map travels under its own key (``"occluded"``),
so consecutive tiaug adapters in one pipeline merge their occluders as :class:`tiaug.Compose`
does.
"""

from .._base import Transform

__all__ = ["albumentations", "monai"]


def albumentations(transform, *, p=1.0, occluded_key="occluded"):
    """Wrap a tiaug transform as an albumentations transform for ``A.Compose``.

    Parameters
    ----------
    transform : tiaug.Transform
        Any tiaug transform, a :class:`tiaug.Compose` or :class:`tiaug.TiAug`.
    p : float, optional
        albumentations' probability of calling `transform` (drawn by albumentations). The tiaug
        transform's own ``p`` still applies; keep this at 1 unless you want both.
    occluded_key : str, optional
        Key of the occlusion map in albumentations' data dict: read when present (bool, or 0/1
        integers) and OR-ed with the new occluders, always written.

    Returns
    -------
    albumentations.core.transforms_interface.BasicTransform
        A transform for ``A.Compose`` (or to call alone, ``t(image=temps, mask=labels)``) that
        applies `transform` to ``image`` (°C, (H, W) or (H, W, 1)), ``mask`` ((H, W) or
        (H, W, 1) integer labels) and the occlusion map, with the same shapes and dtypes out.

    Raises
    ------
    TypeError
        If `transform` is not a tiaug transform.
    ImportError
        If albumentations is not installed (``pip install "tiaug[albumentations]"``).

    Notes
    -----
    **Random numbers.** Every draw comes from the wrapper's ``random_generator``, which
    ``A.Compose(seed=...)`` seeds: a seeded pipeline gives the same frames run after run, and
    nothing reads numpy's global state. ``get_applied_params()["tiaug_params"]`` holds the tiaug
    params of the last call (``transform.replay`` reproduces it), and ``A.ReplayCompose``
    replays the wrapper exactly. A seeded ``A.Compose`` hands *every* transform in it a
    generator seeded alike (albumentations' design: two of its own ``p=0.5`` flips then apply
    together), so two tiaug adapters in one seeded pipeline draw the same numbers. Wrap the
    whole tiaug part in one adapter, ``albumentations(tiaug.Compose([...]))`` (which also fuses
    its geometry into one resampling), or seed adapters apart with ``set_random_seed``.

    **Other targets.** Additional targets registered with ``additional_targets`` as ``"image"``
    (another °C frame of the same scene) or ``"mask"`` (another label map) get the same
    augmentation (tiaug's replay). ``masks``, ``images`` and volumes are refused, and so are
    ``bboxes`` and ``keypoints`` when `transform` moves pixels: tiaug cannot move them.

    **The occlusion map** comes out as bool, or in the dtype it came in: to let albumentations'
    own spatial transforms later in the pipeline move it too, pass it in as ``uint8`` and register
    it as a mask, ``A.Compose([...], additional_targets={"occluded": "mask"})`` (OpenCV, which
    albumentations uses, cannot warp bool arrays).

    Examples
    --------
    >>> import albumentations as A
    >>> import numpy as np
    >>> import tiaug
    >>> from tiaug.integrations import albumentations
    >>> temps = np.full((64, 80), 22.0, np.float32); temps[16:48, 24:56] = 34.0
    >>> labels = (temps > 30).astype(np.uint8)
    >>> pipeline = A.Compose([A.HorizontalFlip(p=0.5), albumentations(tiaug.TiAug())], seed=137)
    >>> out = pipeline(image=temps, mask=labels)
    >>> sorted(out), out["image"].dtype, out["occluded"].dtype
    (['image', 'mask', 'occluded'], dtype('float32'), dtype('bool'))
    >>> again = A.Compose([A.HorizontalFlip(p=0.5), albumentations(tiaug.TiAug())], seed=137)
    >>> bool(np.array_equal(again(image=temps, mask=labels)["image"], out["image"]))
    True
    """
    _check_transform(transform)
    from ._albumentations import TiaugAlbumentations

    return TiaugAlbumentations(transform, p=p, occluded_key=occluded_key)


def monai(transform, keys=("image", "label"), *, occluded_key="occluded", allow_missing_keys=False):
    """Wrap a tiaug transform as a MONAI dictionary transform.

    Parameters
    ----------
    transform : tiaug.Transform
        Any tiaug transform, a :class:`tiaug.Compose` or :class:`tiaug.TiAug`.
    keys : (str, str) or (str,), optional
        The keys of the °C frame and of its label map (``(image_key,)`` for a frame alone).
    occluded_key : str, optional
        Key of the occlusion map: read when present (OR-ed with the new occluders), always
        written, as a bool array of the frame's type and layout.
    allow_missing_keys : bool, optional
        Let the label key be missing from a sample (the frame is always required).

    Returns
    -------
    monai.transforms.MapTransform
        A ``MapTransform`` and ``Randomizable``: ``set_random_state(seed=...)`` (called by
        ``monai.transforms.Compose.set_random_state``, ``monai.utils.set_determinism`` and
        ``monai.data.DataLoader``'s workers) makes it reproducible.

    Raises
    ------
    TypeError
        If `transform` is not a tiaug transform or `keys` are not strings.
    ValueError
        If `keys` has not one or two entries, or `occluded_key` is one of them.
    ImportError
        If MONAI is not installed (``pip install "tiaug[monai]"``).

    Notes
    -----
    MONAI keeps images channel-first: the frame may be ``(1, H, W)`` (after
    ``EnsureChannelFirstd``) or ``(H, W)``, a ``numpy.ndarray``, a ``torch.Tensor`` or a
    ``MetaTensor``; the output has the input's type, dtype, layout, device and metadata. Label
    maps loaded as floats (as ``LoadImaged`` does) are accepted when every value is a whole
    number and come back in their dtype. The geometry tiaug applies is not recorded in MONAI's
    ``applied_operations``, so ``Invertd`` does not undo it.

    Examples
    --------
    >>> import numpy as np
    >>> import monai.transforms as mt
    >>> import tiaug
    >>> from tiaug.integrations import monai
    >>> temps = np.full((1, 64, 80), 22.0, np.float32); temps[:, 16:48, 24:56] = 34.0
    >>> labels = (temps > 30).astype(np.uint8)
    >>> pipeline = mt.Compose([monai(tiaug.TiAug()), mt.ScaleIntensityd(keys="image")])
    >>> out = pipeline.set_random_state(seed=0)({"image": temps, "label": labels})
    >>> tuple(out["image"].shape), out["label"].dtype, out["occluded"].dtype
    ((1, 64, 80), dtype('uint8'), dtype('bool'))
    """
    _check_transform(transform)
    from ._monai import TiaugMonai

    return TiaugMonai(transform, keys=keys, occluded_key=occluded_key,
                      allow_missing_keys=allow_missing_keys)


def _check_transform(transform):
    if not isinstance(transform, Transform):
        raise TypeError(
            "transform must be a tiaug transform (e.g. tiaug.TiAug() or tiaug.Rotate()), "
            f"got {type(transform).__name__}"
        )

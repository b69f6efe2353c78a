"""Thermal frames as a PyTorch Dataset, augmented with tiaug in °C and normalised afterwards.

The order matters for thermal data: augment the *raw temperatures* (occluders get physical
temperatures relative to the frame, sensor noise is bounded in °C, padding uses a temperature), then
normalise each frame to [-1, 1] with its own min and max, as the paper does. A hot or cold occluder
thus changes how the face looks after normalisation, which is exactly the robustness TiAug trains.

Folder layout read by ``ThermalFrames(root)``::

    root/frames/<name>.npy   float32/float64 (H, W) temperatures in °C
    root/labels/<name>.npy   integer (H, W) class map with the same <name> (255 = ignore)

Use (with examples/ on ``sys.path``)::

    from data import ThermalFrames, tiaug_pipeline
    train_set = ThermalFrames("faces/train", transform=tiaug_pipeline((256, 320)), seed=0)
    test_set = ThermalFrames("faces/test")                  # no augmentation
    x, y = train_set[0]          # x float32 (1, H, W) in [-1, 1], y int64 (H, W)
"""

import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

import tiaug
from tiaug.datasets import synthetic_faces
from tiaug.normalize import minmax
from tiaug.seeding import sample_rng


class ThermalFrames(Dataset):
    """Temperature frames (°C) with label maps, optionally augmented by a tiaug transform.

    Parameters
    ----------
    images : array_like (n, H, W) or path
        Temperatures in °C, or a folder laid out as described in the module docstring (then
        `labels` must be None; frames are loaded one at a time, when requested).
    labels : array_like (n, H, W) of int, optional
        Class maps for array `images`.
    transform : tiaug transform, optional
        Called as ``transform(image=temps, mask=labels, rng=...)`` on every access.
    normalize : callable, optional
        Maps a °C frame to the network's input range after augmentation; the default is
        :func:`normalize_frame`.
    seed : int, optional
        Seed of the augmentation. Sample `index` of epoch `e` is augmented with
        ``tiaug.seeding.sample_rng(seed, index, e)``: the same frames come out whatever the
        number of DataLoader workers, and a resumed run sees the same augmentations.

    Notes
    -----
    Call :meth:`set_epoch` before each epoch (as with ``DistributedSampler``) to get new
    augmentations. Keep ``persistent_workers=False`` (the default) so the workers, which start
    with a copy of the dataset, see the new epoch.
    """

    def __init__(self, images, labels=None, *, transform=None, normalize=None, seed=0):
        if isinstance(images, (str, os.PathLike)):
            if labels is not None:
                raise ValueError("labels must be None when images is a folder")
            self.root = Path(images)
            self.names = sorted(p.stem for p in (self.root / "frames").glob("*.npy"))
            if not self.names:
                raise ValueError(f"no frames found: {self.root / 'frames'}/*.npy")
            missing = [n for n in self.names if not (self.root / "labels" / f"{n}.npy").exists()]
            if missing:
                raise ValueError(f"frames without a label map in {self.root / 'labels'}: "
                                 f"{', '.join(missing[:5])}")
            self.images = self.labels = None
        else:
            if labels is None or len(images) != len(labels):
                raise ValueError("labels must be given, one label map per image")
            self.root = self.names = None
            self.images, self.labels = images, labels
        self.transform = transform
        self.normalize = normalize_frame if normalize is None else normalize
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch):
        """Use the augmentations of `epoch` from now on."""
        self.epoch = epoch

    def __len__(self):
        return len(self.names) if self.names is not None else len(self.images)

    def raw(self, index):
        """Frame `index` as stored: temperatures (H, W) in °C and labels (H, W), not augmented."""
        if self.names is None:
            return self.images[index], self.labels[index]
        name = self.names[index]
        return (np.load(self.root / "frames" / f"{name}.npy"),
                np.load(self.root / "labels" / f"{name}.npy"))

    def __getitem__(self, index):
        image, labels = self.raw(index)
        if self.transform is not None:
            out = self.transform(image=image, mask=labels,
                                 rng=sample_rng(self.seed, index, self.epoch))
            image, labels = out["image"], out["mask"]
        x = self.normalize(image).astype(np.float32)
        return torch.from_numpy(x)[None], torch.from_numpy(labels.astype(np.int64))


def normalize_frame(image):
    """Per-image min-max to [-1, 1], as the paper does."""
    return minmax(image, (-1.0, 1.0))


def tiaug_pipeline(size=None):
    """The TiAug preset: another room and physiological state, flips, mild rotation and scaling,
    occluder families (hands, drinks, glasses, masks, hair, ...) and NETD sensor noise (its blur
    is off by default). `size` is the
    output (H, W) (None keeps each frame's size)."""
    return tiaug.TiAug(size=size)


def geometric_pipeline(size=None):
    """The paper's baseline augmentation: TiAug without its room and body, occluders, sensor
    noise and camera.

    The paper applies these "basic geometric transformations including ... Gaussian blur"
    (flips, rotation, scaling, blur) in all its experiments; taking them from the TiAug preset
    keeps the ablation exact, so the blur is off here as in the preset's defaults.
    """
    dropped = (tiaug.ThermalAmbience, tiaug.RandomOccluders, tiaug.ThermalOcclusion,
               tiaug.NETDNoise, tiaug.ThermalCamera)
    return tiaug.Compose([t for t in tiaug_pipeline(size).transforms
                          if not isinstance(t, dropped)])


PIPELINES = {"tiaug": tiaug_pipeline, "geometric": geometric_pipeline, "none": lambda size: None}


def synthetic_split(n_train, n_test, size, seed=0):
    """Synthetic faces for training and testing, with no subject in both sets.

    Every subject appears in four frames (different pose, expression and room temperature).

    Returns
    -------
    (train_images, train_labels), (test_images, test_labels)
        float32 °C (n, H, W) and uint8 (n, H, W).
    """
    train_subjects = range(max(1, n_train // 4))
    test_subjects = range(10_000, 10_000 + max(1, n_test // 4))
    rng = np.random.default_rng(seed)
    train = synthetic_faces(n_train, size, subjects=train_subjects, rng=rng)
    test = synthetic_faces(n_test, size, subjects=test_subjects, rng=rng)
    return (train.images, train.labels), (test.images, test.labels)



def test_occluders(label_policy="keep", ignore_index=255):
    """The occluders of the occluded test set: synthetic hot and cold objects (TiAug's) and
    real-world ones (eyeglasses, a hot or cold cup, a hand).

    With ``label_policy="keep"`` (as in training, and the paper) the ground truth under an
    occluder stays the face part behind it; ``"ignore"`` scores the visible pixels only.
    """
    from tiaug.occlusion import Eyeglasses, HandOcclusion, HeldCup

    policy = dict(label_policy=label_policy, ignore_index=ignore_index)
    return [
        tiaug.ThermalOcclusion(temperature="hot", **policy),
        tiaug.ThermalOcclusion(temperature="cold", **policy),
        Eyeglasses(**policy),
        HeldCup(**policy),
        HandOcclusion(**policy),
    ]


def occlude_test_set(images, labels, seed=0, label_policy="keep", ignore_index=255):
    """Occluded copies of test frames, reproducible from `seed`: frame i gets occluder i mod 5
    of :func:`test_occluders`.

    Returns
    -------
    images, labels, occluded : ndarray
        Occluded frames and their labels (shapes and dtypes of the inputs) and the bool map of
        occluded pixels.
    """
    occluders = test_occluders(label_policy, ignore_index)
    out_images, out_labels = np.empty_like(images), np.empty_like(labels)
    occluded = np.empty(images.shape, bool)
    for i, (image, mask) in enumerate(zip(images, labels, strict=True)):
        out = occluders[i % len(occluders)](image=image, mask=mask, rng=sample_rng(seed, i))
        out_images[i], out_labels[i], occluded[i] = out["image"], out["mask"], out["occluded"]
    return out_images, out_labels, occluded

"""tiaug inside the pipelines you already have: an albumentations ``A.Compose`` and a MONAI
``Compose`` with its ``Dataset`` and ``DataLoader``.

Each pipeline keeps the library's own transforms and puts tiaug's, which work in °C, where the
temperatures are still temperatures; normalisation comes last. The adapters are optional extras::

    pip install "tiaug[albumentations]" "tiaug[monai]"

Run::

    python examples/adapters.py
"""

import numpy as np

import tiaug
from tiaug.datasets import synthetic_faces
from tiaug.normalize import minmax


def albumentations_pipeline(seed=0):
    """albumentations' own crop and flip, then the whole tiaug preset as one transform."""
    import albumentations as A

    from tiaug.integrations import albumentations

    return A.Compose([
        A.CenterCrop(height=96, width=120),
        A.HorizontalFlip(p=0.5),
        albumentations(tiaug.TiAug(label_policy="ignore")),  # °C in, °C out, plus "occluded"
    ], seed=seed)


def run_albumentations(images, labels, seed=0):
    """Augment a few frames; the same seed gives the same frames."""
    pipeline = albumentations_pipeline(seed)
    batch = []
    for image, label in zip(images, labels, strict=True):
        out = pipeline(image=image, mask=label)
        x = minmax(out["image"], out_range=(-1.0, 1.0))  # normalise after augmenting
        batch.append((x, out["mask"], out["occluded"]))
    return batch


def monai_pipeline():
    """MONAI's channel handling, the tiaug preset, then MONAI's intensity scaling."""
    import monai.transforms as mt

    from tiaug.integrations import monai

    return mt.Compose([
        mt.EnsureChannelFirstd(keys=["image", "label"], channel_dim="no_channel"),
        monai(tiaug.TiAug(label_policy="ignore"), keys=("image", "label")),
        mt.ScaleIntensityd(keys="image", minv=-1.0, maxv=1.0),  # after augmenting
        mt.EnsureTyped(keys=["image", "label", "occluded"]),
    ])


def run_monai(images, labels, seed=0, num_workers=0):
    """A MONAI Dataset and DataLoader; ``set_determinism`` makes the batches reproducible."""
    from monai.data import DataLoader, Dataset
    from monai.utils import set_determinism

    set_determinism(seed=seed)
    samples = [{"image": image, "label": label} for image, label in zip(images, labels,
                                                                       strict=True)]
    loader = DataLoader(Dataset(samples, transform=monai_pipeline()), batch_size=2,
                        num_workers=num_workers)
    batches = list(loader)
    set_determinism(seed=None)
    return batches


def main():
    images, labels, _ = synthetic_faces(4, (112, 140), rng=0)

    batch = run_albumentations(images, labels)
    x, y, occluded = batch[0]
    print(f"albumentations: image {x.shape} {x.dtype} in [{x.min():.1f}, {x.max():.1f}], "
          f"mask {y.dtype}, {int(occluded.sum())} occluded pixels")
    again = run_albumentations(images, labels)
    print("albumentations, same seed, same frames:",
          all(np.array_equal(a[0], b[0]) for a, b in zip(batch, again, strict=True)))

    batches = run_monai(images, labels)
    first = batches[0]
    print(f"MONAI: image {tuple(first['image'].shape)}, label {tuple(first['label'].shape)}, "
          f"{int(first['occluded'].sum())} occluded pixels")
    again = run_monai(images, labels)
    print("MONAI, same seed, same batches:",
          all(bool((a["image"] == b["image"]).all()) for a, b in zip(batches, again,
                                                                     strict=True)))


if __name__ == "__main__":
    main()

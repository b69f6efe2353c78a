"""The occluded test sets the studies share: each of tiaug's occluder families and each held-out
kind (:mod:`studies.ood_occluders`) on the test frames, in groups of look-alikes."""

import numpy as np

from studies.harness import DATA_SEED

# Each group: (tiaug families, held-out kinds). Together they cover every family of both; the
# transfer study holds each group out of training in turn.
GROUPS = {
    "hand_held": (("hand", "cup", "bottle", "phone"), ("warm_object",)),
    "fabric": (("mask", "scarf"), ("fabric",)),
    "hair": (("hair", "strand"), ("hair",)),
    "stick": (("microphone",), ("stick",)),
    "glasses": (("glasses",), ()),
    "shapes": (("blob", "hot_cold"), ()),
}
TEST_SEED = DATA_SEED + 1


def family_key(family, held_out):
    """Name of a family in the results: tiaug's own as is, held-out ones as ``heldout_<kind>``."""
    return f"heldout_{family}" if held_out else family


def families():
    """Every (group, family, held_out), group by group."""
    return [(g, f, held) for g, (own, other) in GROUPS.items()
            for held, names in ((False, own), (True, other)) for f in names]


def family_sets(test):
    """The clean test set and one occluded copy per family: {name: (images, labels, occluded)}."""
    import tiaug
    from studies.ood_occluders import HeldOutOcclusion

    sets = {"clean": (test.images, test.labels, np.zeros(test.images.shape, bool))}
    for _, family, held in families():
        t = (HeldOutOcclusion(kinds=(family,), count=1) if held
             else tiaug.RandomOccluders(families=(family,), count=1))
        sets[family_key(family, held)] = occluded_copy(test, t)
    return sets


def occluded_copy(test, transform):
    """(images, labels, occluded) of the test split with `transform` applied to each frame and
    its labels, frame ``i`` seeded ``[TEST_SEED, i]``."""
    images = np.empty_like(test.images)
    occluded = np.zeros(test.images.shape, bool)
    for i, (frame, labels) in enumerate(zip(test.images, test.labels, strict=True)):
        out = transform(image=frame, mask=labels, rng=np.random.default_rng([TEST_SEED, i]))
        images[i], occluded[i] = out["image"], out["occluded"]
    return images, test.labels, occluded


def condition_sets(cfg, test, conditions):
    """The test frames in each of `conditions` (rooms and states of :mod:`tiaug.datasets`,
    rendered by the face model): {name: (images, labels, nothing occluded)}."""
    from studies.harness import synthetic_splits

    nothing = np.zeros(test.images.shape, bool)
    sets = {}
    for condition in conditions:
        _, _, frames = synthetic_splits(cfg, condition=condition)
        assert np.array_equal(frames.labels, test.labels)  # the same frames in another room
        sets[condition] = (frames.images, frames.labels, nothing)
    return sets


def camera_sets(cfg, test, cameras, coverage):
    """The test frames as each of `cameras` records them (presets of :data:`tiaug.camera.CAMERAS`,
    rendered by the face model on the camera's sensor, the frame spanning `coverage` of its
    width): {name: (images, labels, nothing occluded)}."""
    from studies.harness import synthetic_splits

    nothing = np.zeros(test.images.shape, bool)
    sets = {}
    for camera in cameras:
        _, _, frames = synthetic_splits(cfg, camera={"camera": camera, "coverage": coverage})
        assert np.array_equal(frames.labels, test.labels)  # the same frames, another camera
        sets[camera] = (frames.images, frames.labels, nothing)
    return sets

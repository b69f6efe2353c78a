"""tiaug.integrations: tiaug transforms inside albumentations' and MONAI's real pipelines."""

import pickle
import random
import re
import subprocess
import sys

import numpy as np
import pytest

import tiaug
from tiaug import Compose, NETDNoise, Rotate, ThermalOcclusion, TiAug
from tiaug.integrations import albumentations, monai


def face(shape=(48, 64), dtype=np.float32):
    rows, cols = np.mgrid[:shape[0], :shape[1]]
    inside = ((rows - shape[0] / 2) / (0.35 * shape[0])) ** 2 + (
        (cols - shape[1] / 2) / (0.3 * shape[1])) ** 2 <= 1
    image = np.where(inside, 34.0 + 0.05 * rows - 0.03 * cols, 22.0 + 0.01 * cols)
    return image.astype(dtype), inside.astype(np.uint8)


def test_adapters_need_a_tiaug_transform_and_import_nothing_first():
    with pytest.raises(TypeError, match="transform must be a tiaug transform .*got function"):
        albumentations(lambda **kw: kw)
    with pytest.raises(TypeError, match="transform must be a tiaug transform .*got str"):
        monai("TiAug")
    code = ("import sys, tiaug, tiaug.integrations\n"
            "assert tiaug.integrations.albumentations and tiaug.integrations.monai\n"
            "assert not {'albumentations', 'monai', 'torch'} & set(sys.modules)\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# ------------------------------------------------------------------------------ albumentations

A = pytest.importorskip("albumentations")


def test_inside_a_compose_with_albumentations_own_ops():
    image, mask = face()
    pipeline = A.Compose([A.CenterCrop(40, 56), A.HorizontalFlip(p=0.5),
                          albumentations(TiAug())], seed=3)
    for _ in range(5):
        out = pipeline(image=image, mask=mask)
        assert sorted(out) == ["image", "mask", "occluded"]
        assert out["image"].shape == out["mask"].shape == out["occluded"].shape == (40, 56)
        assert out["image"].dtype == np.float32 and out["mask"].dtype == np.uint8
        assert out["occluded"].dtype == bool
    # The failure this replaces: albumentations' own rotation fills the corners with 0 °C.
    theirs = A.Compose([A.Rotate(limit=(30, 30), p=1.0)], seed=0)(image=image)["image"]
    ours = A.Compose([albumentations(Rotate(angle=30.0))], seed=0)(image=image)["image"]
    assert theirs.min() == 0.0 and ours.min() >= image.min()


def test_draws_from_albumentations_seeded_generator_only():
    image, mask = face()

    def run(seed):
        pipeline = A.Compose([albumentations(TiAug()), A.HorizontalFlip(p=0.5)], seed=seed)
        outs = []
        for k in range(4):
            np.random.seed(k)  # noqa: NPY002 - global state must not matter
            random.seed(k)
            outs.append(pipeline(image=image, mask=mask))
        return outs

    first, again, other = run(7), run(7), run(8)
    for a, b in zip(first, again, strict=True):
        for key in ("image", "mask", "occluded"):
            np.testing.assert_array_equal(a[key], b[key])
    assert any(not np.array_equal(a["image"], b["image"]) for a, b in zip(first, other,
                                                                         strict=True))
    assert not np.array_equal(first[0]["image"], first[1]["image"])  # the stream advances


def test_equals_tiaug_with_the_same_generator():
    image, mask = face()
    aug = TiAug()
    wrapped = albumentations(aug)
    out = A.Compose([wrapped], seed=11)(image=image, mask=mask)
    direct = aug(image=image, mask=mask, rng=np.random.default_rng(11))
    for key in ("image", "mask", "occluded"):
        np.testing.assert_array_equal(out[key], direct[key])
    params = wrapped.get_applied_params()["tiaug_params"]
    again = aug.replay(params, image=image, mask=mask)
    np.testing.assert_array_equal(again["image"], out["image"])


def test_occluded_chains_across_adapters_like_tiaug_compose():
    image, mask = face()
    hot, cold = ThermalOcclusion(temperature="hot"), ThermalOcclusion(temperature="cold")
    first, second = albumentations(hot), albumentations(cold)
    pipeline = A.Compose([first, second])
    # A seeded A.Compose gives all its transforms the same stream: seed these two apart.
    first.set_random_seed(5)
    second.set_random_seed(6)
    out = pipeline(image=image, mask=mask)
    a = hot(image=image, mask=mask, rng=np.random.default_rng(5))
    b = cold(image=a["image"], mask=a["mask"], occluded=a["occluded"],
             rng=np.random.default_rng(6))
    for key in ("image", "mask", "occluded"):
        np.testing.assert_array_equal(out[key], b[key])
    assert (b["occluded"] & ~a["occluded"]).any() and a["occluded"].any()


def test_channel_axis_of_length_one_and_float64_are_kept():
    image, mask = face(dtype=np.float64)
    out = A.Compose([albumentations(TiAug())], seed=0)(image=image[..., None],
                                                     mask=mask[..., None])
    assert out["image"].shape == (48, 64, 1) and out["image"].dtype == np.float64
    assert out["mask"].shape == (48, 64, 1)
    assert out["occluded"].shape == (48, 64)


def test_uint8_occluded_registered_as_a_mask_follows_albumentations_geometry():
    image, mask = face()
    occ = ThermalOcclusion(temperature="hot", count=2)
    pipeline = A.Compose([albumentations(occ), A.Rotate(limit=(90, 90), p=1.0)],
                         additional_targets={"occluded": "mask"}, seed=1)
    out = pipeline(image=image, mask=mask, occluded=np.zeros(image.shape, np.uint8))
    assert out["occluded"].dtype == np.uint8 and set(np.unique(out["occluded"])) == {0, 1}
    hot = out["image"] > image.max()  # the rotated hot occluders, and nothing else
    np.testing.assert_array_equal(hot, out["occluded"] == 1)


def test_additional_targets_get_the_same_augmentation():
    image, mask = face()
    pipeline = A.Compose([albumentations(TiAug(label_policy="ignore"))],
                         additional_targets={"image2": "image", "mask2": "mask"}, seed=2)
    out = pipeline(image=image, mask=mask, image2=image.copy(), mask2=mask.copy())
    np.testing.assert_array_equal(out["image2"], out["image"])
    np.testing.assert_array_equal(out["mask2"], out["mask"])


def test_replay_compose_and_pickle():
    image, mask = face()
    pipeline = A.ReplayCompose([albumentations(TiAug())])
    pipeline.set_random_seed(4)
    out = pipeline(image=image, mask=mask)
    again = A.ReplayCompose.replay(out["replay"], image=image, mask=mask)
    for key in ("image", "mask", "occluded"):
        np.testing.assert_array_equal(again[key], out[key])
    wrapped = pickle.loads(pickle.dumps(albumentations(TiAug(netd=0.2), p=0.5)))
    assert wrapped.p == 0.5 and wrapped.transform.netd == 0.2


def test_replay_onto_a_different_image_twice():
    # The record held the whole output dict, so replaying onto another frame returned the first
    # frame's result: it must hold tiaug's params only.
    image, mask = face()
    other, other_mask = image[::-1].copy() + 1.5, mask[::-1].copy()
    pipeline = A.ReplayCompose([albumentations(TiAug(p=1.0))])
    pipeline.set_random_seed(4)
    out = pipeline(image=image, mask=mask)
    params = pipeline.transforms[0].get_applied_params()["tiaug_params"]
    want = TiAug(p=1.0).replay(params, image=other, mask=other_mask)
    for _ in range(2):
        again = A.ReplayCompose.replay(out["replay"], image=other, mask=other_mask)
        for key in ("image", "mask", "occluded"):
            np.testing.assert_array_equal(again[key], want[key])
    record = out["replay"]["transforms"][0]
    assert record["applied"] and set(record["params"]) - {"shape"} == {"tiaug_params"}


@pytest.mark.parametrize("p", [0.0, 0.5])
def test_occluded_key_is_written_also_when_albumentations_skips_it(p):
    # With p < 1 a skipped call returned the data without the "occluded" key its docs promise.
    image, mask = face()
    for wrapped in (albumentations(TiAug(), p=p), albumentations(TiAug(), p=p,
                                                                 occluded_key="occ")):
        key = wrapped.occluded_key
        pipeline = A.Compose([wrapped], seed=0)
        for _ in range(6):
            out = pipeline(image=image[..., None], mask=mask)
            assert sorted(out) == sorted(["image", "mask", key])
            assert out[key].dtype == bool and out[key].shape == image.shape
        given = np.ones(image.shape, np.uint8)
        out = A.Compose([albumentations(TiAug(), p=0.0)], seed=0)(image=image, occluded=given)
        assert out["occluded"] is given  # passed through as albumentations passes any target


@pytest.mark.filterwarnings("ignore:Got processor for bboxes:UserWarning")
def test_targets_tiaug_cannot_move_are_refused():
    image, mask = face()
    boxes = np.array([[0.1, 0.1, 0.5, 0.5]])
    moving = A.Compose([albumentations(TiAug())],
                       bbox_params=A.BboxParams(format="albumentations", label_fields=[]))
    with pytest.raises(ValueError, match="TiAug cannot transform 'bboxes'"):
        moving(image=image, mask=mask, bboxes=boxes)
    still = A.Compose([albumentations(NETDNoise())],
                      bbox_params=A.BboxParams(format="albumentations", label_fields=[]))
    np.testing.assert_allclose(still(image=image, bboxes=boxes)["bboxes"], boxes)
    with pytest.raises(ValueError, match="cannot transform 'masks'"):
        A.Compose([albumentations(NETDNoise())])(image=image, masks=[mask])
    with pytest.raises(ValueError, match="additional target 'boxes2' is a 'bboxes'"):
        A.Compose([albumentations(Rotate())], additional_targets={"boxes2": "bboxes"})
    with pytest.raises(ValueError, match="occluded_key must be a string other than"):
        albumentations(Rotate(), occluded_key="mask")
    with pytest.raises(TypeError, match=r"image has dtype uint8.*tiaug.units"):
        albumentations(Rotate())(image=np.zeros((8, 8), np.uint8))


# ------------------------------------------------------------------------------------- MONAI

mt = pytest.importorskip("monai.transforms")
torch = pytest.importorskip("torch")


def samples(n=4, shape=(48, 64)):
    image, mask = face(shape)
    return [{"image": image + k, "label": mask.astype(np.float32)} for k in range(n)]


def monai_pipeline():
    return mt.Compose([
        mt.EnsureChannelFirstd(keys=["image", "label"], channel_dim="no_channel"),
        monai(TiAug(label_policy="ignore")),
        mt.ScaleIntensityd(keys="image", minv=-1.0, maxv=1.0),
        mt.EnsureTyped(keys=["image", "label", "occluded"]),
    ])


def load(num_workers, seed=0):
    from monai.data import DataLoader, Dataset
    from monai.utils import set_determinism

    set_determinism(seed=seed)
    loader = DataLoader(Dataset(samples(), transform=monai_pipeline()), batch_size=2,
                        num_workers=num_workers)
    batches = list(loader)
    set_determinism(seed=None)
    return batches


@pytest.mark.parametrize("num_workers", [0, 2])
def test_in_a_monai_dataset_and_dataloader_reproducibly(num_workers):
    first, again = load(num_workers), load(num_workers)
    assert len(first) == 2
    for a, b in zip(first, again, strict=True):
        assert tuple(a["image"].shape) == (2, 1, 48, 64)
        assert a["label"].dtype == torch.float32 and a["occluded"].dtype == torch.bool
        assert float(a["image"].min()) >= -1.0 and float(a["image"].max()) <= 1.0
        for key in ("image", "label", "occluded"):
            assert torch.equal(a[key], b[key])
        # label_policy="ignore": exactly the occluded pixels are unlabelled.
        assert torch.equal(a["label"] == 255, a["occluded"])
    other = load(num_workers, seed=1)
    assert not torch.equal(first[0]["image"], other[0]["image"])


def test_set_random_state_makes_it_reproducible_and_equals_tiaug():
    image, mask = face()
    aug = TiAug()
    wrapped = monai(aug).set_random_state(seed=3)
    out = wrapped({"image": image[None], "label": mask[None]})
    seed = int(np.random.RandomState(3).randint(0, 2**63 - 1, dtype=np.int64))
    direct = aug(image=image, mask=mask, rng=seed)
    np.testing.assert_array_equal(out["image"][0], direct["image"])
    np.testing.assert_array_equal(out["label"][0], direct["mask"])
    np.testing.assert_array_equal(out["occluded"][0], direct["occluded"])
    again = monai(aug).set_random_state(seed=3)({"image": image[None], "label": mask[None]})
    np.testing.assert_array_equal(again["image"], out["image"])


def test_types_layouts_and_metadata_are_kept():
    from monai.data import MetaTensor

    image, mask = face()
    affine = torch.eye(4) * 2
    meta = MetaTensor(torch.from_numpy(image)[None], affine=affine, meta={"filename": "f.npy"})
    turn = Rotate(angle=90.0)
    out = monai(turn)({"image": meta, "label": torch.from_numpy(mask)[None]})
    assert isinstance(out["image"], MetaTensor) and out["image"].meta["filename"] == "f.npy"
    assert torch.equal(out["image"].affine, affine)
    assert isinstance(out["label"], torch.Tensor) and out["label"].dtype == torch.uint8
    np.testing.assert_array_equal(out["image"][0].numpy(), turn(image=image)["image"])
    flat = monai(Rotate(angle=90.0), keys=("image",))({"image": image})
    assert isinstance(flat["image"], np.ndarray) and flat["image"].shape == image.shape
    assert flat["occluded"].shape == image.shape and flat["occluded"].dtype == bool


def test_occluded_chains_across_adapters_and_labels_may_be_float():
    image, mask = face()
    hot, cold = ThermalOcclusion(temperature="hot"), ThermalOcclusion(temperature="cold")
    pipeline = mt.Compose([monai(hot), monai(cold)]).set_random_state(seed=9)
    out = pipeline({"image": image[None], "label": mask[None].astype(np.float32)})
    params = [t.transform for t in pipeline.transforms]
    assert params == [hot, cold]
    assert out["label"].dtype == np.float32
    hot_pixels = out["image"][0] > image.max()
    cold_pixels = out["image"][0] < image.min()
    assert hot_pixels.any() and cold_pixels.any()
    np.testing.assert_array_equal(out["occluded"][0], hot_pixels | cold_pixels)


def test_monai_errors():
    image, mask = face()
    with pytest.raises(ValueError, match=r"keys must be \(image_key, label_key\) or "
                                         r"\(image_key,\), got \('a', 'b', 'c'\)"):
        monai(Rotate(), keys=("a", "b", "c"))
    with pytest.raises(KeyError, match="key 'label' is missing from the sample"):
        monai(Rotate())({"image": image})
    assert "label" not in monai(Rotate(), allow_missing_keys=True)({"image": image})
    with pytest.raises(KeyError, match="needs the frame under 'image'"):
        monai(Rotate())({"label": mask})
    with pytest.raises(ValueError, match="label must hold whole class labels"):
        monai(Rotate())({"image": image, "label": mask + 0.5})
    with pytest.raises(ValueError, match=r"image must be one thermal channel.*got shape "
                                         r"\(3, 48, 64\)"):
        monai(Rotate())({"image": np.stack([image] * 3), "label": mask})
    # The occlusion map silently overwrote the frame or the labels.
    for occluded_key, keys in (("image", ("image", "label")), ("label", ("image", "label")),
                               ("frame", ("frame",))):
        with pytest.raises(ValueError, match=re.escape(f"occluded_key must differ from the "
                                                       f"keys {keys!r}, got {occluded_key!r}")):
            monai(Rotate(), keys=keys, occluded_key=occluded_key)


def test_every_adapter_is_documented_where_users_look():
    assert tiaug.integrations.__all__ == ["albumentations", "monai"]
    assert Compose  # the adapters accept any tiaug transform, Compose included

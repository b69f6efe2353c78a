import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaug import (
    Compose,
    GaussianBlur,
    HorizontalFlip,
    NETDNoise,
    RandomOccluders,
    RandomScale,
    Rotate,
    ThermalAmbience,
    ThermalCamera,
    ThermalOcclusion,
    TiAug,
    Transform,
    VerticalFlip,
)
from tiaug.ambience import DEFAULT_CLASSES
from tiaug.datasets import make_face
from tiaug.geometry import GeometricTransform, warp
from tiaug.occlusion import FAMILIES


def face(shape=(40, 48), dtype=np.float32):
    """A warm ellipse with a temperature gradient on a 22 °C background, and its labels."""
    rows, cols = np.mgrid[:shape[0], :shape[1]]
    inside = ((rows - shape[0] / 2) / (0.35 * shape[0])) ** 2 + (
        (cols - shape[1] / 2) / (0.3 * shape[1])) ** 2 <= 1
    image = np.where(inside, 34.0 + 0.05 * rows - 0.03 * cols, 22.0 + 0.01 * cols)
    return image.astype(dtype), inside.astype(np.uint8)


def sequential(transforms, params, image, mask):
    """Apply children one by one with given params (no fusion)."""
    occluded = None
    for t, p in zip(transforms, params, strict=True):
        if p["applied"]:
            image, mask, occluded = t.apply(p, image, mask, occluded)
    return image, mask, occluded


PIPELINE = [HorizontalFlip(p=0.5), Rotate(angle=(-40, 40)), RandomScale(size=(32, 36)),
            GaussianBlur(p=0.5), ThermalOcclusion(p=0.7), NETDNoise(0.1, p=0.5)]


@given(seed=st.integers(0, 2**32), dtype=st.sampled_from([np.float32, np.float64]))
def test_replay_is_exact(seed, dtype):
    image, mask = face(dtype=dtype)
    aug = Compose(PIPELINE)
    out = aug(image=image, mask=mask, rng=seed)
    again = aug.replay(pickle.loads(pickle.dumps(out["params"])), image=image, mask=mask)
    for key in ("image", "mask", "occluded"):
        np.testing.assert_array_equal(again[key], out[key])
    assert out["image"].shape == out["mask"].shape == out["occluded"].shape == (32, 36)


def test_same_seed_same_output_and_generator_advances():
    image, mask = face()
    aug = TiAug()
    a, b = aug(image=image, mask=mask, rng=3), aug(image=image, mask=mask, rng=3)
    np.testing.assert_array_equal(a["image"], b["image"])
    rng = np.random.default_rng(3)
    c, d = aug(image=image, rng=rng), aug(image=image, rng=rng)
    assert not np.array_equal(c["image"], d["image"])


def test_params_layout():
    image, _ = face()
    out = Compose([NETDNoise(p=0.0), GaussianBlur()])(image=image, rng=0)
    assert out["params"]["applied"] is True
    assert out["params"]["transforms"][0] == {"applied": False}
    assert set(out["params"]["transforms"][1]) == {"applied", "sigma"}


def test_skipped_child_draws_nothing_but_its_coin():
    image, _ = face()
    aug = Compose([NETDNoise(p=0.5), GaussianBlur(sigma=(0.5, 3.0))])
    skipped = 0
    for seed in range(20):
        out = aug(image=image, rng=seed)
        if out["params"]["transforms"][0]["applied"]:
            continue
        skipped += 1
        rng = np.random.default_rng(seed)
        rng.random()  # the noise's coin, nothing else
        assert out["params"]["transforms"][1]["sigma"] == rng.uniform(0.5, 3.0)
    assert skipped > 3


def test_skipped_compose_draws_only_its_coin():
    image, mask = face()
    rng, expected = np.random.default_rng(0), np.random.default_rng(0)
    out = Compose([Rotate(), NETDNoise()], p=0.0)(image=image, mask=mask, rng=rng)
    expected.random()
    assert out["params"] == {"applied": False}
    assert rng.bit_generator.state == expected.bit_generator.state
    np.testing.assert_array_equal(out["image"], image)
    assert out["image"] is not image and out["mask"] is not mask
    assert not out["occluded"].any()


@given(seed=st.integers(0, 2**32), dtype=st.sampled_from([np.float32, np.float64]))
def test_fused_chain_is_one_warp_with_the_product_matrix(seed, dtype):
    image, mask = face(dtype=dtype)
    chain = [HorizontalFlip(p=0.5), Rotate(angle=(10, 30), fill=21.0, mask_fill=7),
             VerticalFlip(p=0.5), RandomScale(size=(30, 50), fill=21.0, mask_fill=7),
             Rotate(angle=(-5, 5), fill=21.0, mask_fill=7)]
    out = Compose(chain)(image=image, mask=mask, rng=seed)
    matrix, shape = np.eye(3), image.shape
    for t, p in zip(chain, out["params"]["transforms"], strict=True):
        if p["applied"]:
            a, shape = t.affine(p, shape)  # the last rotation sees the scaled (30, 50) shape
            matrix = a @ matrix
    expected = warp(image, mask, None, matrix, shape, 21.0, 7)
    np.testing.assert_array_equal(out["image"], expected[0])
    np.testing.assert_array_equal(out["mask"], expected[1])
    assert out["image"].dtype == dtype and out["image"].shape == (30, 50)


def test_fused_chain_interpolates_once_and_stays_close_to_sequential():
    image, mask = face(shape=(64, 64), dtype=np.float64)
    chain = [Rotate(angle=(15, 15)), Rotate(angle=(-15, -15))]
    out = Compose(chain)(image=image, mask=mask, rng=0)
    # Rotating there and back in one resampling is the identity; two resamplings blur.
    np.testing.assert_allclose(out["image"], image, atol=1e-9)
    np.testing.assert_array_equal(out["mask"], mask)
    seq, _, _ = sequential(chain, out["params"]["transforms"], image, mask)
    inner = (slice(16, 48), slice(16, 48))
    error = np.abs(seq - image)[inner]
    assert error.max() > 0.1 and error.mean() < 1.0


def test_single_applied_geometric_child_equals_that_child():
    image, mask = face()
    chain = [HorizontalFlip(p=0.0), Rotate(angle=(-30, 30)), VerticalFlip(p=0.0)]
    out = Compose(chain)(image=image, mask=mask, rng=5)
    alone = Rotate().replay(out["params"]["transforms"][1], image=image, mask=mask)
    np.testing.assert_array_equal(out["image"], alone["image"])
    np.testing.assert_array_equal(out["mask"], alone["mask"])


def test_different_fills_are_not_fused():
    image, mask = face()
    chain = [Rotate(angle=(25, 25), fill=10.0), Rotate(angle=(-25, -25), fill="edge")]
    out = Compose(chain)(image=image, mask=mask, rng=0)
    seq, seq_mask, _ = sequential(chain, out["params"]["transforms"], image, mask)
    np.testing.assert_array_equal(out["image"], seq)
    np.testing.assert_array_equal(out["mask"], seq_mask)
    assert out["image"].min() < 21.0  # the first rotation's 10 °C corners bleed in


def test_occluded_is_merged_and_carried_through_geometry():
    image, mask = face(shape=(48, 48))
    occ_a = ThermalOcclusion(temperature="hot", count=2)
    occ_b = ThermalOcclusion(temperature="cold", count=2)
    aug = Compose([occ_a, Rotate(angle=(90, 90)), HorizontalFlip(), occ_b])
    out = aug(image=image, mask=mask, rng=2)
    params = out["params"]["transforms"]
    first = occ_a.replay(params[0], image=image)["occluded"]
    moved = np.fliplr(np.rot90(first))
    second = occ_b.replay(params[3], image=image)["occluded"]
    assert first.any() and second.any() and (moved & ~second).any()
    np.testing.assert_array_equal(out["occluded"], moved | second)
    # Nothing hotter than the input exists outside the (moved) hot occluders.
    assert (out["image"][~out["occluded"]] <= image.max()).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mask_dtype", [np.uint8, np.int64])
def test_dtypes_kept_and_inputs_not_mutated(dtype, mask_dtype):
    image, mask = face(dtype=dtype)
    mask = mask.astype(mask_dtype)
    before, mask_before = image.copy(), mask.copy()
    for seed in range(4):
        out = TiAug()(image=image, mask=mask, rng=seed)
        assert out["image"].dtype == dtype and out["mask"].dtype == mask_dtype
        assert out["occluded"].dtype == bool
    np.testing.assert_array_equal(image, before)
    np.testing.assert_array_equal(mask, mask_before)


def test_nested_and_empty_compose():
    image, mask = face()
    inner = Compose([Rotate(), NETDNoise()])
    aug = Compose([HorizontalFlip(), inner, Compose([])])
    out = aug(image=image, mask=mask, rng=4)
    again = aug.replay(out["params"], image=image, mask=mask)
    np.testing.assert_array_equal(again["image"], out["image"])
    assert out["params"]["transforms"][2] == {"applied": True, "transforms": []}


def test_pickle_keeps_behaviour():
    image, mask = face()
    for aug in (Compose(PIPELINE, p=0.9), TiAug(netd=0.2, occluders="paper", temperature="hot"),
                TiAug(occluders="families", families=("hand", "cup"))):
        copy = pickle.loads(pickle.dumps(aug))
        a, b = aug(image=image, mask=mask, rng=8), copy(image=image, mask=mask, rng=8)
        np.testing.assert_array_equal(a["image"], b["image"])
        assert repr(copy) == repr(aug)


def test_tiaug_defaults_keep_faces_upright_and_draw_the_families():
    aug = TiAug()
    kinds = [type(t) for t in aug.transforms]
    assert kinds == [ThermalAmbience, HorizontalFlip, Rotate, RandomScale, GaussianBlur,
                     RandomOccluders, NETDNoise]
    assert [t.p for t in aug.transforms] == [0.5, 0.5, 0.5, 0.5, 0.0, 0.75, 0.5]
    ambience, flip_h, rot, resize, blur, occlusion, noise = aug.transforms
    assert repr(ambience) == repr(ThermalAmbience(p=0.5))  # its own defaults
    assert rot.angle == (-10.0, 10.0) and resize.scale == (0.8, 1.25)
    assert resize.aspect == (0.9, 1.1) and blur.sigma == (1.0, 1.2)
    assert noise.netd == 0.1 and occlusion.label_policy == aug.label_policy == "ignore"
    assert occlusion.families == FAMILIES == aug.families and aug.temperature is None
    assert repr(aug) == (
        f"TiAug(netd=0.1, occluders='families', families={FAMILIES!r}, temperature=None, "
        "label_policy='ignore', ignore_index=255, fill='edge', mask_fill=0, "
        "angle=(-10.0, 10.0), scale=(0.8, 1.25), p_geometry=0.5, p_blur=0.0, "
        "p_occlusion=0.75, p_noise=0.5, p_ambience=0.5, p_camera=0.0, classes=None, vflip=False, "
        "size=None, p=1.0)")


def test_tiaug_without_the_room_and_body_is_the_chain_before_them():
    aug = TiAug(p_ambience=0.0)
    assert [type(t) for t in aug.transforms] == [HorizontalFlip, Rotate, RandomScale,
                                                 GaussianBlur, RandomOccluders, NETDNoise]
    assert aug.p_ambience == 0.0 and "p_ambience=0.0" in repr(aug)


@pytest.mark.parametrize("p_ambience", [0.25, 0.5, 1.0])
def test_tiaug_draws_as_thermal_ambience_before_tiaug_without_it(p_ambience):
    # The studies train "ThermalAmbience(p) then TiAug(p_ambience=0)": the preset draw for draw.
    image, mask = face()
    chained = Compose([ThermalAmbience(p=p_ambience), TiAug(p_ambience=0.0)])
    for seed in range(6):
        a = TiAug(p_ambience=p_ambience)(image=image, mask=mask, rng=seed)
        b = chained(image=image, mask=mask, rng=seed)
        for key in ("image", "mask", "occluded"):
            np.testing.assert_array_equal(a[key], b[key])


@pytest.mark.parametrize("p_camera", [0.5, 1.0])
def test_tiaug_draws_as_tiaug_without_a_camera_then_thermal_camera(p_camera):
    # The cameras study trains "TiAug(p_camera=0) then ThermalCamera(p)": the preset draw for draw.
    image, mask = face()
    chained = Compose([TiAug(), ThermalCamera(p=p_camera)])
    aug = TiAug(p_camera=p_camera)
    assert isinstance(aug.transforms[-1], ThermalCamera) and aug.p_camera == p_camera
    for seed in range(4):
        a = aug(image=image, mask=mask, rng=seed)
        b = chained(image=image, mask=mask, rng=seed)
        for key in ("image", "mask", "occluded"):
            np.testing.assert_array_equal(a[key], b[key])
    assert not any(isinstance(t, ThermalCamera) for t in TiAug().transforms)
    with pytest.raises(ValueError, match=r"p_camera must be in \[0, 1\], got -1"):
        TiAug(p_camera=-1)


def test_tiaug_classes_place_the_regions_and_the_lenses():
    image, mask = make_face((96, 120), subject=1, rng=0)
    moved = np.where(mask == 3, 7, mask).astype(np.uint8)
    aug = TiAug(classes={"eyes": 7, "nose": 5, "mouth": 2}, p_ambience=0.5)
    assert aug.transforms[0].classes == {"eyes": 7, "nose": 5, "mouth": 2}
    assert aug.transforms[-2].eye_label == 7 and TiAug().transforms[-2].eye_label == 3
    assert "classes={'eyes': 7, 'nose': 5, 'mouth': 2}" in repr(aug)
    assert repr(aug.transforms[0]) == repr(ThermalAmbience(classes=aug.classes, p=0.5))
    assert TiAug(classes=dict(DEFAULT_CLASSES)).classes is None  # the defaults, spelled out
    out = TiAug(p_ambience=1.0, classes=aug.classes)(image=image, mask=moved, rng=0)
    ref = TiAug(p_ambience=1.0)(image=image, mask=mask, rng=0)
    np.testing.assert_array_equal(out["image"], ref["image"])
    np.testing.assert_array_equal(out["occluded"], ref["occluded"])
    with pytest.raises(ValueError, match=r"p_ambience must be in \[0, 1\], got 2"):
        TiAug(p_ambience=2)
    with pytest.raises(ValueError, match="classes may hold the keys"):
        TiAug(classes={"ears": 1})


def test_tiaug_defaults_ignore_the_labels_under_occluders():
    image, mask = face()
    for seed in range(100):
        out = TiAug()(image=image, mask=mask, rng=seed)
        if out["occluded"].any():
            break
    assert out["occluded"].any(), "no seed in 100 drew an occluder"
    assert (out["mask"][out["occluded"]] == 255).all()
    assert np.isin(out["mask"][~out["occluded"]], np.unique(mask)).all()


def test_tiaug_refuses_a_mask_that_cannot_hold_ignore_index_on_every_frame():
    image, mask = face()
    small = mask.astype(np.int8)
    for seed in range(8):  # frames with and without occluders alike
        with pytest.raises(ValueError, match=r"ignore_index=255 does not fit the mask dtype int8"):
            TiAug()(image=image, mask=small, rng=seed)
    out = TiAug(ignore_index=-1)(image=image, mask=small, rng=0)
    assert out["mask"].dtype == np.int8
    assert TiAug(label_policy="keep")(image=image, mask=small, rng=0)["mask"].dtype == np.int8
    assert TiAug()(image=image, rng=0)["image"].shape == image.shape


def test_tiaug_refuses_a_mask_that_cannot_hold_mask_fill_on_every_frame():
    # Like ignore_index: mask_fill=-1 with a uint8 mask failed only on the frames whose geometry
    # ran (5 of 8 seeds).
    image, mask = face()
    for seed in range(8):  # frames with and without geometry alike
        with pytest.raises(ValueError, match=r"mask_fill=-1 does not fit the mask dtype uint8 "
                                             r"\(range 0\.\.255\)"):
            TiAug(mask_fill=-1)(image=image, mask=mask, rng=seed)
    assert TiAug(mask_fill=-1)(image=image, rng=0)["image"].shape == image.shape
    out = TiAug(mask_fill=-1, ignore_index=-1)(image=image, mask=mask.astype(np.int8), rng=0)
    assert out["mask"].dtype == np.int8


class _ContentRotate(Rotate):
    """Samples from the frame (overrides sample): Compose calls it on its own, unfused."""

    def sample(self, image, mask, rng):
        return super().sample(image, mask, rng)


@pytest.mark.parametrize("geometry", [Rotate(mask_fill=-1, p=0.0),
                                      RandomScale(mask_fill=-1, p=0.0),
                                      _ContentRotate(mask_fill=-1, p=0.0)])
def test_a_skipped_geometric_transform_still_refuses_a_mask_that_cannot_hold_mask_fill(geometry):
    image, mask = face()
    for call in (lambda: geometry(image=image, mask=mask, rng=0),
                 lambda: Compose([geometry])(image=image, mask=mask, rng=0),
                 lambda: Compose([HorizontalFlip(), geometry])(image=image, mask=mask, rng=0),
                 lambda: geometry.replay({"applied": False}, image=image, mask=mask)):
        with pytest.raises(ValueError, match=r"mask_fill=-1 does not fit the mask dtype uint8"):
            call()


@pytest.mark.parametrize("occluder", [RandomOccluders(label_policy="ignore", p=0.0),
                                      ThermalOcclusion(label_policy="ignore", p=0.0)])
def test_a_skipped_occluder_still_refuses_a_mask_that_cannot_hold_ignore_index(occluder):
    image, mask = face()
    small = mask.astype(np.int8)
    for call in (lambda: occluder(image=image, mask=small, rng=0),
                 lambda: Compose([occluder])(image=image, mask=small, rng=0),
                 lambda: occluder.replay({"applied": False}, image=image, mask=small)):
        with pytest.raises(ValueError, match=r"ignore_index=255 does not fit the mask dtype int8"):
            call()


def test_tiaug_paper_occluders_keep_the_defaults_geometry():
    aug = TiAug(occluders="paper")
    occlusion = aug.transforms[-2]
    assert type(occlusion) is ThermalOcclusion and occlusion.p == aug.p_occlusion == 0.75
    assert occlusion.temperature == aug.temperature == "any" and aug.families is None
    assert aug.angle == (-10.0, 10.0) and aug.label_policy == "ignore"


def test_tiaug_draws_the_occluder_families():
    aug = TiAug(occluders="families", label_policy="ignore", ignore_index=99)
    occlusion = aug.transforms[-2]
    assert type(occlusion) is RandomOccluders and occlusion.p == 0.75
    assert occlusion.families == FAMILIES == aug.families and aug.temperature is None
    assert occlusion.label_policy == "ignore" and occlusion.ignore_index == 99
    assert TiAug(occluders="families", families=["hand", "cup"]).transforms[-2].families == (
        "hand", "cup")
    assert repr(aug).startswith(
        f"TiAug(netd=0.1, occluders='families', families={FAMILIES!r}, temperature=None, "
        "label_policy='ignore', ignore_index=99,")
    image, mask = face()
    out = aug(image=image, mask=mask, rng=4)
    again = aug.replay(out["params"], image=image, mask=mask)
    np.testing.assert_array_equal(out["image"], again["image"])
    np.testing.assert_array_equal(out["mask"], again["mask"])


def test_tiaug_paper_is_the_papers_pipeline():
    aug = TiAug.paper()
    kinds = [type(t) for t in aug.transforms]
    assert kinds == [HorizontalFlip, VerticalFlip, Rotate, RandomScale, GaussianBlur,
                     ThermalOcclusion, NETDNoise]
    assert [t.p for t in aug.transforms] == [0.5, 0.5, 1.0, 1.0, 0.5, 0.5, 0.5]
    _, _, rot, resize, _, occlusion, _ = aug.transforms
    assert rot.angle == (-30.0, 30.0) and resize.scale == (0.5, 2.0)
    assert occlusion.temperature == "any" and aug.families is None
    assert occlusion.label_policy == aug.label_policy == "keep"
    assert type(aug) is TiAug and TiAug.paper(angle=(0, 360)).angle == (0.0, 360.0)
    image, mask = face()
    out = aug(image=image, mask=mask, rng=5)
    again = aug.replay(out["params"], image=image, mask=mask)
    np.testing.assert_array_equal(out["image"], again["image"])
    with pytest.raises(TypeError, match="vflip must be True or False, got 1"):
        TiAug(vflip=1)
    with pytest.raises(ValueError, match=r"p_occlusion must be in \[0, 1\], got 1.5"):
        TiAug(p_occlusion=1.5)
    with pytest.raises(ValueError, match=r"p_geometry must be in \[0, 1\], got -1"):
        TiAug(p_geometry=-1)
    with pytest.raises(ValueError, match=r"p_blur must be in \[0, 1\], got 2"):
        TiAug(p_blur=2)
    with pytest.raises(ValueError, match=r"p_noise must be in \[0, 1\], got -0.5"):
        TiAug(p_noise=-0.5)
    with pytest.raises(ValueError, match="occluders must be one of 'paper', 'families', got 'x'"):
        TiAug(occluders="x")
    with pytest.raises(ValueError, match=r"temperature sets the paper's occluders .* got "
                                         r"temperature='hot'"):
        TiAug(occluders="families", temperature="hot")
    with pytest.raises(ValueError, match=r"families chooses the occluder families .* with "
                                         r"occluders='paper'"):
        TiAug(occluders="paper", families=("cup",))
    with pytest.raises(ValueError, match="families"):
        TiAug(occluders="families", families=("teapot",))


def test_tiaug_forwards_its_knobs():
    aug = TiAug(netd=0.05, occluders="paper", temperature=(40, 60), label_policy="ignore",
                ignore_index=99,
                fill=20.0, mask_fill=99, angle=(0, 360), scale=1.0, p_geometry=1.0,
                p_blur=0.0, p_occlusion=0.25, p_noise=1.0, p_ambience=0.75, size=(24, 32))
    ambience, _, rot, resize, blur, occlusion, noise = aug.transforms
    assert ambience.p == aug.p_ambience == 0.75 and ambience.ignore_index == 99
    assert noise.netd == 0.05 and occlusion.temperature == (40.0, 60.0)
    assert occlusion.ignore_index == 99 and rot.fill == resize.fill == 20.0
    assert rot.mask_fill == resize.mask_fill == 99 and rot.angle == (0.0, 360.0)
    assert rot.p == resize.p == 1.0 and occlusion.p == aug.p_occlusion == 0.25
    assert blur.p == aug.p_blur == 0.0 and noise.p == aug.p_noise == 1.0
    image, mask = face()
    out = aug(image=image, mask=mask, rng=0)
    assert out["image"].shape == out["mask"].shape == (24, 32)


@given(seed=st.integers(0, 2**32))
def test_tiaug_noise_is_last_and_bounded(seed):
    # Eq. 4: the noise is added on top of the occluded frame, never more than netd.
    image, mask = face()
    aug = TiAug()
    out = aug(image=image, mask=mask, rng=seed)
    params = out["params"]
    quiet = {**params, "transforms": params["transforms"][:-1] + [{"applied": False}]}
    before_noise = aug.replay(quiet, image=image, mask=mask)
    diff = np.abs(out["image"].astype(np.float64) - before_noise["image"])
    assert diff.max() <= 0.1
    np.testing.assert_array_equal(out["occluded"], before_noise["occluded"])


def test_errors():
    with pytest.raises(TypeError, match="transforms must be a list of tiaug transforms, got str"):
        Compose("rotate")
    with pytest.raises(TypeError, match=r"transforms\[1\] must be a tiaug Transform .*got int"):
        Compose([Rotate(), 3])
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\], got 2"):
        Compose([], p=2)
    image, _ = face()
    aug = Compose([Rotate(), NETDNoise()])
    with pytest.raises(ValueError, match=r"params\['transforms'\] must hold one params dict per "
                                         r"transform \(2\)"):
        aug.replay({"applied": True, "transforms": [{"applied": False}]}, image=image)
    with pytest.raises(TypeError, match="params must be the 'params' dict"):
        aug.replay([], image=image)
    with pytest.raises(ValueError, match=r"netd must be in \[0, 10000\], got -1"):
        TiAug(netd=-1)
    with pytest.raises(ValueError, match="label_policy must be one of"):
        TiAug(label_policy="drop")
    # The warp's determinant underflowed and reached the kernel: a segfault.
    with pytest.raises(ValueError, match=r"scale\[0\] must be in \[0.01, 100\], got 1e-200"):
        TiAug(scale=1e-200)
    aug = Compose([Rotate(), NETDNoise()])
    with pytest.raises(ValueError, match=r"params\['angle'\] must be finite, got nan"):
        aug.replay({"applied": True, "transforms": [{"applied": True, "angle": float("nan")},
                                                    {"applied": False}]}, image=image)


# ------------------------------------------------ one call path: public methods, occluded=


class CentreOnLabel(GeometricTransform):
    """A content-aware shift: moves the labelled region's centroid to the frame's centre, plus
    a random jitter. It overrides ``sample`` (it needs the labels), so Compose does not fuse it."""

    def sample(self, image, mask, rng):
        rows, cols = np.nonzero(mask) if mask is not None else ((), ())
        centre = ((image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2)
        if len(rows) == 0:
            return {"shift": (0.0, 0.0)}
        jitter = rng.uniform(-1.0, 1.0, 2)
        return {"shift": (round(centre[0] - rows.mean() + jitter[0]),
                          round(centre[1] - cols.mean() + jitter[1]))}

    def affine(self, params, shape):
        matrix = np.eye(3)
        matrix[:2, 2] = params["shift"]
        return matrix, tuple(shape)


class RecordingShift(GeometricTransform):
    """A shape-only shift that records the shapes it was sampled for."""

    def __init__(self):
        super().__init__()
        self.shapes = []

    def sample_geometry(self, shape, rng):
        self.shapes.append(tuple(shape))
        return {"shift": (float(rng.uniform(-2, 2)), float(rng.uniform(-2, 2)))}

    def affine(self, params, shape):
        matrix = np.eye(3)
        matrix[:2, 2] = params["shift"]
        return matrix, tuple(shape)


def off_centre_face():
    image, mask = face(shape=(40, 48))
    return np.roll(image, (-6, -8), axis=(0, 1)), np.roll(mask, (-6, -8), axis=(0, 1))


def test_content_aware_geometry_samples_the_same_inside_compose():
    image, mask = off_centre_face()
    shift = CentreOnLabel()
    alone = shift(image=image, mask=mask, rng=0)
    assert alone["params"]["shift"] != (0.0, 0.0)  # it did see the labels
    inside = Compose([shift, Rotate(angle=0.0), NETDNoise(0.0)])(image=image, mask=mask, rng=0)
    assert inside["params"]["transforms"][0] == alone["params"]
    np.testing.assert_array_equal(inside["mask"], alone["mask"])
    np.testing.assert_array_equal(inside["image"], alone["image"])


def test_content_aware_geometry_sees_the_frame_an_earlier_transform_made():
    image, mask = off_centre_face()
    flip, shift = HorizontalFlip(), CentreOnLabel()
    out = Compose([flip, shift])(image=image, mask=mask, rng=1)
    by_hand = flip(image=image, mask=mask, rng=None)
    expected = shift(image=by_hand["image"], mask=by_hand["mask"], rng=1)
    assert out["params"]["transforms"][1] == expected["params"]
    np.testing.assert_array_equal(out["mask"], expected["mask"])


def test_shape_only_geometry_is_fused_and_sampled_with_the_running_shape():
    image, mask = face()
    shift = RecordingShift()
    chain = [RandomScale(size=(30, 50)), shift, Rotate(angle=(5, 10))]
    out = Compose(chain)(image=image, mask=mask, rng=3)
    assert shift.shapes == [(30, 50)]
    # Fused: one warp with the product matrix, the same draws as the transforms in turn.
    matrix, shape = np.eye(3), image.shape
    for t, p in zip(chain, out["params"]["transforms"], strict=True):
        a, shape = t.affine(p, shape)
        matrix = a @ matrix
    np.testing.assert_array_equal(out["image"], warp(image, mask, None, matrix, shape, "edge",
                                                      0)[0])
    rng = np.random.default_rng(3)
    by_hand = [t(image=np.zeros(s), rng=rng)["params"]
               for t, s in zip(chain, [image.shape, (30, 50), (30, 50)], strict=True)]
    assert by_hand == out["params"]["transforms"]


class Spy(NETDNoise):
    """Records how Compose reaches it: only through the public call and replay."""

    def __init__(self):
        super().__init__(netd=0.1)
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(("call", sorted(kwargs)))
        return super().__call__(**kwargs)

    def replay(self, params, **kwargs):
        self.calls.append(("replay", sorted(kwargs)))
        return super().replay(params, **kwargs)


def test_compose_reaches_children_through_their_public_methods():
    image, mask = face()
    spy = Spy()
    aug = Compose([ThermalOcclusion(), spy])
    out = aug(image=image, mask=mask, rng=0)
    aug.replay(out["params"], image=image, mask=mask)
    keys = ["image", "mask", "occluded"]
    assert spy.calls == [("call", keys + ["rng"]), ("replay", keys)]


def test_a_spy_is_called_even_when_its_coin_skips_it():
    image, mask = face()
    spy = Spy()
    spy.p = 0.0
    out = Compose([spy])(image=image, mask=mask, rng=0)
    assert spy.calls == [("call", ["image", "mask", "occluded", "rng"])]
    assert out["params"]["transforms"] == [{"applied": False}]


class Counting(NETDNoise):
    """Counts its samples: a subclass that keeps the base class's calling machinery."""

    samples = 0

    def sample(self, image, mask, rng):
        type(self).samples += 1
        return super().sample(image, mask, rng)


@given(seed=st.integers(0, 2**32), p=st.sampled_from([0.0, 0.3, 0.7, 1.0]))
def test_children_called_in_turn_by_hand_give_what_compose_gives(seed, p):
    # Compose draws the children's coins itself and calls only those that apply; the output,
    # the params and the generator's state afterwards are those of calling each child in turn.
    image, mask = face()
    chain = [Counting(0.1, p=p), GaussianBlur(p=p), ThermalOcclusion(p=p), NETDNoise(p=p)]
    rng = np.random.default_rng(seed)
    composed = Compose(chain)(image=image, mask=mask, rng=rng)
    by_hand_rng = np.random.default_rng(seed)
    out = {"image": image, "mask": mask, "occluded": None}
    params = []
    for t in chain:
        out = t(image=out["image"], mask=out["mask"], occluded=out["occluded"], rng=by_hand_rng)
        params.append(out["params"])
    for key in ("image", "mask", "occluded"):
        np.testing.assert_array_equal(composed[key], out[key])
    assert [c["applied"] for c in composed["params"]["transforms"]] == [
        c["applied"] for c in params]
    assert rng.bit_generator.state == by_hand_rng.bit_generator.state


def test_a_skipped_child_is_not_called(monkeypatch):
    # Not called: the frame is checked by Compose's own call and by the child that applies.
    import tiaug._base

    checked = []
    check = tiaug._base.check_image
    monkeypatch.setattr(tiaug._base, "check_image", lambda a: checked.append(a) or check(a))
    image, mask = face()
    Counting.samples = 0
    aug = Compose([Counting(0.1, p=0.0), GaussianBlur(p=0.0), Counting(0.1, p=1.0)])
    out = aug(image=image, mask=mask, rng=0)
    assert len(checked) == 2 and Counting.samples == 1
    assert out["params"]["transforms"][:2] == [{"applied": False}] * 2
    assert out["image"] is not image and out["mask"] is not mask


def test_occluded_chains_transforms_called_in_turn_like_compose():
    image, mask = face(shape=(48, 48))
    hot = ThermalOcclusion(temperature="hot", count=2)
    turn = Rotate(angle=(90, 90))
    cold = ThermalOcclusion(temperature="cold", count=2)
    composed = Compose([hot, turn, cold])(image=image, mask=mask, rng=5)
    rng = np.random.default_rng(5)
    out = hot(image=image, mask=mask, rng=rng)
    for t in (turn, cold):
        out = t(image=out["image"], mask=out["mask"], occluded=out["occluded"], rng=rng)
    for key in ("image", "mask", "occluded"):
        np.testing.assert_array_equal(out[key], composed[key])
    first = hot.replay(composed["params"]["transforms"][0], image=image)["occluded"]
    assert (np.rot90(first) & ~cold.replay(composed["params"]["transforms"][2],
                                           image=image)["occluded"]).any()


def test_occluded_is_ored_carried_and_never_the_callers_array():
    image, mask = face()
    given = np.zeros(image.shape, bool)
    given[:5, :7] = True
    before = given.copy()
    blurred = GaussianBlur()(image=image, occluded=given, rng=0)
    np.testing.assert_array_equal(blurred["occluded"], given)
    assert blurred["occluded"] is not given
    flipped = HorizontalFlip()(image=image, occluded=given)
    np.testing.assert_array_equal(flipped["occluded"], given[:, ::-1])
    occ = ThermalOcclusion(count=1)
    painted = occ(image=image, occluded=given, rng=2)
    new = occ.replay(painted["params"], image=image)["occluded"]
    np.testing.assert_array_equal(painted["occluded"], given | new)
    again = occ.replay(painted["params"], image=image, occluded=given)
    np.testing.assert_array_equal(again["occluded"], painted["occluded"])
    np.testing.assert_array_equal(given, before)
    skipped = TiAug(p=0.0)(image=image, occluded=given, rng=0)
    np.testing.assert_array_equal(skipped["occluded"], given)
    assert skipped["occluded"] is not given


@pytest.mark.parametrize("t", [Rotate(), NETDNoise(), Compose([Rotate()])])
def test_occluded_is_checked_like_mask(t):
    image, _ = face()
    with pytest.raises(TypeError, match=r"occluded must be a bool numpy.ndarray or None \(True "
                                        r"at occluded pixels\), got dtype uint8"):
        t(image=image, occluded=np.zeros(image.shape, np.uint8))
    with pytest.raises(TypeError, match="occluded must be a bool numpy.ndarray or None .*got list"):
        t(image=image, occluded=[[True]])
    with pytest.raises(ValueError, match=r"occluded must have the image's shape \(40, 48\), "
                                         r"got \(4, 4\)"):
        t.replay({"applied": False}, image=image, occluded=np.zeros((4, 4), bool))


def test_every_public_module_is_an_attribute_of_tiaug_without_importing_it():
    import subprocess
    import sys

    code = ("import sys, tiaug\n"
            "assert tiaug.geometry.GeometricTransform and tiaug.occlusion.Eyeglasses\n"
            "assert tiaug.noise.add_noise and tiaug.blur.gaussian_blur and tiaug.compose.TiAug\n"
            "assert {'geometry', 'occlusion'} <= set(dir(tiaug))\n"
            "assert 'torch' not in sys.modules and 'albumentations' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.parametrize("aug", [
    TiAug(size=(24, 30), p=0.5),
    Compose([Rotate(p=0.5), RandomScale(size=(24, 30), p=0.5), NETDNoise(p=0.5)]),
    Compose([RandomScale(size=(24, 30), p=0.5)], p=0.5),
], ids=["TiAug", "Compose", "skipped Compose"])
def test_fixed_size_holds_when_skipped(aug):
    # Skipped, the preset and RandomScale returned the input's size: batches failed to collate.
    image, mask = face()
    resize = next(i for i, t in enumerate(aug.transforms) if isinstance(t, RandomScale))
    skipped = 0
    for seed in range(12):
        out = aug(image=image, mask=mask, rng=seed)
        assert out["image"].shape == out["mask"].shape == out["occluded"].shape == (24, 30)
        again = aug.replay(out["params"], image=image, mask=mask)
        assert again["image"].tobytes() == out["image"].tobytes()
        params = out["params"]
        skipped += not params["applied"] or not params["transforms"][resize]["applied"]
    assert skipped  # the resize (or the whole chain) was skipped at least once
    crop = RandomScale(scale=1.0, aspect=1.0, size=(24, 30))(image=image, mask=mask, rng=0)
    out = aug.replay({"applied": False}, image=image, mask=mask)
    np.testing.assert_array_equal(out["image"], crop["image"])
    np.testing.assert_array_equal(out["mask"], crop["mask"])


def test_tiaug_parameters_are_fixed_once_built():
    # An assignment used to change the repr and not the children.
    aug = TiAug()
    with pytest.raises(AttributeError, match=r"TiAug's netd is fixed when the preset is built; "
                                             r"build a new one instead, e.g. TiAug\(netd=5.0"):
        aug.netd = 5.0
    with pytest.raises(AttributeError, match="p_ambience is fixed"):
        aug.p_ambience = 1.0
    assert aug.netd == 0.1 and aug.transforms[-1].netd == 0.1
    aug.p = 0.5  # the chain's own coin, as for every Compose
    assert aug.p == 0.5 and "p=0.5)" in repr(aug)
    again = pickle.loads(pickle.dumps(aug))
    assert repr(again) == repr(aug)
    with pytest.raises(AttributeError, match="fill is fixed"):
        again.fill = 0.0


class _WarmFlip(HorizontalFlip):
    """A flip that also warms the frame: its apply is not the affine map alone."""

    def apply(self, params, image, mask, occluded):
        image, mask, occluded = super().apply(params, image, mask, occluded)
        return image + 1.0, mask, occluded


def test_a_geometric_transform_with_its_own_apply_is_not_fused():
    # Fused with the rotation, the warming was skipped: +1 °C alone, +0 °C in the chain.
    image, mask = face()
    alone = _WarmFlip()(image=image, mask=mask, rng=0)
    chained = Compose([_WarmFlip(), Rotate(angle=0.0)])(image=image, mask=mask, rng=0)
    np.testing.assert_allclose(alone["image"], np.flip(image, 1) + 1.0)
    np.testing.assert_allclose(chained["image"], alone["image"], atol=1e-5)
    np.testing.assert_array_equal(chained["mask"], alone["mask"])
    again = Compose([_WarmFlip(), Rotate(angle=0.0)]).replay(
        Compose([_WarmFlip(), Rotate(angle=0.0)])(image=image, mask=mask, rng=0)["params"],
        image=image, mask=mask)
    np.testing.assert_array_equal(again["image"], chained["image"])


class _Crop(Transform):
    """A user transform with a fixed output size, also when its coin skips it."""

    def sample(self, image, mask, rng):
        return {}

    def apply(self, params, image, mask, occluded):
        return self.skip(image, mask, occluded)

    def skip(self, image, mask, occluded):
        return tuple(None if a is None else a[:8, :10].copy() for a in (image, mask, occluded))


def test_compose_reaches_children_through_their_public_hooks():
    image, mask = face()
    for seed in range(6):  # skipped and applied alike
        out = Compose([_Crop(p=0.5), NETDNoise(p=0.5)])(image=image, mask=mask, rng=seed)
        assert out["image"].shape == out["mask"].shape == out["occluded"].shape == (8, 10)
    with pytest.raises(TypeError, match="params must be the 'params' dict"):
        _Crop().check_params(None)
    assert RandomScale(scale=1.0, aspect=1.0, size=(20, 24)).skip_affine((40, 48))[1] == (20, 24)


def test_replay_does_not_call_a_child_the_coin_skipped():
    # A child the call's coin skipped is not called by its replay either (a replay of a call
    # that succeeded used to call it, and fail on checks the call never made).
    calls = []

    class Counting(GaussianBlur):
        def apply(self, params, image, mask, occluded):
            calls.append(1)
            return super().apply(params, image, mask, occluded)

    aug = Compose([Rotate(angle=(45.0, 45.0)), Counting(p=0.5)])
    image = np.full((24, 30), 30.0, np.float32)
    for seed in range(12):
        out = aug(image=image, rng=seed)
        if out["params"]["transforms"][1] == {"applied": False}:
            calls.clear()
            again = aug.replay(out["params"], image=image)
            np.testing.assert_array_equal(again["image"], out["image"])
            assert not calls


def test_a_valid_frame_never_fails_mid_pipeline():
    # The rotation takes the only cold pixel out of the frame: the next child used to refuse the
    # 250 °C frame that is left (a frame in kelvin?). It is warned about, and augmented.
    image = np.full((24, 30), 250.0, np.float32)
    image[0, 0] = 20.0
    aug = TiAug(angle=(45.0, 45.0), p_geometry=1.0, p_noise=1.0)
    for seed in range(8):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            out = aug(image=image, rng=seed)
            again = aug.replay(out["params"], image=image)
        np.testing.assert_array_equal(again["image"], out["image"])

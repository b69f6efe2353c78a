import inspect

import numpy as np
import pytest

import tiaug.functional as F
from tiaug import ambience, blur, camera, geometry, noise, occlusion

EXPECTED = {
    "hflip": geometry, "vflip": geometry, "rotate": geometry, "scale": geometry,
    "warp_affine": geometry, "gaussian_blur": blur, "add_noise": noise,
    "draw_occluders": occlusion, "occlude": occlusion, "ambience": ambience,
    "reimage": camera,
}


def test_reexports_every_functional_op_of_the_topic_modules():
    assert sorted(F.__all__) == sorted(EXPECTED)
    for name, module in EXPECTED.items():
        assert getattr(F, name) is getattr(module, name)
        assert getattr(F, name).__doc__


def test_ops_run_on_one_frame():
    temps = np.linspace(20.0, 36.0, 12 * 16, dtype=np.float32).reshape(12, 16)
    labels = (temps > 28).astype(np.uint8)
    assert np.array_equal(F.hflip(temps)["image"], temps[:, ::-1])
    assert np.array_equal(F.vflip(temps, mask=labels)["mask"], labels[::-1])
    assert F.rotate(temps, 10.0)["image"].dtype == np.float32
    assert F.scale(temps, 2.0, size=(6, 8))["image"].shape == (6, 8)
    assert F.warp_affine(temps, np.eye(3))["image"].shape == temps.shape
    assert np.abs(F.add_noise(temps, 0.1, rng=0)["image"] - temps).max() <= 0.1
    assert F.gaussian_blur(temps, 1.0)["image"].dtype == np.float32
    box = {"shapes": [{"type": "polygon", "vertices": [[2, 2], [2, 6], [6, 6], [6, 2]]}],
           "temperature": 60.0}
    (drawn,) = F.draw_occluders(temps.shape, [box])
    painted = F.occlude(temps, [box])
    assert drawn.sum() == 16 and np.array_equal(painted["occluded"], drawn)  # half-open: 4 x 4
    assert (painted["image"][drawn] == 60.0).all()


BOX = {"shapes": [{"type": "polygon", "vertices": [[2, 2], [2, 6], [6, 6], [6, 2]]}],
       "temperature": 60.0}
# Every frame op with its own parameters, called the one way.
OPS = {
    "hflip": (), "vflip": (), "rotate": (33.0,), "scale": (1.3,), "warp_affine": (np.eye(3),),
    "gaussian_blur": (1.1,), "add_noise": (0.1, 0), "occlude": ([BOX],),
    "ambience": (30.0, [{"center": (5, 5), "radius": 4.0, "delta": 1.0}]),
    "reimage": ("lepton", 0.07, 0.5, 1.01, (0.98, 0.96), 0.2, 3),
}


def frame_ops():
    return [name for name in F.__all__ if name != "draw_occluders"]


def test_every_op_but_the_rasteriser_follows_the_rule():
    assert sorted(OPS) == sorted(frame_ops())
    for name in frame_ops():
        params = inspect.signature(getattr(F, name)).parameters
        kinds = {p.name: p.kind for p in params.values()}
        assert next(iter(params)) == "image", name
        assert kinds["mask"] == kinds["occluded"] == inspect.Parameter.KEYWORD_ONLY, name
        positional = [n for n, k in kinds.items() if k != inspect.Parameter.KEYWORD_ONLY]
        assert len(positional) == 1 + len(OPS[name]), name


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("with_mask", [False, True])
@pytest.mark.parametrize("with_occluded", [False, True])
def test_every_op_takes_and_returns_the_same_things(name, with_mask, with_occluded):
    op = getattr(F, name)
    temps = np.linspace(20.0, 36.0, 12 * 16).reshape(12, 16)
    labels = (temps > 28).astype(np.uint8)
    occluded = np.zeros(temps.shape, bool)
    occluded[5:9, 9:12] = True
    kwargs = {}
    if with_mask:
        kwargs["mask"] = labels
    if with_occluded:
        kwargs["occluded"] = occluded
    before = {k: v.copy() for k, v in kwargs.items()}
    out = op(temps, *OPS[name], **kwargs)
    assert sorted(out) == sorted(["image", "occluded"] + (["mask"] if with_mask else []))
    assert out["image"].dtype == temps.dtype and out["occluded"].dtype == bool
    assert out["occluded"].shape == out["image"].shape
    if with_mask:
        assert out["mask"].dtype == labels.dtype and out["mask"].shape == out["image"].shape
    for key, value in kwargs.items():
        np.testing.assert_array_equal(value, before[key])  # inputs untouched ...
        assert out[key] is not value  # ... and never handed back
    assert out["image"] is not temps
    if name in ("gaussian_blur", "add_noise", "occlude"):
        # Ops that move nothing keep the map (OR-ed with new occluders by occlude).
        assert (out["occluded"] >= (occluded if with_occluded else False)).all()
    # The output is the next op's input.
    again = F.hflip(**out)
    np.testing.assert_array_equal(again["image"], out["image"][:, ::-1])


def test_ops_compute_what_the_transforms_compute():
    from tiaug import GaussianBlur, Rotate

    temps = np.linspace(20.0, 36.0, 12 * 16, dtype=np.float32).reshape(12, 16)
    labels = (temps > 28).astype(np.uint8)
    alone = Rotate(angle=17.0)(image=temps, mask=labels)
    op = F.rotate(temps, 17.0, mask=labels)
    for key in ("image", "mask", "occluded"):
        np.testing.assert_array_equal(op[key], alone[key])
    np.testing.assert_array_equal(F.gaussian_blur(temps, 1.1)["image"],
                                  GaussianBlur(sigma=1.1)(image=temps)["image"])


def test_draw_occluders_is_the_one_op_without_a_frame():
    assert list(inspect.signature(F.draw_occluders).parameters) == ["shape", "objects"]
    masks = F.draw_occluders((12, 16), [BOX, BOX])
    assert masks.shape == (2, 12, 16) and masks.dtype == bool

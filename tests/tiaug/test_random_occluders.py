"""RandomOccluders and its families: a slow reference of the compositing, the contract and the
physical properties (class temperature ranges, untouched pixels, resolution independence)."""

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

import tiaug
from tiaug import Compose, NETDNoise, RandomOccluders
from tiaug._kernels.composite import footprint, shade
from tiaug._kernels.occlusion import rasterise
from tiaug.datasets import make_face
from tiaug.occlusion import FAMILIES, draw_occluders, scene_temperatures
from tiaug.occlusion._families import class_range
from tiaug.occlusion._schema import pack

DTYPES = [np.float32, np.float64]
CONTACT = ("hand", "glasses", "mask", "scarf", "phone")
_FACES = {}


def face(shape=(64, 80), seed=0):
    key = (shape, seed)
    if key not in _FACES:
        _FACES[key] = make_face(shape, rng=seed)
    temps, labels = _FACES[key]
    return temps.copy(), labels.copy()


def coverage(shape, part):
    return draw_occluders(shape, [{"shapes": part["shapes"], "temperature": 0.0}])[0]


def field_values(shape, part):
    """The part's clamped temperature field at every pixel of its bounding box (the kernel's
    texture sampling grid starts at the box's corner), zero elsewhere."""
    f = part["field"]
    (ar, ac), (br, bc) = f["axis"]
    len2 = (br - ar) ** 2 + (bc - ac) ** 2
    r0, c0, buf = rasterise(*shape, *pack(part))
    cover, premult = np.zeros(shape), np.zeros(shape)
    with np.errstate(over="ignore"):
        shade(cover, premult, 0, 0, r0, c0, np.ones(buf.shape, bool), 1.0, ar, ac,
              (br - ar) / len2, (bc - ac) / len2, np.array(f["profile"], float),
              np.array(f["bumps"], float).reshape(-1, 6), np.array(f["texture"], float),
              f["seed"], *f["range"])
    return premult


def reference(image, mask, params, label):
    """Whole-frame float64 compositing: coverage and premultiplied radiance over the full frame,
    blurred with scipy (edge mode nearest), laid over the face. Also returns the coverages and
    the footprint region."""
    out = image.astype(np.float64)
    occluded = np.zeros(image.shape, bool)
    labels = None if mask is None else mask.copy()
    reach = np.zeros(image.shape, bool)
    covers = []
    rr, cc = np.mgrid[:image.shape[0], :image.shape[1]]
    for obj in params["objects"]:
        for r0, c0, a, b, angle, _ in obj["footprint"]:
            u = ((rr - r0) * math.cos(angle) + (cc - c0) * math.sin(angle)) / a
            v = ((cc - c0) * math.cos(angle) - (rr - r0) * math.sin(angle)) / b
            reach |= u * u + v * v < 1
        if len(obj["footprint"]):
            footprint(out, np.array(obj["footprint"], float), params["ambient"], params["skin"],
                      -273.15, 1e4)
        if obj["removed"]:
            continue
        cover, premult = np.zeros(image.shape), np.zeros(image.shape)
        for part in obj["parts"]:
            inside = coverage(image.shape, part)
            a = part["opacity"]
            t = field_values(image.shape, part)
            premult[inside] = a * t[inside] + (1 - a) * premult[inside]
            cover[inside] = a + (1 - a) * cover[inside]
        sigma = obj["sigma"]
        if sigma > 0:
            x = np.arange(-math.ceil(3 * sigma), math.ceil(3 * sigma) + 1)
            w = np.exp(-0.5 * (x / sigma) ** 2)
            w /= w.sum()
            for arr in (cover, premult):
                arr[:] = ndimage.correlate1d(arr, w, axis=0, mode="nearest")
                arr[:] = ndimage.correlate1d(arr, w, axis=1, mode="nearest")
        lo = min(p["field"]["range"][0] for p in obj["parts"])
        hi = max(p["field"]["range"][1] for p in obj["parts"])
        on = cover > 0
        v = out * (1 - cover) + premult
        out[on] = np.clip(v, np.minimum(out, lo), np.maximum(out, hi))[on]
        occluded |= cover >= 0.5
        if labels is not None and label is not None:
            labels[cover >= 0.5] = label
        covers.append(cover)
        reach |= on
    return out, labels, occluded, covers, reach


# --------------------------------------------------------------------------- reference


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=8)
@given(seed=st.integers(0, 2**32 - 1), labelled=st.booleans())
def test_matches_the_whole_frame_reference(family, dtype, seed, labelled):
    temps, labels = face(seed=seed % 3)
    temps = temps.astype(dtype)
    mask = labels if labelled else None
    t = RandomOccluders(families=(family,), count=(1, 2), footprint=0.5, residual=0.3,
                        label_policy="ignore")
    out = t(image=temps, mask=mask, rng=seed)
    ref, ref_labels, ref_occ, covers, reach = reference(temps, mask, out["params"], 255)
    tol = 5e-3 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(out["image"], ref, rtol=0, atol=tol)
    # Outside the occluders' blurred coverage and the footprints: bit-identical.
    assert out["image"][~reach].tobytes() == temps[~reach].tobytes()
    # Occluded: coverage >= 0.5 (rounding may decide pixels within 1e-4 of the threshold).
    near = np.zeros(temps.shape, bool)
    for cover in covers:
        near |= np.abs(cover - 0.5) < 1e-4
    np.testing.assert_array_equal(out["occluded"][~near], ref_occ[~near])
    if labelled:
        np.testing.assert_array_equal(out["mask"][~near], ref_labels[~near])
        np.testing.assert_array_equal(out["mask"] == 255, out["occluded"])


# --------------------------------------------------------------------------- contract


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_contract(family, dtype):
    temps, labels = face((48, 64), seed=1)
    temps = temps.astype(dtype)
    temps0, labels0 = temps.copy(), labels.copy()
    t = RandomOccluders(families=(family,), count=2, footprint=0.5)
    for seed in range(5):
        out = t(image=temps, mask=labels, rng=seed)
        np.testing.assert_array_equal(temps, temps0)  # inputs never mutated
        np.testing.assert_array_equal(labels, labels0)
        assert out["image"].dtype == dtype and out["occluded"].dtype == bool
        assert out["occluded"].shape == temps.shape
        np.testing.assert_array_equal(out["mask"], labels)  # label_policy="keep"
        objects = out["params"]["objects"]
        assert len(objects) == 2 and {o["family"] for o in objects} == {family}
        again = t.replay(out["params"], image=temps, mask=labels)
        assert again["image"].tobytes() == out["image"].tobytes()
        np.testing.assert_array_equal(again["occluded"], out["occluded"])
        same = t(image=temps, mask=labels, rng=seed)
        assert same["image"].tobytes() == out["image"].tobytes()


def test_pickle_roundtrip_gives_same_output():
    temps, labels = face()
    t = RandomOccluders(weights=[1.0] * len(FAMILIES), count=(1, 3))
    clone = pickle.loads(pickle.dumps(t))
    a, b = t(image=temps, mask=labels, rng=3), clone(image=temps, mask=labels, rng=3)
    assert a["image"].tobytes() == b["image"].tobytes()
    params = pickle.loads(pickle.dumps(a["params"]))
    assert t.replay(params, image=temps, mask=labels)["image"].tobytes() == a["image"].tobytes()


def test_edited_params_replay_as_edited():
    temps, labels = face()
    t = RandomOccluders(families=("cup",), count=1, edges=("hard",))
    out = t(image=temps, mask=labels, rng=0)
    cup = out["params"]["objects"][0]
    for part in cup["parts"]:
        part["field"]["profile"] = ((0.0, 12.5),)
        part["field"]["texture"] = (0.0, 2.0, 0.0, 0.5, 0.0, 1.0)
        part["field"]["range"] = (0.0, 100.0)
    edited = t.replay(out["params"], image=temps, mask=labels)
    np.testing.assert_array_equal(edited["image"][edited["occluded"]], np.float32(12.5))


@pytest.mark.parametrize("edit, error, message", [
    (lambda p: p["objects"][0]["parts"][0]["field"].update(profile=()), ValueError,
     r"params\['objects'\]\[0\]\['parts'\]\[0\]\['field'\]\['profile'\] must hold at "
     r"least one"),
    (lambda p: p["objects"][0]["parts"][0]["field"].update(axis=((0, 0), (0, 0))), ValueError,
     r"\['field'\]\['axis'\] must be two distinct points"),
    (lambda p: p["objects"][0].update(sigma=1e9), ValueError,
     r"params\['objects'\]\[0\]\['sigma'\] must be in \[0, 100\]"),
    (lambda p: p["objects"][0]["parts"][0]["field"].update(
        texture=(1.0, 2.0, 30.0, 0.5, 0.0, 1.0)), ValueError,
     r"the finest octave's period, period / 2\*\*\(octaves - 1\), must be at least 2 px"),
    (lambda p: p.update(skin=p["ambient"]), ValueError,
     r"params\['skin'\] must be above params\['ambient'\]"),
    (lambda p: p["objects"][0].update(parts=None), TypeError,
     r"params\['objects'\]\[0\]\['parts'\] must be a list of part dicts"),
])
def test_edited_params_are_checked(edit, error, message):
    # Replay handed edited objects to the kernels unchecked: an empty profile is read out of
    # bounds, a huge sigma or octave count allocates without end, equal skin and ambient divide
    # by zero.
    temps, labels = face()
    t = RandomOccluders(families=("cup",), count=1, edges=("hard",))
    params = t(image=temps, mask=labels, rng=0)["params"]
    edit(params)
    with pytest.raises(error, match=message):
        t.replay(params, image=temps, mask=labels)


def test_every_family_of_the_issue_is_drawable_and_recorded():
    issue = {"blob", "strand", "hand", "cup", "bottle", "glasses", "mask", "scarf", "phone",
             "microphone", "hair", "hot_cold"}
    assert set(FAMILIES) == issue and tiaug.occlusion.FAMILIES is FAMILIES
    assert tiaug.RandomOccluders is tiaug.occlusion.RandomOccluders
    temps, labels = face()
    seen = set()
    for seed in range(40):
        out = RandomOccluders(count=3)(image=temps, mask=labels, rng=seed)
        seen |= {o["family"] for o in out["params"]["objects"]}
    assert seen == issue


def test_weights_choose_the_families():
    temps, labels = face()
    t = RandomOccluders(families=("hand", "cup", "hair"), weights=(0, 3, 1), count=4)
    drawn = [o["family"] for s in range(30)
             for o in t(image=temps, mask=labels, rng=s)["params"]["objects"]]
    assert "hand" not in drawn and 0.6 < drawn.count("cup") / len(drawn) < 0.9


def test_chains_in_compose_and_ors_occluded():
    temps, labels = face()
    first = RandomOccluders(families=("blob",), count=1, edges=("hard",))
    second = RandomOccluders(families=("hot_cold",), count=1, edges=("hard",))
    out = Compose([first, second, NETDNoise(0.05)])(image=temps, mask=labels, rng=2)
    a = first.replay(out["params"]["transforms"][0], image=temps, mask=labels)
    b = second.replay(out["params"]["transforms"][1], image=a["image"], mask=labels)
    np.testing.assert_array_equal(out["occluded"], a["occluded"] | b["occluded"])


def test_a_call_ors_the_incoming_occlusion_map():
    temps, labels = face()
    before = np.zeros(temps.shape, bool)
    before[:5] = True
    t = RandomOccluders(count=1)
    out = t(image=temps, mask=labels, occluded=before, rng=1)
    alone = t(image=temps, mask=labels, rng=1)
    np.testing.assert_array_equal(out["occluded"], alone["occluded"] | before)
    assert out["image"].tobytes() == alone["image"].tobytes()
    assert not before[5:].any()  # not mutated


# --------------------------------------------------------------------------- physics


@pytest.mark.parametrize("family", FAMILIES)
def test_temperatures_stay_inside_the_class_range(family):
    temps, labels = face((96, 120), seed=2)
    t = RandomOccluders(families=(family,), count=1, edges=("hard",), translucent=0.0,
                        footprint=0.0)
    for seed in range(12):
        out = t(image=temps, mask=labels if seed % 2 else None, rng=seed)
        params = out["params"]
        lo, hi = class_range(family, params["ambient"], params["skin"])
        obj = params["objects"][0]
        opaque = np.zeros(temps.shape, bool)
        for part in obj["parts"]:
            p_lo, p_hi = part["field"]["range"]
            assert lo <= p_lo <= p_hi <= hi, (family, part["field"]["range"], (lo, hi))
            if part["opacity"] == 1.0:
                opaque |= coverage(temps.shape, part)
        # Hard edges: fully covered pixels read the object's own temperatures.
        values = out["image"][opaque]
        assert values.size == 0 or (values.min() >= np.float32(lo) - 1e-4
                                    and values.max() <= np.float32(hi) + 1e-4)
        # Edges and translucent parts mix face and occluder: never outside both.
        changed = out["image"] != temps
        mixed = out["image"][changed]
        assert mixed.size == 0 or (mixed.min() >= min(lo, temps.min()) - 1e-4
                                   and mixed.max() <= max(hi, temps.max()) + 1e-4)


def test_class_ranges_follow_the_scene_and_the_physics():
    # A typical room (22 °C) and face (34 °C): the numbers the user guide cites.
    assert class_range("hand", 22.0, 34.0) == pytest.approx((23.2, 34.5))
    assert class_range("cup", 22.0, 34.0) == (2.0, 80.0)
    assert class_range("bottle", 22.0, 34.0) == (4.0, 24.0)
    lens_lo, lens_hi = class_range("glasses", 22.0, 34.0)
    assert lens_lo < 22.0 and lens_hi > 34.0
    hair_lo, hair_hi = class_range("hair", 22.0, 34.0)
    assert 22.0 < hair_lo < hair_hi < 34.0
    # A cold room moves the relative families with it.
    assert class_range("hair", 10.0, 30.0)[1] < class_range("hair", 22.0, 34.0)[1]


def test_hot_drinks_cool_from_the_lip_down_and_cold_drinks_are_cold():
    temps, labels = face((128, 160))
    t = RandomOccluders(families=("cup",), count=1)
    hot = cold = 0
    for seed in range(30):
        cup = t(image=temps, mask=labels, rng=seed)["params"]["objects"][0]
        knots = cup["parts"][0]["field"]["profile"]  # base (s=0) to lip (s=1)
        wall = knots[1][1]
        if wall > 40.0:
            hot += 1
            assert 40.0 <= wall <= 80.0 and knots[-1][1] < wall
        else:
            cold += 1
            assert 3.0 <= wall <= 13.0 and knots[-1][1] > wall
    assert hot and cold


def test_hair_and_reflections_are_translucent_lenses_opaque():
    temps, labels = face((128, 160))
    hair = RandomOccluders(families=("hair",), count=1)(image=temps, mask=labels, rng=0)
    assert all(0.0 < p["opacity"] <= 0.85 for p in hair["params"]["objects"][0]["parts"])
    glasses = RandomOccluders(families=("glasses",), count=1)(image=temps, mask=labels, rng=0)
    lens, frame, reflection = glasses["params"]["objects"][0]["parts"]
    assert lens["opacity"] == frame["opacity"] == 1.0 and 0.03 <= reflection["opacity"] <= 0.2
    # The lenses sit on the labelled eyes.
    assert glasses["occluded"][labels == 3].mean() > 0.9


def test_translucent_objects():
    temps, labels = face()
    t = RandomOccluders(families=("blob", "hot_cold"), translucent=1.0)
    for seed in range(5):
        for obj in t(image=temps, mask=labels, rng=seed)["params"]["objects"]:
            assert all(0.4 <= p["opacity"] <= 0.7 for p in obj["parts"])
    never = RandomOccluders(families=("blob",), translucent=0.0)(image=temps, rng=0)
    assert never["params"]["objects"][0]["parts"][0]["opacity"] == 1.0


def test_edge_types_and_psf_widths():
    temps, labels = face((128, 160))
    for edge, (lo, hi) in [("hard", (0.0, 0.0)), ("camera", (1.0, 3.0)),
                           ("soft", (0.005 * 128, 0.02 * 128))]:
        t = RandomOccluders(edges=(edge,), count=3)
        for seed in range(4):
            for obj in t(image=temps, rng=seed)["params"]["objects"]:
                fwhm = obj["sigma"] * 2 * math.sqrt(2 * math.log(2))
                assert obj["edge"] == edge and lo - 1e-9 <= fwhm <= hi + 1e-9
    # Hard edges change no pixel outside the shapes; camera edges reach past them.
    hard = RandomOccluders(families=("blob",), edges=("hard",), count=1)(image=temps, rng=1)
    soft = RandomOccluders(families=("blob",), edges=("camera",), psf=3.0, count=1)(
        image=temps, rng=1)
    shape_px = coverage(temps.shape, hard["params"]["objects"][0]["parts"][0])
    assert ((hard["image"] != temps) <= shape_px).all()
    assert ((soft["image"] != temps) & ~shape_px).any()
    np.testing.assert_array_equal(hard["occluded"], shape_px)


@pytest.mark.parametrize("family", CONTACT)
def test_footprints_warm_or_cool_skin_only(family):
    temps, labels = face((128, 160), seed=1)
    ambient, skin = scene_temperatures(temps, labels)
    t = RandomOccluders(families=(family,), count=1, footprint=1.0, residual=1.0)
    marked = 0
    for seed in range(6):
        out = t(image=temps, mask=labels, rng=seed)
        obj = out["params"]["objects"][0]
        if not len(obj["footprint"]):  # a phone touches the skin only during a call
            assert family == "phone" and not obj["removed"]
            continue
        marked += 1
        assert obj["removed"]
        assert not out["occluded"].any()  # a footprint alone occludes nothing
        delta = out["image"].astype(np.float64) - temps
        assert np.abs(delta).max() <= 3.0 + 1e-4
        assert (delta[temps <= ambient] == 0).all()  # the wall is not skin
    assert marked >= 3
    residual_free = RandomOccluders(families=(family,), footprint=1.0, residual=0.0)
    assert not any(o["removed"] for o in residual_free(image=temps, rng=0)["params"]["objects"])


@pytest.mark.parametrize("family", FAMILIES)
def test_sizes_do_not_depend_on_the_resolution(family):
    # The mean temperature change over the frame: coverage-weighted, so sub-pixel strands count
    # by the fraction of a pixel they cover.
    small, large = [], []
    t = RandomOccluders(families=(family,), count=1, edges=("hard",), footprint=0.0)
    for seed in range(16):
        for shape, changes in (((96, 120), small), ((192, 240), large)):
            temps, labels = face(shape, seed=seed % 4)
            out = t(image=temps, mask=labels, rng=seed)
            changes.append(np.abs(out["image"] - temps).mean())
    # Strands of a lock overlap more at the coarse resolution, where their union saturates.
    tolerance = 0.35 if family == "hair" else 0.2
    assert abs(np.mean(small) - np.mean(large)) <= tolerance * np.mean(large)


@pytest.mark.parametrize("shape", [(2, 2), (3, 17), (40, 5), (33, 33)])
@pytest.mark.parametrize("level", [-40.0, 30.0, 200.0])
def test_any_frame_size_and_temperature(shape, level):
    # Tiny, thin, uniform, freezing or very hot frames: every family still draws and composites.
    temps = np.full(shape, level, np.float32)
    temps[0, 0] += 3.0
    for seed in range(3):
        out = RandomOccluders(count=4)(image=temps, rng=seed)
        assert out["image"].shape == shape and np.isfinite(out["image"]).all()


# --------------------------------------------------------------------------- labels, errors


@pytest.mark.parametrize("policy, value", [("ignore", 255), ("background", 0)])
def test_label_policies_relabel_exactly_the_occluded_pixels(policy, value):
    temps, labels = face()
    out = RandomOccluders(count=2, label_policy=policy)(image=temps, mask=labels, rng=4)
    occ = out["occluded"]
    assert occ.any()
    assert (out["mask"][occ] == value).all()
    np.testing.assert_array_equal(out["mask"][~occ], labels[~occ])


def test_skipped_and_params():
    temps, labels = face()
    out = RandomOccluders(p=0.0)(image=temps, mask=labels, rng=0)
    assert out["params"] == {"applied": False} and not out["occluded"].any()
    assert out["image"].tobytes() == temps.tobytes() and out["image"] is not temps
    params = RandomOccluders()(image=temps, rng=0)["params"]
    assert set(params) == {"applied", "ambient", "skin", "objects"}
    assert params["skin"] >= params["ambient"] + 4.0


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(families=("hand", "tree")), ValueError, "families\\[1\\] must be one of 'blob'"),
    (dict(families="hand"), TypeError, "families must be a non-empty sequence"),
    (dict(families=()), TypeError, "families must be a non-empty sequence"),
    (dict(families=("cup", "cup")), ValueError, "families must not repeat an entry"),
    (dict(families=("cup", "hand"), weights=(1.0,)), TypeError,
     "weights must be None or a sequence of 2 numbers"),
    (dict(families=("cup",), weights=(-1.0,)), ValueError,
     r"weights\[0\] must be in \[0, 1e\+06\]"),
    (dict(families=("cup",), weights=(0.0,)), ValueError, "weights must not all be 0"),
    (dict(count=0), ValueError, r"count\[0\] must be in \[1, 1000\]"),
    (dict(count=(1.5, 2)), ValueError, "count must be whole numbers"),
    (dict(edges=("blurry",)), ValueError, "edges\\[0\\] must be one of 'hard', 'camera', 'soft'"),
    (dict(psf=(-1.0, 2.0)), ValueError, r"psf\[0\] must be in \[0, 235.482\]"),
    (dict(soft=(0.0, 2.0)), ValueError, r"soft\[1\] must be in \[0, 1\]"),
    (dict(translucent=1.5), ValueError, r"translucent must be in \[0, 1\]"),
    (dict(footprint="yes"), TypeError, "footprint must be a real number"),
    (dict(residual=-0.1), ValueError, r"residual must be in \[0, 1\]"),
    (dict(eye_label=True), TypeError, "eye_label must be an int"),
    (dict(label_policy="drop"), ValueError, "label_policy must be one of 'keep'"),
    (dict(ignore_index=2.0), TypeError, "ignore_index must be an int"),
])
def test_parameters_are_checked_when_built(kwargs, error, message):
    with pytest.raises(error, match=message):
        RandomOccluders(**kwargs)


def test_ignore_index_must_fit_the_mask():
    temps, labels = face()
    with pytest.raises(ValueError, match="ignore_index=300 does not fit the mask dtype uint8"):
        RandomOccluders(label_policy="ignore", ignore_index=300)(image=temps, mask=labels, rng=0)


def test_repr_names_the_parameters():
    text = repr(RandomOccluders(families=("cup",), count=2))
    assert text.startswith("RandomOccluders(") and "families=('cup',)" in text
    assert "count=(2, 2)" in text


def test_soft_edges_of_a_large_frame_replay():
    # soft is a fraction of the short side: its PSF is capped at sigma 100 px, the bound replay
    # checks, so a call's own params always replay.
    temps = np.full((600, 640), 22.0, np.float32)  # soft=0.9: a 540 px FWHM, sigma 229 px
    temps[200:400, 220:420] = 34.0
    t = RandomOccluders(families=("blob",), count=1, edges=("soft",), soft=(0.9, 1.0))
    out = t(image=temps, rng=0)
    assert out["params"]["objects"][0]["sigma"] == 100.0
    assert t.replay(out["params"], image=temps)["image"].tobytes() == out["image"].tobytes()


@pytest.mark.parametrize("seed", range(12))
def test_frames_near_absolute_zero_stay_physical_and_replay(seed):
    # The families' temperatures are set relative to the frame's ambient and skin: near -273 °C
    # they fell below absolute zero, and replay refused the call's own params.
    rng = np.random.default_rng(seed)
    image = np.full((40, 48), -273.0 + rng.uniform(0.0, 2.0), np.float32)
    image[10:30, 12:36] = rng.uniform(-273.15, -266.0)
    mask = np.zeros(image.shape, np.uint8)
    mask[10:30, 12:36] = 1
    aug = RandomOccluders(count=(2, 3), footprint=1.0, p=1.0)
    out = aug(image=image, mask=mask, rng=seed)
    assert float(out["image"].min()) >= -273.15
    again = aug.replay(out["params"], image=image, mask=mask)
    np.testing.assert_array_equal(again["image"], out["image"])

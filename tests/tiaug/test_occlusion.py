"""ThermalOcclusion, the OcclusionTransform base, the one-family presets and the functional layer
(draw_occluders, occlude)."""

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiaug import Compose, Rotate
from tiaug.datasets import make_face
from tiaug.occlusion import (
    Eyeglasses,
    HandOcclusion,
    HeldCup,
    OcclusionTransform,
    RandomOccluders,
    ThermalOcclusion,
    draw_occluders,
    occlude,
)
from tiaug.occlusion._schema import flat_field

DTYPES = [np.float32, np.float64]
TRANSFORMS = [
    ThermalOcclusion(), ThermalOcclusion(temperature="hot", count=(2, 3)),
    ThermalOcclusion(temperature="cold", gradient=0.0), ThermalOcclusion(temperature=(-5.0, 80.0)),
]


def pair(out):
    return out["image"], out["occluded"]


def frame(seed, shape=(40, 52), dtype=np.float32):
    rng = np.random.default_rng(seed)
    image = rng.uniform(20.0, 36.0, shape).astype(dtype)
    labels = rng.integers(0, 6, shape).astype(np.uint8)
    return image, labels


def face(shape=(48, 64)):
    """A crude face: warm ellipse, two eye blobs (class 3), a nose (5) and background (0)."""
    rr, cc = np.mgrid[:shape[0], :shape[1]]
    image = np.full(shape, 24.0, np.float32)
    labels = np.zeros(shape, np.uint8)
    inside = ((rr - 24) / 22) ** 2 + ((cc - 32) / 18) ** 2 <= 1
    image[inside], labels[inside] = 34.0, 1
    for col in (24, 40):
        eye = ((rr - 19) / 2.5) ** 2 + ((cc - col) / 4) ** 2 <= 1
        image[eye], labels[eye] = 35.5, 3
    labels[22:30, 30:35] = 5
    return image, labels


# --------------------------------------------------------------------------- contract


@pytest.mark.parametrize("t", TRANSFORMS, ids=repr)
@pytest.mark.parametrize("dtype", DTYPES)
@given(seed=st.integers(0, 2**32 - 1))
def test_contract(t, dtype, seed):
    image, labels = frame(seed % 1000, dtype=dtype)
    image0, labels0 = image.copy(), labels.copy()
    out = t(image=image, mask=labels, rng=seed)
    np.testing.assert_array_equal(image, image0)  # no mutation
    np.testing.assert_array_equal(labels, labels0)
    occ = out["occluded"]
    assert out["image"].dtype == dtype and occ.dtype == bool and occ.shape == image.shape
    # Outside the occluders bit-identical; inside every pixel was repainted by an occluder.
    assert out["image"][~occ].tobytes() == image[~occ].tobytes()
    np.testing.assert_array_equal(occ, draw_occluders(image.shape,
                                                      out["params"]["objects"]).any(0))
    np.testing.assert_array_equal(out["mask"], labels)  # label_policy="keep"
    again = t.replay(out["params"], image=image, mask=labels)
    assert again["image"].tobytes() == out["image"].tobytes()
    np.testing.assert_array_equal(again["occluded"], occ)
    same = t(image=image, mask=labels, rng=seed)
    assert same["image"].tobytes() == out["image"].tobytes()


@pytest.mark.parametrize("t", TRANSFORMS, ids=repr)
def test_pickle_roundtrip_gives_same_output(t):
    image, labels = frame(0)
    clone = pickle.loads(pickle.dumps(t))
    a, b = t(image=image, mask=labels, rng=3), clone(image=image, mask=labels, rng=3)
    assert a["image"].tobytes() == b["image"].tobytes()
    params = pickle.loads(pickle.dumps(a["params"]))
    assert t.replay(params, image=image)["image"].tobytes() == a["image"].tobytes()


def test_skipped_draws_nothing_and_returns_copies():
    image, labels = frame(1)
    out = ThermalOcclusion(p=0.0)(image=image, mask=labels, rng=0)
    assert out["params"] == {"applied": False} and not out["occluded"].any()
    assert out["image"] is not image and np.array_equal(out["image"], image)


# --------------------------------------------------------------------------- temperatures


@pytest.mark.parametrize("dtype", DTYPES)
@given(seed=st.integers(0, 2**32 - 1), lo=st.floats(-30.0, 60.0), span=st.floats(0.0, 5.0))
def test_temperature_modes(dtype, seed, lo, span):
    image = np.random.default_rng(seed).uniform(lo, lo + span, (24, 30)).astype(dtype)
    for mode, ok in [("hot", lambda v: v > image.max()), ("cold", lambda v: v < image.min())]:
        out = ThermalOcclusion(temperature=mode, count=(2, 3))(image=image, rng=seed)
        assert ok(out["image"][out["occluded"]]).all(), mode
    hi = lo + span + 0.01  # a range holding float32 values (else the nearest value is used)
    out = ThermalOcclusion(temperature=(lo, hi), count=3)(image=image, rng=seed)
    vals = out["image"][out["occluded"]].astype(np.float64)
    assert (vals >= lo).all() and (vals <= hi).all()


def test_any_mode_spans_reference_range_and_guards_uniform_frames():
    image = np.full((16, 16), 30.0)
    t = ThermalOcclusion(temperature="any", gradient=0.0)
    temps = [o["temperature"] for s in range(200)
             for o in t.sample(image, None, np.random.default_rng(s))["objects"]]
    # Delta = max - min = 0 is replaced by 1 °C: temperatures fill [29, 31], not a single value.
    assert 29.0 <= min(temps) < 29.2 and 30.8 < max(temps) <= 31.0


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize("policy, value", [("ignore", 255), ("background", 0)])
def test_label_policies(policy, value):
    image, labels = frame(2)
    out = ThermalOcclusion(label_policy=policy, count=3)(image=image, mask=labels, rng=5)
    occ = out["occluded"]
    assert occ.any() and (out["mask"][occ] == value).all()
    np.testing.assert_array_equal(out["mask"][~occ], labels[~occ])
    assert set(np.unique(out["mask"])) <= set(np.unique(labels)) | {value}


def test_ignore_index_is_configurable_and_must_fit_the_mask_dtype():
    image, labels = frame(3)
    out = ThermalOcclusion(label_policy="ignore", ignore_index=-100)(
        image=image, mask=labels.astype(np.int64), rng=0)
    assert (out["mask"][out["occluded"]] == -100).all()
    with pytest.raises(ValueError, match=r"ignore_index=-100 does not fit the mask dtype uint8 "
                                         r"\(range 0\.\.255\)"):
        ThermalOcclusion(label_policy="ignore", ignore_index=-100)(image=image, mask=labels, rng=0)


def test_incoming_occluded_is_or_ed():
    image, _ = frame(4)
    before = np.zeros(image.shape, bool)
    before[0, 0] = before[-1, -1] = True
    bar = {"shapes": [{"type": "line", "points": [[10, 0], [10, 51]], "width": 1.0}],
           "temperature": 50.0}
    out = occlude(image, [bar], occluded=before)
    occ = out["occluded"]
    assert "mask" not in out and occ[10].all() and occ[0, 0] and occ[-1, -1] and occ.sum() == 54
    assert before.sum() == 2


# --------------------------------------------------------------------------- placement and size


def test_occluders_reach_every_cell_of_the_frame_corners_included():
    image, _ = frame(5, shape=(32, 40))
    t = ThermalOcclusion(size=(0.05, 0.1))
    hits = np.zeros((4, 4), bool)
    for seed in range(300):
        occ = t(image=image, rng=seed)["occluded"]
        hits |= occ.reshape(4, 8, 4, 10).any(axis=(1, 3))
    assert hits.all()
    corners = np.zeros((2, 2), bool)
    for seed in range(300):
        occ = t(image=image, rng=seed)["occluded"]
        corners |= occ[[0, 0, -1, -1], [0, -1, 0, -1]].reshape(2, 2)
    assert corners.all()


def test_occluded_fraction_does_not_depend_on_resolution():
    t = ThermalOcclusion()
    small, large = np.zeros((24, 30)), np.zeros((96, 120))
    f_small = np.mean([t(image=small, rng=s)["occluded"].mean() for s in range(120)])
    f_large = np.mean([t(image=large, rng=s)["occluded"].mean() for s in range(120)])
    assert 0.01 < f_large < 0.3
    assert abs(f_small - f_large) < 0.1 * f_large


# --------------------------------------------------------------------------- presets


@pytest.mark.parametrize("preset, family", [(Eyeglasses, "glasses"), (HeldCup, "cup"),
                                            (HandOcclusion, "hand")])
def test_presets_are_one_object_of_one_family(preset, family):
    temps, labels = make_face((96, 120), rng=1)
    kwargs = dict(label_policy="ignore", footprint=1.0, p=1.0)
    reference = RandomOccluders(families=(family,), count=1, **kwargs)
    for seed in range(4):
        out = preset(**kwargs)(image=temps, mask=labels, rng=seed)
        expected = reference(image=temps, mask=labels, rng=seed)
        assert out["image"].tobytes() == expected["image"].tobytes()
        np.testing.assert_array_equal(out["mask"], expected["mask"])
        assert [obj["family"] for obj in out["params"]["objects"]] == [family]
    assert repr(preset()) == repr(preset()).replace("families", "")  # nothing fixed is shown
    with pytest.raises(TypeError, match="families"):
        preset(families=("blob",))


def test_eyeglasses_land_on_the_labelled_eyes():
    temps, labels = make_face((128, 160), rng=2)
    for seed in range(5):
        out = Eyeglasses(edges=("hard",))(image=temps, mask=labels, rng=seed)
        assert out["occluded"][labels == 3].mean() > 0.5


def test_extreme_offsets_stay_physical_and_replayable():
    # Drawn temperatures are clamped to what a camera reports, so replay accepts every call's
    # own params.
    image, labels = face()
    for t in (ThermalOcclusion(temperature="any", gradient=1e4),
              ThermalOcclusion(temperature=(-273.15, 1e4), gradient=1e4)):
        out = t(image=image, mask=labels, rng=0)
        painted = out["image"][out["occluded"]]
        assert painted.min() >= np.float32(-273.15) and painted.max() <= 1e4
        again = t.replay(out["params"], image=image, mask=labels)
        assert again["image"].tobytes() == out["image"].tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
def test_fixed_temperature_narrower_than_the_dtype_uses_the_nearest_value(dtype):
    # (36.6, 36.6) holds no float32 value; it raised numpy's "high - low < 0".
    image, _ = frame(0, dtype=dtype)
    out = ThermalOcclusion(temperature=36.6)(image=image, rng=0)
    assert out["occluded"].any()
    np.testing.assert_array_equal(out["image"][out["occluded"]], dtype(36.6))


def test_pair_gradients_are_centred_on_their_own_shape():
    # The second shape's gradient axis was centred on the first shape, 1-2 radii away: about half
    # of its pixels sat at a clipped end of the gradient.
    t = ThermalOcclusion(shapes=("pair",), count=1, gradient=4.0, temperature=(0.0, 100.0))
    clipped, total = np.zeros(2), np.zeros(2)
    image = np.zeros((64, 80))
    for seed in range(60):
        occs = t(image=image, rng=seed)["params"]["objects"]
        for k, (occ, mask) in enumerate(zip(occs, draw_occluders(image.shape, occs))):
            _, _, ar, ac, gr, gc = flat_field(occ, np.float64)
            rr, cc = np.nonzero(mask)
            s = (rr - ar) * gr + (cc - ac) * gc
            clipped[k] += np.sum((s <= 0.0) | (s >= 1.0))
            total[k] += s.size
    assert (clipped / total).max() < 0.05, clipped / total


def test_occlude_gradient_never_leaves_its_range_on_float32():
    # Rounding to float32 painted 30.2999992 for a range that starts at 30.3.
    image = np.full((16, 16), 20.0, np.float32)
    square = [{"type": "polygon", "vertices": [[-1, -1], [-1, 16], [16, 16], [16, -1]]}]
    axis = ((0, 0), (15, 15))
    out = occlude(image, [{"shapes": square, "temperature": (30.3, 30.5), "axis": axis}])
    painted = out["image"][out["occluded"]].astype(np.float64)
    assert out["occluded"].all() and painted.min() >= 30.3 and painted.max() <= 30.5
    # No float32 value lies in [30.3, 30.30000001]: the one nearest to the middle, everywhere.
    out = occlude(image, [{"shapes": square, "temperature": (30.30000001, 30.3), "axis": axis}])
    np.testing.assert_array_equal(out["image"], np.float32(30.300000005))


# --------------------------------------------------------------------------- functional


def test_draw_occluders_one_mask_per_occluder():
    occs = [{"shapes": [{"type": "ellipse", "center": (5, 5), "axes": (3, 2), "angle": 0.0}],
             "temperature": 10.0},
            {"shapes": [{"type": "line", "points": [[0, 0]], "width": 2.0}], "temperature": 1.0}]
    masks = draw_occluders((12, 12), occs)
    assert masks.shape == (2, 12, 12)
    # 5 + 2 * (3 + 3 + 1) pixel centres in the ellipse; a disc of radius 1 at the corner.
    assert masks[0].sum() == 19 and masks[1].sum() == 3


def test_occlude_later_occluders_cover_earlier_ones():
    image = np.zeros((6, 6))
    sq = [[-1, -1], [-1, 6], [6, 6], [6, -1]]
    occs = [{"shapes": [{"type": "polygon", "vertices": sq}], "temperature": 1.0},
            {"shapes": [{"type": "line", "points": [[2, 0], [2, 5]], "width": 1}],
             "temperature": 2.0}]
    out, occ = pair(occlude(image, occs))
    assert occ.all() and (out[2] == 2.0).all() and (out[3] == 1.0).all()


@pytest.mark.parametrize("objects, error, match", [
    ({"shapes": []}, TypeError, "objects must be a list of object dicts"),
    ([{"shapes": []}], TypeError, r"objects\[0\] must be an object dict \(with 'parts'\) or a "
                                  r"flat occluder \(with 'shapes' and 'temperature'\)"),
    ([{"shapes": [{"type": "circle"}], "temperature": 1.0}], ValueError,
     r"objects\[0\]\['shapes'\]\[0\]\['type'\] must be one of 'polygon', 'line', 'ellipse'"),
    ([{"shapes": [{"type": "polygon", "vertices": [[0, 0], [1, 1]]}], "temperature": 1.0}],
     ValueError, r"vertices'\] must be an \(N, 2\) array of \(row, col\) with N >= 3"),
    ([{"shapes": [{"type": "line", "points": [[0, 0]], "width": 0}], "temperature": 1.0}],
     ValueError, r"\['width'\] must be in \(0, 1e\+09\]"),
    ([{"shapes": [{"type": "ellipse", "center": (0, 0), "axes": 3}], "temperature": 1.0}],
     TypeError, r"\['axes'\] must be a pair \(a, b\) of semi-axes"),
    ([{"shapes": [], "temperature": float("nan")}], ValueError,
     r"objects\[0\]\['temperature'\] must be finite"),
    ([{"shapes": [], "temperature": (1.0, 2.0)}], ValueError, "needs an 'axis'"),
    ([{"shapes": [], "temperature": (1.0, 2.0), "axis": ((1, 1), (1, 1))}], ValueError,
     r"\['axis'\] must be two distinct points"),
    # Coordinates and lengths beyond 1e9 px overflowed the rasteriser's products.
    ([{"shapes": [{"type": "polygon", "vertices": [[0, 0], [1e300, 1], [1, 0]]}],
       "temperature": 1.0}], ValueError,
     r"objects\[0\]\['shapes'\]\[0\]\['vertices'\] must be pixel coordinates within ±1e\+09"),
    ([{"shapes": [{"type": "line", "points": [[0, 0]], "width": 1e300}], "temperature": 1.0}],
     ValueError, r"\['width'\] must be in \(0, 1e\+09\], got 1e\+300"),
    ([{"shapes": [], "temperature": (1.0, 2.0), "axis": ((0, 0), (1e300, 1))}], ValueError,
     r"objects\[0\]\['axis'\] must be pixel coordinates within ±1e\+09"),
    # A float32 frame holds no 1e39: the occluder came out as inf.
    ([{"shapes": [], "temperature": 1e39}], ValueError,
     r"objects\[0\]\['temperature'\] must be in \[-273.15, 10000\], got 1e\+39"),
    ([{"shapes": [], "temperature": (20.0, -300.0), "axis": ((0, 0), (1, 1))}], ValueError,
     r"objects\[0\]\['temperature'\]\[1\] must be in \[-273.15, 10000\], got -300"),
])
def test_occluder_errors(objects, error, match):
    with pytest.raises(error, match=match):
        occlude(np.zeros((4, 4)), objects)


def test_functional_argument_errors():
    image = np.zeros((4, 4))
    with pytest.raises(ValueError, match="label_policy must be one of 'keep', 'ignore', "
                                         "'background', got 'drop'"):
        occlude(image, [], label_policy="drop")
    with pytest.raises(TypeError, match="ignore_index must be an int, got float"):
        occlude(image, [], ignore_index=1.5)
    with pytest.raises(TypeError, match="occluded must be a bool numpy.ndarray or None"):
        occlude(image, [], occluded=np.zeros((4, 4), int))
    with pytest.raises(ValueError, match=r"occluded must have the image's shape \(4, 4\)"):
        occlude(image, [], occluded=np.zeros((4, 5), bool))
    with pytest.raises(TypeError, match=r"shape must be a pair of ints \(H, W\)"):
        draw_occluders((4.0, 4), [])
    with pytest.raises(ValueError, match=r"shape must be positive and at most \(32768, 32768\), "
                                         r"got \(0, 4\)"):
        draw_occluders((0, 4), [])


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(temperature="warm"), ValueError, "temperature must be one of 'any', 'hot', 'cold'"),
    (dict(temperature=(40.0, 30.0)), ValueError, r"temperature must satisfy low <= high"),
    (dict(label_policy="none"), ValueError, "label_policy must be one of"),
    (dict(ignore_index="255"), TypeError, "ignore_index must be an int, got str"),
    (dict(count=0), ValueError, r"count\[0\] must be in \[1, 1000\]"),
    (dict(count=(1.5, 2)), ValueError, "count must be whole numbers"),
    # Unbounded, count=10**9 drew objects for hours.
    (dict(count=10**9), ValueError, r"count\[0\] must be in \[1, 1000\], got 1e\+09"),
    (dict(size=(0.0, 0.2)), ValueError, r"size\[0\] must be in \(0, 1\]"),
    (dict(line_width=2.0), ValueError, r"line_width\[0\] must be in \(0, 1\]"),
    (dict(shapes="polygon"), TypeError, "shapes must be a non-empty sequence"),
    (dict(shapes=("blob",)), ValueError, r"shapes\[i\] must be one of 'polygon', 'line'"),
    (dict(gradient=-1.0), ValueError, r"gradient must be in \[0, 10000\]"),
    (dict(temperature=(-300.0, 30.0)), ValueError,
     r"temperature\[0\] must be in \[-273.15, 10000\], got -300"),
    (dict(p=2.0), ValueError, r"p must be in \[0, 1\]"),
])
def test_thermal_occlusion_parameter_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        ThermalOcclusion(**kwargs)


@pytest.mark.parametrize("mode", ["any", "hot", "cold"])
def test_chained_occlusions_measure_the_scene_not_earlier_occluders(mode):
    # Two "any" occlusions in turn compounded the range (-17 ... 94 °C on a room frame): the
    # second one measured the first one's occluders as part of the scene.
    image = np.random.default_rng(0).uniform(20.0, 24.0, (40, 50)).astype(np.float32)
    t = ThermalOcclusion(temperature=mode, count=3, size=0.3, gradient=0.0)
    lo, hi = t._bounds(image, None)
    for seed in range(20):
        first = t(image=image, rng=seed)
        second = t(image=first["image"], occluded=first["occluded"], rng=seed + 100)
        painted = second["image"][second["occluded"]]
        assert lo <= painted.min() and painted.max() <= hi
        inside = Compose([t, t])(image=image, rng=seed)
        painted = inside["image"][inside["occluded"]]
        assert lo <= painted.min() and painted.max() <= hi


@pytest.mark.parametrize("mode, limit", [("hot", 10000.0), ("cold", -273.15)])
def test_hot_and_cold_occluders_take_the_limit_on_a_frame_at_it(mode, limit):
    # Nothing is hotter than 10000 °C or colder than -273.15 °C: the documented exception.
    image = np.full((24, 30), 30.0)
    image[5, 5] = limit
    out = ThermalOcclusion(temperature=mode, count=2, gradient=0.0)(image=image, rng=0)
    painted = out["image"][out["occluded"]]
    assert painted.size and (painted == limit).all()


# --------------------------------------------------------------------------- one object model


class Sticker(OcclusionTransform):
    """A user's occluder family: one cold square at a random place, textured and blurred."""

    def sample_objects(self, image, mask, occluded, rng):
        r, c = rng.uniform(0, image.shape[0]), rng.uniform(0, image.shape[1])
        square = [[r - 4, c - 4], [r - 4, c + 4], [r + 4, c + 4], [r + 4, c - 4]]
        field = {"axis": ((r, c), (r + 1, c)), "profile": ((0.0, 10.0),), "range": (5.0, 15.0),
                 "texture": (2.0, 8.0, 2.0, 0.5, 0.3, 1.0), "seed": int(rng.integers(2**32))}
        return {"objects": [{"parts": [{"shapes": [{"type": "polygon", "vertices": square}],
                                        "opacity": 1.0, "field": field}], "sigma": 1.0}]}


def test_a_user_family_behaves_inside_compose_as_alone():
    temps, labels = make_face((64, 80), rng=0)
    sticker = Sticker(label_policy="ignore")
    for seed in range(3):
        alone = sticker(image=temps, mask=labels, rng=seed)
        assert alone["occluded"].any() and (alone["mask"][alone["occluded"]] == 255).all()
        inside = Compose([sticker, Rotate(angle=0.0, p=0.0)])(image=temps, mask=labels, rng=seed)
        assert inside["image"].tobytes() == alone["image"].tobytes()
        again = sticker.replay(alone["params"], image=temps, mask=labels)
        assert again["image"].tobytes() == alone["image"].tobytes()
    with pytest.raises(NotImplementedError):
        OcclusionTransform()(image=temps, rng=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_occlude_paints_what_random_occluders_drew(dtype):
    # The functional op of RandomOccluders: its params' objects and scene, painted by hand.
    temps, labels = make_face((96, 120), rng=3)
    temps = temps.astype(dtype)
    t = RandomOccluders(count=(2, 4), footprint=1.0, label_policy="background")
    for seed in range(4):
        out = t(image=temps, mask=labels, rng=seed)
        params = out["params"]
        again = occlude(temps, params["objects"], scene=(params["ambient"], params["skin"]),
                        mask=labels, label_policy="background")
        for key in ("image", "mask", "occluded"):
            assert again[key].tobytes() == out[key].tobytes(), key


def test_objects_need_only_parts_and_flat_occluders_equal_their_object():
    # A hard, opaque, untextured two-knot object paints what the flat occluder it spells out
    # paints (up to rounding in the last bit: the object is stepped along rows).
    image = np.full((24, 30), 25.0)
    shapes = [{"type": "ellipse", "center": (12, 15), "axes": (8, 5), "angle": 0.4}]
    axis = ((4.0, 15.0), (20.0, 15.0))
    flat = {"shapes": shapes, "temperature": (30.0, 40.0), "axis": axis}
    obj = {"parts": [{"shapes": shapes, "opacity": 1.0,
                      "field": {"axis": axis, "profile": ((0.0, 30.0), (1.0, 40.0)),
                                "range": (30.0, 40.0)}}]}
    a, b = occlude(image, [flat]), occlude(image, [obj])
    np.testing.assert_array_equal(a["occluded"], b["occluded"])
    np.testing.assert_allclose(a["image"], b["image"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(draw_occluders(image.shape, [flat]),
                                  draw_occluders(image.shape, [obj]))


def test_footprints_weigh_by_the_scene():
    temps, labels = make_face((64, 80), rng=4)
    mark = {"parts": [], "footprint": ((32.0, 40.0, 6.0, 6.0, 0.0, 2.0),)}
    warmed = occlude(temps, [mark], scene=(temps.min(), temps.max()))["image"]
    assert warmed[32, 40] > temps[32, 40] and not occlude(temps, [mark])["occluded"].any()
    estimated = occlude(temps, [mark], mask=labels)["image"]  # scene estimated from the frame
    assert estimated[32, 40] > temps[32, 40]
    with pytest.raises(ValueError, match="scene must have skin above ambient"):
        occlude(temps, [mark], scene=(30.0, 30.0))
    with pytest.raises(TypeError, match=r"scene must be an \(ambient, skin\) pair"):
        occlude(temps, [mark], scene=30.0)

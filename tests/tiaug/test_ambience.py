"""ThermalAmbience and its op: the kernels against slow references, and the physical properties
(labels and geometry unchanged, outside the face only the room, physical and monotone
temperatures, no step along label borders, exact replay, sizes in face units)."""

import pickle

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tiaug import ThermalAmbience
from tiaug.ambience import (
    CORE,
    DEFAULT_CLASSES,
    REGIONS,
    SKIN_BAND,
    _anchors,
    _moments,
    ambience,
    face_anchors,
    spots_from,
)
from tiaug.datasets import make_face

# ---------------------------------------------------------------- slow references


def reference_room(image, before, skin, after, response):
    """The room's three cases pixel by pixel in float64: the wall follows fully, the skin band by
    the response at the skin's temperature and less towards the core, the passive band keeps its
    fraction of the way from the air to the band's edge; a frame without skin warmer than the
    air follows fully."""
    def band(t):
        gain = min(response * (after - before) / max(CORE - skin, 1.0), 0.9)
        return gain * max(CORE - t, 0.0)

    edge = skin - SKIN_BAND * (skin - before)
    new_edge, out = edge + band(edge), np.empty(image.shape)
    for idx, t in np.ndenumerate(image.astype(np.float64)):
        if skin - before < 0.5 or t <= before:
            out[idx] = t + after - before
        elif t > edge:
            out[idx] = t + band(t)
        else:
            out[idx] = after + (t - before) / (edge - before) * (new_edge - after)
    return out


def reference_bumps(image, occluded, scene, spots):
    """Every spot evaluated at every pixel (no boxes, no row spans), in float64."""
    ambient, skin = scene
    half = max(0.5 * (skin - ambient), 0.5)
    rows, cols = np.indices(image.shape, dtype=np.float64)
    warmth = np.clip((image.astype(np.float64) - ambient) / half, 0.0, 1.0) * ~occluded
    total = np.zeros(image.shape)
    for s in spots:
        (r, c), radius, delta = s["center"], s["radius"], s["delta"]
        q = np.maximum(1.0 - ((rows - r) ** 2 + (cols - c) ** 2) / radius**2, 0.0)
        total += delta * q * q * warmth
    return total


def tolerance(dtype, scale):
    return (2e-5 if dtype == np.float32 else 1e-11) * max(scale, 1.0) * 4


temperatures = st.floats(-50.0, 80.0)


@st.composite
def frames(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(st.tuples(st.integers(2, 20), st.integers(2, 20)))
    return draw(arrays(dtype, shape, elements=st.floats(-60.0, 90.0, width=32)))


@st.composite
def spot_lists(draw, shape):
    n = draw(st.integers(0, 4))
    return [{"center": (draw(st.floats(-5.0, shape[0] + 5.0)),
                        draw(st.floats(-5.0, shape[1] + 5.0))),
             "radius": draw(st.floats(0.3, 15.0)), "delta": draw(st.floats(-8.0, 8.0))}
            for _ in range(n)]


@given(data=st.data(), image=frames(), before=st.floats(-40.0, 35.0),
       after=st.floats(-40.0, 36.0), skin=temperatures, response=st.floats(0.0, 1.0))
def test_op_matches_the_slow_reference(data, image, before, after, skin, response):
    spots = data.draw(spot_lists(image.shape))
    occluded = data.draw(arrays(bool, image.shape))
    out = ambience(image, after, spots, skin_response=response, scene=(before, skin),
                   occluded=occluded)["image"]
    expected = reference_room(image, before, skin, after, response) + reference_bumps(
        image, occluded, (before, skin), spots)
    expected = np.clip(expected, -273.15, 1e4)
    # The bands' slopes magnify the frame's rounding by up to their new over old widths.
    edge = skin - SKIN_BAND * (skin - before)
    band = min(response * (after - before) / max(CORE - skin, 1.0), 0.9)
    new_edge = edge + band * max(CORE - edge, 0.0)
    gain = 1.0 if skin - before < 0.5 else max(
        1.0, abs(1.0 - band), abs((new_edge - after) / (edge - before)))
    scale = gain * (float(np.abs(image).max()) + abs(after - before) + abs(skin)) + sum(
        abs(s["delta"]) for s in spots)
    np.testing.assert_allclose(out, expected, rtol=0, atol=tolerance(image.dtype, scale))
    assert out.dtype == image.dtype


@given(mask=st.one_of(
    arrays(np.uint8, st.tuples(st.integers(1, 40), st.integers(1, 40)),
           elements=st.integers(0, 6)),
    arrays(np.int16, st.tuples(st.integers(1, 30), st.integers(1, 30)),
           elements=st.integers(-3, 3))),
       labels=st.lists(st.integers(-5, 300), min_size=1, max_size=4, unique=True))
def test_label_moments_match_numpy(mask, labels):
    moments, step = _moments(mask, labels)
    assert step == 1  # small masks are read whole
    for label in labels:
        rows, cols = np.nonzero(mask == label)
        if rows.size == 0:
            assert label not in moments
            continue
        n, mean, cov, extent = moments[label]
        assert n == rows.size and extent == (rows.min(), rows.max())
        np.testing.assert_allclose(mean, [rows.mean(), cols.mean()], atol=1e-9)
        c = np.cov(np.stack([rows, cols]), bias=True)
        np.testing.assert_allclose(cov, [c[0, 0], c[0, 1], c[1, 1]], atol=1e-7)


def test_label_moments_read_large_masks_on_a_grid():
    _, labels = make_face((512, 640), subject=2, rng=0)
    moments, step = _moments(labels, [5])
    rows, cols = np.nonzero(labels == 5)
    assert step > 1
    np.testing.assert_allclose(moments[5][1], [rows.mean(), cols.mean()], atol=step)


def test_eyes_are_split_with_the_slow_reference():
    from scipy import ndimage

    _, labels = make_face((256, 320), subject=4, rng=2)
    anchors = face_anchors(labels)
    blobs, n = ndimage.label(labels == DEFAULT_CLASSES["eyes"])
    assert n == 2
    centres = sorted(ndimage.center_of_mass(blobs > 0, blobs, [1, 2]), key=lambda c: c[1])
    found = sorted(((r, c) for r, c, _ in anchors["periorbital"]), key=lambda c: c[1])
    _, step = _moments(labels, [3])
    np.testing.assert_allclose(found, centres, atol=step)  # read on a grid of that step


def test_one_labelled_eye_is_not_split_in_two():
    _, labels = make_face((256, 320), subject=4, rng=2)
    one = labels.copy()
    one[:, labels.shape[1] // 2:][one[:, labels.shape[1] // 2:] == 3] = 1
    anchors = face_anchors(one)
    assert "periorbital" not in anchors and "nose" in anchors


# ---------------------------------------------------------------- physical properties

FACES = [make_face((96, 120), subject=s, rng=s) for s in range(4)]


@pytest.mark.parametrize("index", range(len(FACES)))
def test_labels_occluded_and_geometry_never_change(index):
    temps, labels = FACES[index]
    occluded = np.zeros(temps.shape, bool)
    occluded[10:30, 40:60] = True
    out = ThermalAmbience()(image=temps, mask=labels, occluded=occluded, rng=index)
    assert out["image"].shape == temps.shape and out["image"].dtype == temps.dtype
    assert np.array_equal(out["mask"], labels) and out["mask"] is not labels
    assert np.array_equal(out["occluded"], occluded)


@pytest.mark.parametrize("index", range(len(FACES)))
def test_outside_the_face_only_the_room_changes(index):
    temps, labels = FACES[index]
    out = ThermalAmbience()(image=temps, mask=labels, rng=index)
    p = out["params"]
    room_only = ambience(temps, p["ambient"], skin_response=p["skin_response"],
                         scene=p["scene"])["image"]
    spots = spots_from(p["anchors"], p)
    rows, cols = np.indices(temps.shape)
    near = np.zeros(temps.shape, bool)
    for s in spots:
        near |= np.hypot(rows - s["center"][0], cols - s["center"][1]) < s["radius"]
    outside = labels == 0
    assert (outside & ~near).sum() > 0.5 * outside.sum()
    np.testing.assert_array_equal(out["image"][~near], room_only[~near])
    # ... and every bump lies within the labelled face.
    face = np.flatnonzero(labels.any(axis=1))
    for s in spots:
        assert face[0] - 2 <= s["center"][0] <= face[-1] + 2


@pytest.mark.parametrize("index", range(len(FACES)))
def test_no_step_along_label_borders(index):
    # A face of one skin temperature: the change is the bumps alone, and across a border between
    # two face labels it varies no faster than the bumps' steepest slope allows.
    _, labels = FACES[index]
    temps = np.where(labels > 0, 34.0, 20.0).astype(np.float32)
    t = ThermalAmbience(ambient=None, nose=4.0, periorbital=-1.0, perinasal=1.0, breathing=-1.0)
    out = t(image=temps, mask=labels, rng=0)
    change = out["image"].astype(np.float64) - temps
    spots = spots_from(out["params"]["anchors"], out["params"])
    # max |d/dx (1 - x**2)**2| = 8 / (3 sqrt(3)) per radius
    slope = sum(abs(s["delta"]) * 8 / (3 * np.sqrt(3)) / s["radius"] for s in spots)
    for axis in (0, 1):
        a = [slice(None)] * 2
        b = [slice(None)] * 2
        a[axis], b[axis] = slice(1, None), slice(None, -1)
        la, lb = labels[tuple(a)], labels[tuple(b)]
        border = (la != lb) & (la > 0) & (lb > 0)
        assert border.any()
        step = np.abs(change[tuple(a)] - change[tuple(b)])[border]
        assert step.max() <= slope + 1e-5


@given(image=frames(), before=st.floats(-40.0, 35.0), after=st.floats(-40.0, 36.0),
       response=st.floats(0.0, 1.0))
def test_the_room_has_no_steps_in_temperature(image, before, after, response):
    # Continuous in the temperature: no two nearly equal pixels end far apart, so the map cannot
    # draw a border that the frame does not have.
    out = ambience(image, after, skin_response=response, scene=(before, 34.0))["image"]
    edge = 34.0 - SKIN_BAND * (34.0 - before)
    band = min(response * (after - before) / (CORE - 34.0), 0.9)
    new_edge = edge + band * (CORE - edge)
    slope = 1.0 if before > 33.5 else max(abs(1.0 - band),
                                          abs((new_edge - after) / (edge - before)))
    order = np.argsort(image, axis=None, kind="stable")
    t, o = image.ravel()[order].astype(np.float64), out.ravel()[order].astype(np.float64)
    bound = max(1.0, slope) * np.diff(t) + tolerance(image.dtype, 200.0 * max(1.0, slope))
    assert (np.abs(np.diff(o)) <= bound).all()
    assert out.min() >= -273.15 and out.max() <= 1e4


@given(image=frames(), before=st.floats(-40.0, 30.0), after=st.floats(-40.0, 36.0),
       response=st.floats(0.0, 1.0))
def test_a_room_no_warmer_than_the_skin_keeps_the_order_of_temperatures(image, before, after,
                                                                        response):
    # Up to the room where the passive band closes (its edge reaches the air), nothing
    # overtakes anything; in warmer rooms the passive surfaces lie between the skin and the air.
    edge = 34.0 - SKIN_BAND * (34.0 - before)
    band = min(response * (after - before) / (CORE - 34.0), 0.9)
    assume(edge + band * (CORE - edge) >= after)
    out = ambience(image, after, skin_response=response, scene=(before, 34.0))["image"]
    order = np.argsort(image, axis=None, kind="stable")
    assert (np.diff(out.ravel()[order].astype(np.float64))
            >= -tolerance(image.dtype, 200.0)).all()


@pytest.mark.parametrize("after", [-40.0, 5.0, 22.0, 36.0])
def test_temperatures_stay_physical_at_the_limits(after):
    temps = np.array([[-273.15, -100.0], [36.9, 1e4]])
    out = ambience(temps, after, [{"center": (1, 1), "radius": 3.0, "delta": 20.0}],
                   scene=(-50.0, 35.0))["image"]
    assert out.min() >= -273.15 and out.max() <= 1e4
    assert out[1, 1] == 1e4


def test_the_room_moves_the_wall_fully_and_the_skin_band_by_its_response():
    temps, labels = FACES[0]
    out = ambience(temps, 32.0, skin_response=0.25, mask=labels)["image"]
    shift = (out - temps).astype(np.float64)
    ambient, skin = (float(v) for v in ThermalAmbience()(image=temps, mask=labels,
                                                          rng=0)["params"]["scene"])
    wall = temps <= ambient  # the colder part of the room's pixels: the whole change
    assert wall.sum() > 1000
    np.testing.assert_allclose(shift[wall], 32.0 - ambient, atol=1e-4)
    # The skin band moves by the response at the skin's temperature, its warmer pixels (the eyes'
    # canthi) less, towards none at the core.
    band = temps > skin - SKIN_BAND * (skin - ambient)
    assert (band & (labels == 3)).any() and (band & (labels == 1)).any()
    expected = 0.25 * (32.0 - ambient) * (CORE - temps[band]) / (CORE - skin)
    np.testing.assert_allclose(shift[band], expected, atol=1e-4)
    # The cool nose tip, outside the band, follows the room more than the skin.
    nose = (labels == 5) & ~band
    assert nose.any() and shift[nose].min() > 0.25 * (32.0 - ambient) + 1e-3


def test_a_warmer_nose_is_warmer():
    temps, labels = FACES[1]
    nose = labels == 5
    for delta, sign in ((3.0, 1), (-3.0, -1)):
        t = ThermalAmbience(ambient=None, nose=delta, periorbital=0, perinasal=0, breathing=0)
        out = t(image=temps, mask=labels, rng=0)["image"]
        change = sign * (out - temps)[nose]
        assert change.max() > 2.0 and change.min() >= 0


def test_occluded_pixels_get_no_bumps():
    temps, labels = FACES[2]
    occluded = labels == 5
    t = ThermalAmbience(ambient=None, nose=4.0)
    out = t(image=temps, mask=labels, occluded=occluded, rng=0)
    np.testing.assert_array_equal(out["image"][occluded], temps[occluded])


def test_without_labels_only_the_room_changes():
    temps, labels = FACES[3]
    t = ThermalAmbience()
    with_mask = t(image=temps, mask=labels, rng=5)["params"]
    without = t(image=temps, rng=5)
    p = without["params"]
    assert p["anchors"] == {}
    # The same draws with or without labels: the stream does not depend on them.
    assert all(p[k] == with_mask[k] for k in ("ambient", *REGIONS))
    room = ambience(temps, p["ambient"], skin_response=p["skin_response"],
                    scene=p["scene"])["image"]
    np.testing.assert_array_equal(without["image"], room)


def test_replay_is_exact_and_pickling_keeps_behaviour():
    temps, labels = FACES[0]
    t = ThermalAmbience(p=0.7)
    for seed in range(6):
        out = t(image=temps, mask=labels, rng=seed)
        again = t.replay(out["params"], image=temps, mask=labels)
        np.testing.assert_array_equal(again["image"], out["image"])
        clone = pickle.loads(pickle.dumps(t))
        np.testing.assert_array_equal(clone(image=temps, mask=labels, rng=seed)["image"],
                                      out["image"])


def test_an_edited_change_is_replayed():
    temps, labels = FACES[0]
    t = ThermalAmbience(ambient=None)
    out = t(image=temps, mask=labels, rng=0)
    edited = {**out["params"], "nose": out["params"]["nose"] + 2.0}
    warmer = t.replay(edited, image=temps, mask=labels)["image"]
    assert (warmer[labels == 5] >= out["image"][labels == 5]).all()
    assert (warmer[labels == 5] > out["image"][labels == 5]).any()


@pytest.mark.parametrize("subject", range(3))
def test_regions_are_sized_in_face_units(subject):
    small = _anchors(make_face((96, 120), subject=subject, rng=1)[1], DEFAULT_CLASSES)
    large = _anchors(make_face((384, 480), subject=subject, rng=1)[1], DEFAULT_CLASSES)
    assert small.keys() == large.keys()
    for region in small:
        for (r1, c1, s1), (r4, c4, s4) in zip(small[region], large[region], strict=True):
            assert s4 == pytest.approx(4 * s1, rel=0.08)
            # Centres agree within the small frame's pixel (labels are rasterised per size).
            assert abs(r4 / 4 - r1) < 1.5 and abs(c4 / 4 - c1) < 1.5


def test_the_change_does_not_depend_on_the_resolution():
    # The same face and the same draws at two sizes: the nose tip's change agrees.
    out = {}
    for size in ((96, 120), (384, 480)):
        temps, labels = make_face(size, subject=7, rng=3)
        o = ThermalAmbience(ambient=None, nose=3.0, periorbital=0, perinasal=0,
                            breathing=0)(image=temps, mask=labels, rng=0)
        out[size] = (o["image"] - temps)[labels == 5].mean()
    assert out[(96, 120)] == pytest.approx(out[(384, 480)], abs=0.15)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(ambient=(20.0, 40.0)), ValueError, r"ambient\[1\] must be in \[-40, 36\], got 40"),
    (dict(ambient="warm"), TypeError, r"ambient must be a number or a \(low, high\) pair"),
    (dict(nose=(5.0, 1.0)), ValueError, r"nose must satisfy low <= high"),
    (dict(breathing=30.0), ValueError, r"breathing\[0\] must be in \[-20, 20\]"),
    (dict(classes=[3, 5]), TypeError, r"classes must be a dict of label values"),
    (dict(classes={"ears": 7}), ValueError, r"classes may hold the keys .*got 'ears'"),
    (dict(classes={"nose": 5.0}), TypeError, r"classes\['nose'\] must be an int label"),
    (dict(classes={"nose": 5, "eyes": 70000}), ValueError,
     r"classes must hold labels less than 65536 apart, got 5 and 70000"),
    (dict(ignore_index="x"), TypeError, r"ignore_index must be an int"),
    (dict(p=2.0), ValueError, r"p must be in \[0, 1\]"),
])
def test_bad_parameters_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        ThermalAmbience(**kwargs)


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((50.0,), {}, ValueError, r"ambient must be in \[-40, 36\], got 50"),
    ((20.0, [{"center": (1, 1), "radius": 0.0, "delta": 1.0}]), {}, ValueError,
     r"spots\[0\]\['radius'\] must be in \[0.001, 65536\]"),
    ((20.0, [{"center": (1, 1), "delta": 1.0}]), {}, TypeError,
     r"spots\[0\] must be a dict with the keys 'center', 'radius' and 'delta'"),
    ((20.0, {"center": (1, 1), "radius": 2.0, "delta": 1.0}), {}, TypeError,
     r"spots must be a sequence of dicts"),
    ((20.0, [{"center": 3, "radius": 2.0, "delta": 1.0}]), {}, TypeError,
     r"spots\[0\]\['center'\] must be a \(row, col\) pair"),
    ((20.0,), {"scene": (20.0,)}, TypeError, r"scene must be an \(ambient, skin\) pair"),
    ((20.0,), {"scene": (20.0, np.nan)}, ValueError, r"scene\[1\] must be finite"),
])
def test_bad_op_arguments_are_refused(args, kwargs, error, match):
    temps = np.full((6, 6), 30.0)
    with pytest.raises(error, match=match):
        ambience(temps, *args, **kwargs)


@pytest.mark.parametrize("edit, error, match", [
    (dict(ambient=99.0), ValueError, r"params\['ambient'\] must be in \[-40, 36\]"),
    (dict(nose="warm"), TypeError, r"params\['nose'\] must be a real number"),
    (dict(scene=None), TypeError, r"params\['scene'\] must be an \(ambient, skin\) pair"),
    (dict(anchors={"ears": []}), TypeError, r"params\['anchors'\] must be a dict from regions"),
    (dict(anchors={"nose": [(1.0, 2.0)]}), TypeError,
     r"params\['anchors'\]\['nose'\] must be a list of \(row, col, radius\) triples"),
    (dict(anchors={"nose": [(1.0, 2.0, -3.0)]}), ValueError, r"\['radius'\] must be in"),
])
def test_bad_replay_params_are_refused(edit, error, match):
    temps, labels = FACES[0]
    t = ThermalAmbience()
    params = {**t(image=temps, mask=labels, rng=0)["params"], **edit}
    with pytest.raises(error, match=match):
        t.replay(params, image=temps, mask=labels)


def test_face_anchors_refuses_what_is_not_a_label_map():
    with pytest.raises(TypeError, match="mask must be a 2-D numpy.ndarray of integer labels"):
        face_anchors([[0, 1]])
    with pytest.raises(TypeError, match="mask must have an integer dtype"):
        face_anchors(np.zeros((4, 4)))
    assert face_anchors(np.zeros((4, 4), np.uint8)) == {}

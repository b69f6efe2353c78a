"""The contract of every public transform and functional op, for every array a user can hand in.

Transforms are discovered from ``tiaug.__all__`` and the ``__all__`` of tiaug's public modules,
functional ops from ``tiaug.functional.__all__`` and ``tiaug.normalize.__all__``; each needs an
entry in :data:`TRANSFORMS` or :data:`OPS` (how to build or call it with valid parameters), so a
new public name fails :func:`test_every_public_name_has_an_entry` until it is covered.

For each image, mask and occlusion-map flavour (layouts, byte orders, dtypes, tiny and degenerate
shapes, non-finite and non-°C values) a call gives a correct result or the TypeError/ValueError
listed for that flavour, naming the argument; never another exception, a crash, NaN out of finite
input or a modified input. A result is reproducible from the same ``rng``, ``replay`` reproduces
it exactly, a pickled transform gives the same result, and one transform object called from four
threads at once gives the serial results.
"""

import inspect
import pickle
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import tiaug
from tiaug import (
    Compose,
    Eyeglasses,
    GaussianBlur,
    HandOcclusion,
    HeldCup,
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
    normalize,
)
from tiaug import functional as F
from tiaug.geometry import GeometricTransform

SHAPE = (10, 13)

# How to build each public transform with valid parameters.
TRANSFORMS = {
    "Compose": dict(build=lambda: Compose([HorizontalFlip(p=0.5), Rotate(), NETDNoise()])),
    # An ignore_index that every mask flavour holds (int8 cannot hold the default 255).
    "TiAug": dict(build=lambda: TiAug(size=(9, 11), ignore_index=99)),
    "HorizontalFlip": dict(build=HorizontalFlip),
    "VerticalFlip": dict(build=VerticalFlip),
    "Rotate": dict(build=lambda: Rotate(angle=(-40.0, 40.0), fill=21.5, mask_fill=4)),
    "RandomScale": dict(build=lambda: RandomScale(scale=(0.5, 2.0), size=(9, 15), p=0.7)),
    "NETDNoise": dict(build=NETDNoise),
    "GaussianBlur": dict(build=GaussianBlur),
    "ThermalOcclusion": dict(build=lambda: ThermalOcclusion(label_policy="ignore",
                                                            ignore_index=5)),
    "Eyeglasses": dict(build=Eyeglasses),
    "HeldCup": dict(build=HeldCup),
    "HandOcclusion": dict(build=HandOcclusion),
    "RandomOccluders": dict(build=lambda: RandomOccluders(count=(1, 3))),
    "ThermalAmbience": dict(build=lambda: ThermalAmbience(p=0.8)),
    "ThermalCamera": dict(build=lambda: ThermalCamera(coverage=(0.2, 1.0), p=0.9)),
}
# Public classes that are not transforms one can call, with the reason.
ABSTRACT = {
    "Transform": "base class: sample() and apply() are left to subclasses",
    "GeometricTransform": "base class: sample_geometry() and affine() are left to subclasses",
    "OcclusionTransform": "base class: sample_objects() is left to subclasses",
}

# How to call each functional op with valid parameters (the frame comes first, then keywords).
OCCLUDERS = [
    {"shapes": [{"type": "polygon", "vertices": [[1, 1], [1, 8], [7, 5]]},
                {"type": "line", "points": [[0, 12], [9, 9]], "width": 2.0}],
     "temperature": 45.0},
    {"shapes": [{"type": "ellipse", "center": (6, 3), "axes": (3, 2), "angle": 0.4}],
     "temperature": (5.0, 9.0), "axis": ((3, 3), (9, 3))},
    # An object: a textured, translucent, blurred part and a footprint.
    {"parts": [{"shapes": [{"type": "ellipse", "center": (4, 9), "axes": (3, 2), "angle": 0.0}],
                "opacity": 0.7,
                "field": {"axis": ((1, 9), (7, 9)), "profile": ((0.0, 20.0), (1.0, 28.0)),
                          "range": (18.0, 30.0), "texture": (1.0, 4.0, 2.0, 0.5, 0.2, 1.0),
                          "seed": 7}}],
     "sigma": 0.8, "footprint": ((5.0, 5.0, 2.0, 3.0, 0.3, 1.5),)},
]
OPS = {
    "hflip": lambda image, **kw: F.hflip(image, **kw),
    "vflip": lambda image, **kw: F.vflip(image, **kw),
    "rotate": lambda image, **kw: F.rotate(image, 33.0, fill=25.0, **kw),
    "scale": lambda image, **kw: F.scale(image, (1.7, 0.8), size=(9, 11), **kw),
    "warp_affine": lambda image, **kw: F.warp_affine(
        image, [[0.9, 0.2, 1.0], [-0.1, 1.1, -2.0]], **kw),
    "gaussian_blur": lambda image, **kw: F.gaussian_blur(image, 1.1, **kw),
    "add_noise": lambda image, **kw: F.add_noise(image, 0.1, 3, **kw),
    "occlude": lambda image, **kw: F.occlude(image, OCCLUDERS, scene=(20.0, 34.0),
                                             label_policy="background", **kw),
    "ambience": lambda image, **kw: F.ambience(
        image, 12.0, [{"center": (4, 6), "radius": 3.0, "delta": -2.5}], **kw),
    # On the sensor's grid: labels and the occlusion map by majority vote, for every flavour.
    "reimage": lambda image, **kw: F.reimage(image, "tc001", 0.04, 0.8, 1.02, (0.97, 0.95), 0.3,
                                             5, output="sensor", **kw),
    "minmax": lambda image, **kw: normalize.minmax(image, (-1.0, 1.0), **kw),
    "fixed_range": lambda image, **kw: normalize.fixed_range(image, 15.0, 40.0, **kw),
    "scene_range": lambda image, **kw: normalize.scene_range(image, (2.0, 2.0), **kw),
}
# Ops that take no frame, or return an array rather than the output dict.
NO_FRAME = {"draw_occluders": "takes a shape, not a frame: see test_draw_occluders"}
ARRAY_OUT = {"minmax", "fixed_range", "scene_range"}


def public_transforms():
    names = set()
    for module in [tiaug] + [getattr(tiaug, m) for m in tiaug.__all__
                             if inspect.ismodule(getattr(tiaug, m))]:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, Transform):
                names.add(name)
    return sorted(names)


def public_ops():
    return sorted(set(F.__all__) | set(normalize.__all__))


@pytest.mark.parametrize("name", public_transforms() + public_ops())
def test_every_public_name_has_an_entry(name):
    known = {**TRANSFORMS, **ABSTRACT, **OPS, **NO_FRAME}
    assert name in known, (
        f"public name {name!r} has no entry in tests/tiaug/test_contract.py: add how to build it "
        "with valid parameters to TRANSFORMS (a transform) or OPS (a functional op)")


# --------------------------------------------------------------------------- array flavours

def frame(shape=SHAPE, dtype=np.float32, seed=0):
    """A smooth room-and-face-like frame in °C with some pixel noise."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[:shape[0], :shape[1]]
    image = 22.0 + 12.0 * np.exp(-((rows - shape[0] / 2) ** 2 + (cols - shape[1] / 2) ** 2)
                                 / (0.1 * shape[0] * shape[1] + 1.0))
    return (image + rng.uniform(-0.3, 0.3, shape)).astype(dtype)


def labels(shape=SHAPE, dtype=np.uint8, seed=1):
    """Labels 0-5 with two eye blobs (class 3) where the frame is large enough."""
    out = np.random.default_rng(seed).integers(0, 6, shape)
    out[out == 3] = 1
    if min(shape) >= 6:
        out[2:4, 2:4] = out[2:4, -4:-2] = 3
    return out.astype(dtype)


def read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


def strided(a):
    out = np.repeat(a, 2, axis=1)[:, ::2]
    assert not out.flags.c_contiguous
    return out


IMAGES = {
    "float32": lambda: frame(),
    "float64": lambda: frame(dtype=np.float64),
    "read-only": lambda: read_only(frame()),
    "fortran": lambda: np.asfortranarray(frame()),
    "strided": lambda: strided(frame()),
    "reversed": lambda: frame()[::-1, ::-1],
    "big-endian >f4": lambda: frame().astype(">f4"),
    "big-endian >f8": lambda: frame().astype(">f8"),
    "2x2": lambda: frame((2, 2)),
    "2x9": lambda: frame((2, 9)),
    "constant": lambda: np.full(SHAPE, 36.6, np.float32),
    "coldest possible": lambda: np.full(SHAPE, -273.15),
    "hottest possible": lambda: np.where(frame() > 30, 1e4, frame()).astype(np.float32),
}
BAD_IMAGES = {
    "1xN": (lambda: frame((1, 9)), ValueError,
            r"image must be at least 2x2 pixels, got shape \(1, 9\)"),
    "Nx1": (lambda: frame((9, 1)), ValueError, r"image must be at least 2x2 pixels"),
    "empty": (lambda: frame((0, 5)), ValueError, r"image must be at least 2x2 pixels"),
    "float16": (lambda: frame(dtype=np.float16), TypeError,
                r"image must have dtype float32 or float64, got float16; convert it with "
                r"image.astype\(np.float32\)"),
    "complex": (lambda: frame().astype(np.complex64), TypeError,
                r"image must have dtype float32 or float64, got complex64"),
    "int16 counts": (lambda: frame().astype(np.int16), TypeError,
                     r"image has dtype int16, but tiaug works on temperatures in °C"),
    "bool": (lambda: frame() > 30, TypeError, r"image has dtype bool"),
    "(H, W, 1)": (lambda: frame()[..., None], ValueError,
                  r"image must be a 2-D \(H, W\) array of temperatures, got shape \(10, 13, 1\); "
                  r"for a trailing channel axis"),
    "stack": (lambda: np.stack([frame()] * 2), ValueError,
              r"apply the transform to each frame of a stack separately"),
    "0-d": (lambda: np.array(30.0), ValueError, r"image must be a 2-D \(H, W\) array"),
    "NaN": (lambda: np.where(frame() > 33, np.nan, frame()), ValueError,
            r"image contains NaN or inf"),
    "inf": (lambda: np.where(frame() > 33, -np.inf, frame()), ValueError,
            r"image contains NaN or inf"),
    # Warned, not refused: a valid frame's hot part, cropped by geometry, is such a frame too.
    "kelvin": (lambda: frame() + 273.15, UserWarning,
               r"image's coldest pixel is 29\d.\d+ °C.*kelvin or centi-kelvin\? Convert it with "
               r"tiaug.units.to_celsius\(image, unit\)"),
    "centi-kelvin": (lambda: frame() * 100 + 27315, ValueError,
                     r"image must hold temperatures in °C within \[-273.15, 10000\]"),
    "list": (lambda: frame().tolist(), TypeError, r"image must be a numpy.ndarray"),
}
MASKS = {
    "uint8": lambda: labels(),
    "int64": lambda: labels(dtype=np.int64),
    "int8": lambda: labels(dtype=np.int8),
    "uint16": lambda: labels(dtype=np.uint16),
    "uint64": lambda: labels(dtype=np.uint64),
    "big-endian >u2": lambda: labels(dtype=">u2"),
    "big-endian >i8": lambda: labels(dtype=">i8"),
    "read-only": lambda: read_only(labels()),
    "fortran": lambda: np.asfortranarray(labels()),
    "strided": lambda: strided(labels()),
}
BAD_MASKS = {
    "bool": (lambda: labels() > 2, TypeError,
             r"mask must have an integer dtype \(class labels, e.g. uint8 or int64\), got bool; "
             r"convert it with mask.astype\(np.uint8\)"),
    "float": (lambda: labels().astype(np.float32), TypeError,
              r"mask must have an integer dtype .* got float32"),
    "(H, W, 1)": (lambda: labels()[..., None], ValueError,
                  r"mask must have the image's shape \(10, 13\), got \(10, 13, 1\); for a "
                  r"trailing channel axis"),
    "transposed": (lambda: labels((13, 10)), ValueError,
                   r"mask must have the image's shape \(10, 13\), got \(13, 10\)"),
    "list": (lambda: labels().tolist(), TypeError, r"mask must be a numpy.ndarray"),
}
OCCLUDED = {
    "bool": lambda: labels() == 2,
    "fortran": lambda: np.asfortranarray(labels() == 2),
    "read-only": lambda: read_only(labels() == 2),
    "strided": lambda: strided(labels() == 2),
}
BAD_OCCLUDED = {
    "uint8": (lambda: (labels() == 2).astype(np.uint8), TypeError,
              r"occluded must be a bool numpy.ndarray or None .* got dtype uint8"),
    "wrong shape": (lambda: np.zeros((3, 3), bool), ValueError,
                    r"occluded must have the image's shape \(10, 13\)"),
}


# --------------------------------------------------------------------------- checks

def snapshot(*arrays):
    return [None if a is None else (a.tobytes(), a.dtype, a.shape, a.strides, a.flags.writeable)
            for a in arrays]


def native(dtype):
    return dtype.newbyteorder("=")


def check_output(out, image, mask, occluded, keys=("image", "mask", "occluded")):
    """The invariants of any output dict: dtypes, shapes, finite, new arrays."""
    expected = {"image", "occluded"} | ({"mask"} if mask is not None else set())
    assert expected <= set(out) <= expected | {"params"}
    assert out["image"].dtype == native(image.dtype)
    assert out["occluded"].dtype == bool and out["occluded"].shape == out["image"].shape
    assert np.isfinite(out["image"]).all(), "NaN or inf out of a finite frame"
    if mask is not None:
        assert out["mask"].dtype == native(mask.dtype) and out["mask"].shape == out["image"].shape
    for key, given in (("image", image), ("mask", mask), ("occluded", occluded)):
        if key in out and given is not None:
            assert not np.shares_memory(out[key], given), f"{key} hands back the input's memory"
            assert out[key].flags.writeable


def same(a, b):
    assert a.keys() == b.keys()
    for key in ("image", "mask", "occluded"):
        if key in a:
            assert a[key].dtype == b[key].dtype and a[key].tobytes() == b[key].tobytes(), key
    if "params" in a:
        assert repr(a["params"]) == repr(b["params"])


def check_transform(name, image, mask=None, occluded=None):
    t = TRANSFORMS[name]["build"]()
    before = snapshot(image, mask, occluded)
    out = t(image=image, mask=mask, occluded=occluded, rng=7)
    assert snapshot(image, mask, occluded) == before, "an input was modified"
    check_output(out, image, mask, occluded)
    same(out, t(image=image, mask=mask, occluded=occluded, rng=7))
    same(out, t.replay(out["params"], image=image, mask=mask, occluded=occluded) | {
        "params": out["params"]})
    clone = pickle.loads(pickle.dumps(t))
    same(out, clone(image=image, mask=mask, occluded=occluded, rng=7))
    assert snapshot(image, mask, occluded) == before, "an input was modified"
    return out


def refused(call, error, match):
    """`call` raises `error` (or, for a warning class, warns) with a message matching `match`."""
    if issubclass(error, Warning):
        with pytest.warns(error, match=match):
            call()
        return
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------- transforms

TRANSFORM_NAMES = [n for n in public_transforms() if n in TRANSFORMS]


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
@pytest.mark.parametrize("flavour", IMAGES)
def test_transform_image_flavours(name, flavour):
    image = IMAGES[flavour]()
    check_transform(name, image, labels(image.shape), labels(image.shape) == 2)


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
@pytest.mark.parametrize("flavour", BAD_IMAGES)
def test_transform_bad_images(name, flavour):
    make, error, match = BAD_IMAGES[flavour]
    t = TRANSFORMS[name]["build"]()
    refused(lambda: t(image=make(), rng=0), error, match)
    refused(lambda: t.replay({"applied": False}, image=make()), error, match)


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
@pytest.mark.parametrize("flavour", MASKS)
def test_transform_mask_flavours(name, flavour):
    check_transform(name, frame(), MASKS[flavour]())


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
@pytest.mark.parametrize("flavour", BAD_MASKS)
def test_transform_bad_masks(name, flavour):
    make, error, match = BAD_MASKS[flavour]
    refused(lambda: TRANSFORMS[name]["build"]()(image=frame(), mask=make(), rng=0), error, match)


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
@pytest.mark.parametrize("flavour", OCCLUDED)
def test_transform_occluded_flavours(name, flavour):
    out = check_transform(name, frame(), labels(), OCCLUDED[flavour]())
    if not isinstance(TRANSFORMS[name]["build"](), (Compose, GeometricTransform)):
        assert out["occluded"][OCCLUDED[flavour]()].all()  # OR-ed, not replaced


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
@pytest.mark.parametrize("flavour", BAD_OCCLUDED)
def test_transform_bad_occluded(name, flavour):
    make, error, match = BAD_OCCLUDED[flavour]
    refused(lambda: TRANSFORMS[name]["build"]()(image=frame(), occluded=make(), rng=0), error,
            match)


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
def test_transform_without_mask(name):
    check_transform(name, frame())


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
def test_transform_bad_params_and_rng(name):
    t = TRANSFORMS[name]["build"]()
    refused(lambda: t.replay([], image=frame()), TypeError,
            r"params must be the 'params' dict returned by a call of this transform")
    refused(lambda: t.replay({"applied": 1}, image=frame()), TypeError,
            r"params\['applied'\] must be True or False")
    refused(lambda: t(image=frame(), rng="seed"), TypeError,
            r"rng must be None, a non-negative int seed or a numpy.random.Generator")
    refused(lambda: t(image=frame(), rng=-1), ValueError, r"rng must be a non-negative")
    refused(lambda: t(frame()), TypeError, r"takes 1 positional argument")


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
def test_transform_from_four_threads_gives_the_serial_results(name):
    t = TRANSFORMS[name]["build"]()
    image, mask = frame(), labels()
    serial = [t(image=image, mask=mask, rng=seed) for seed in range(16)]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda s: t(image=image, mask=mask, rng=s), range(16)))
    for a, b in zip(serial, parallel):
        same(a, b)


# --------------------------------------------------------------------------- functional ops

OP_NAMES = [n for n in public_ops() if n in OPS]


def check_op(name, image, mask=None, occluded=None):
    op = OPS[name]
    kwargs = {} if name in ARRAY_OUT else {"mask": mask, "occluded": occluded}
    before = snapshot(image, mask, occluded)
    out = op(image, **kwargs)
    assert snapshot(image, mask, occluded) == before, "an input was modified"
    if name in ARRAY_OUT:
        out = {"image": out, "occluded": np.zeros(out.shape, bool)}
        mask = occluded = None
    check_output(out, image, mask, occluded)
    again = op(image, **kwargs)
    same(out, again if name not in ARRAY_OUT else {"image": again, "occluded": out["occluded"]})
    return out


@pytest.mark.parametrize("name", OP_NAMES)
@pytest.mark.parametrize("flavour", IMAGES)
def test_op_image_flavours(name, flavour):
    image = IMAGES[flavour]()
    check_op(name, image, labels(image.shape), labels(image.shape) == 2)


@pytest.mark.parametrize("name", OP_NAMES)
@pytest.mark.parametrize("flavour", BAD_IMAGES)
def test_op_bad_images(name, flavour):
    make, error, match = BAD_IMAGES[flavour]
    refused(lambda: OPS[name](make()), error, match)


@pytest.mark.parametrize("name", [n for n in OP_NAMES if n not in ARRAY_OUT])
@pytest.mark.parametrize("flavour", list(MASKS) + list(BAD_MASKS))
def test_op_masks(name, flavour):
    if flavour in MASKS:
        check_op(name, frame(), MASKS[flavour]())
    else:
        make, error, match = BAD_MASKS[flavour]
        refused(lambda: OPS[name](frame(), mask=make()), error, match)


@pytest.mark.parametrize("name", [n for n in OP_NAMES if n not in ARRAY_OUT])
@pytest.mark.parametrize("flavour", list(OCCLUDED) + list(BAD_OCCLUDED))
def test_op_occluded(name, flavour):
    if flavour in OCCLUDED:
        check_op(name, frame(), occluded=OCCLUDED[flavour]())
    else:
        make, error, match = BAD_OCCLUDED[flavour]
        refused(lambda: OPS[name](frame(), occluded=make()), error, match)


@pytest.mark.parametrize("name", OP_NAMES)
def test_op_from_four_threads_gives_the_serial_results(name):
    image = frame()
    serial = [OPS[name](image + k) for k in range(8)]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda k: OPS[name](image + k), range(8)))
    for a, b in zip(serial, parallel):
        if name in ARRAY_OUT:
            assert a.tobytes() == b.tobytes()
        else:
            same(a, b)


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (10, 13), [4, 5]])
def test_draw_occluders(shape):
    masks = F.draw_occluders(shape, OCCLUDERS)
    assert masks.shape == (len(OCCLUDERS), *shape) and masks.dtype == bool
    refused(lambda: F.draw_occluders(np.array(shape), OCCLUDERS), TypeError,
            r"shape must be a pair of ints \(H, W\)")


def test_flavour_tables_cover_what_the_issue_lists():
    # Read-only, Fortran-order, strided, big-endian, bool and int64 masks, 1xN and tiny frames,
    # float16: each one is either accepted or refused with its own message.
    flavours = " ".join(list(IMAGES) + list(BAD_IMAGES) + list(MASKS) + list(BAD_MASKS))
    for word in ("read-only", "fortran", "strided", "big-endian", "bool", "int64", "1xN", "2x2",
                 "float16"):
        assert re.search(re.escape(word), flavours), word

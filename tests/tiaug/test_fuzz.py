"""Fuzzing every public transform and functional op of tiaug (``make fuzz`` runs it long).

Cases draw shapes, dtypes, layouts and values of the image, the mask and the occlusion map, and
for every constructor and op parameter either its default or a value from the whole valid and
invalid range (tiny, huge, negative, non-finite, wrong types). Each case runs in the ``fuzz``
worker process: a segfault or a hang is reported as the case's failure and the run goes on. A
case passes when it gives a correct result (finite, new arrays, inputs untouched, replay exact,
the same seed the same output; transforms also replay their params with one value edited) or a
TypeError/ValueError that names an argument.
"""

import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tiaug
from tiaug import Transform, normalize
from tiaug import functional as F

pytestmark = pytest.mark.fuzz

NASTY = [0.0, -0.0, 5e-324, 1e-300, 1e-200, 1e-160, 1e-45, 1e-7, 0.1, 0.125, 0.5, 1.0, 2.0, 3.0,
         36.6, 100.0, 101.0, 1e4, 10001.0, -273.15, -273.16, -1.0, -1e4, 1e39, 3.4e38, 1e300,
         -1e300, float("inf"), float("-inf"), float("nan")]
JUNK = [None, "x", "", [], (), {"a": 1}, b"raw", 1 + 2j, True]
WORDS = ["edge", "any", "hot", "cold", "keep", "ignore", "background", "polygon", "line",
         "connected", "pair", "ellipse", "reflect", "warm", "EDGE"]

numbers = st.one_of(st.sampled_from(NASTY), st.floats(-100.0, 200.0), st.integers(-5, 300),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([2**31, 2**63, -(2**63) - 1, 2**70]))
junk = st.sampled_from(JUNK)


def mostly(usual, other, odds=6):
    """`usual` `odds` times out of `odds + 1`, else `other` (one_of would draw each half)."""
    return st.integers(0, odds).flatmap(lambda i: usual if i else other)


def nasty_like(default):
    """Values of the whole valid and invalid range of a parameter whose default is `default`."""
    if isinstance(default, bool):
        return st.one_of(st.booleans(), numbers, junk)
    if isinstance(default, (int, float)):
        return st.one_of(numbers, junk)
    if isinstance(default, str):
        return st.one_of(st.sampled_from(WORDS), numbers, junk)
    if isinstance(default, (tuple, list)) and all(isinstance(v, str) for v in default):
        return st.one_of(st.lists(st.sampled_from(WORDS), max_size=5).map(tuple), junk,
                         st.sampled_from(WORDS))
    if isinstance(default, (tuple, list)):
        return st.one_of(st.tuples(numbers, numbers), st.lists(numbers, max_size=3), numbers,
                         junk)
    # None (e.g. size=None): a pair of ints is the valid value
    return st.one_of(st.tuples(st.integers(-3, 300), st.integers(-3, 300)), junk, numbers,
                     st.tuples(st.integers(2, 40), st.integers(2, 40)))


def valid_like(default):
    """The default, or a value near it: most likely valid."""
    if isinstance(default, bool) or default is None or isinstance(default, str):
        return st.just(default)
    if isinstance(default, int):
        near = st.integers(max(0, default - 2), default + 2)
    elif isinstance(default, float):
        near = (st.floats(0.0, 1.0) if default == 1.0 else st.floats(-10.0, 10.0)
                if default == 0.0 else st.floats(*sorted((0.9 * default, 1.1 * default))))
    elif (isinstance(default, (tuple, list)) and len(default) == 2
          and all(isinstance(v, (int, float)) for v in default)):
        near = st.tuples(valid_like(default[0]), valid_like(default[1])).map(
            lambda pair: tuple(sorted(pair)))
    else:
        return st.just(default)
    return st.one_of(st.just(default), near)


def parameter(default):
    return st.one_of(valid_like(default), nasty_like(default))


@st.composite
def some_perturbed(draw, defaults):
    """kwargs from the valid ranges, except for up to two drawn from `nasty_like`.

    Perturbing every parameter at once would almost always be refused by the first bad value:
    most cases must get through to the computation.
    """
    names = list(defaults)
    count = draw(st.sampled_from([0, 0, 0, 1, 1, 2]))
    chosen = draw(st.lists(st.sampled_from(names), min_size=min(count, len(names)),
                           max_size=min(count, len(names)), unique=True)) if names else []
    return {n: draw(nasty_like(defaults[n]) if n in chosen else valid_like(defaults[n]))
            for n in names}


# --------------------------------------------------------------------------- arrays

shapes_2d = st.tuples(st.integers(2, 24), st.integers(2, 24))
odd_shapes = st.one_of(st.tuples(st.integers(0, 3), st.integers(0, 30)),
                       st.tuples(st.integers(1, 6), st.integers(1, 6), st.sampled_from([1, 2])),
                       st.tuples(st.integers(0, 5)), st.just(()))
layouts = st.sampled_from(["C", "C", "C", "F", "strided", "reversed", "readonly"])
specials = st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(NASTY + [300.0, 29315.0])),
                    max_size=3)


@st.composite
def array_spec(draw, shape, dtypes, values, nasty=False):
    return {"spec": "array", "shape": shape, "dtype": draw(st.sampled_from(dtypes)),
            "layout": draw(layouts), "values": draw(st.sampled_from(values)),
            "value": draw(st.sampled_from([30.0, 36.6, -273.15, 1e4, 250.0] if nasty
                                          else [30.0, 36.6, -273.15, 200.0])),
            "scale": draw(st.sampled_from([1.0, 100.0, 1e4])),
            "seed": draw(st.integers(0, 2**32 - 1)),
            "specials": draw(specials) if nasty else []}


GOOD_IMAGE_DTYPES = ["float32", "float64", ">f4", ">f8"]
BAD_IMAGE_DTYPES = GOOD_IMAGE_DTYPES + ["float16", "int16", "uint8", "bool", "complex64"]
GOOD_MASK_DTYPES = ["uint8", "uint8", "int64", "int8", "uint16", "int32", "uint64", ">u2", ">i8"]
BAD_MASK_DTYPES = GOOD_MASK_DTYPES + ["bool", "float32"]


@st.composite
def frames(draw):
    """``{"image", "mask", "occluded"}`` specs: mostly valid, with at most one of them odd."""
    odd = draw(mostly(st.just("none"), st.sampled_from(["image", "mask", "occluded"]), odds=3))
    shape = draw(st.one_of(shapes_2d, odd_shapes) if odd == "image" else shapes_2d)
    image = draw(array_spec(shape, BAD_IMAGE_DTYPES if odd == "image" else GOOD_IMAGE_DTYPES,
                            ["room", "constant", "wide", "normal"] if odd == "image"
                            else ["room", "room", "constant"], nasty=odd == "image"))
    mask = occluded = None
    if odd == "mask" or draw(st.booleans()):
        mask_shape = draw(st.one_of(shapes_2d, odd_shapes)) if odd == "mask" else shape
        mask = draw(array_spec(mask_shape, BAD_MASK_DTYPES if odd == "mask" else GOOD_MASK_DTYPES,
                               ["labels", "wide", "constant"] if odd == "mask" else ["labels"],
                               nasty=odd == "mask"))
    if odd == "occluded" or draw(st.booleans()):
        occ_shape = draw(st.one_of(st.just(shape), shapes_2d)) if odd == "occluded" else shape
        occluded = draw(array_spec(occ_shape, ["bool", "uint8"] if odd == "occluded" else
                                   ["bool"], ["labels"]))
    return {"image": image, "mask": mask, "occluded": occluded}


rngs = mostly(st.integers(0, 2**64), st.one_of(
    st.none(), st.integers(-5, -1), junk, st.builds(np.random.default_rng, st.integers(0, 99))))


# --------------------------------------------------------------------------- transforms

# Base classes, nothing to call.
ABSTRACT = {"Transform", "GeometricTransform", "OcclusionTransform"}


def public_transforms():
    classes = {}
    for module in [tiaug] + [getattr(tiaug, m) for m in tiaug.__all__
                             if inspect.ismodule(getattr(tiaug, m))]:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, Transform) and name not in ABSTRACT:
                classes[name] = obj
    return dict(sorted(classes.items()))


TRANSFORMS = public_transforms()
PARAMETER_NAMES = sorted({n for cls in TRANSFORMS.values()
                          for n in inspect.signature(cls).parameters})
CHILDREN = [tiaug.HorizontalFlip(p=0.5), tiaug.Rotate(), tiaug.RandomScale(size=(12, 14)),
            tiaug.NETDNoise(), tiaug.GaussianBlur(p=0.5), tiaug.ThermalOcclusion()]


@st.composite
def init_kwargs(draw, cls):
    """Constructor kwargs; a parameter without a default needs an entry in `required`."""
    required = {"transforms": st.one_of(st.lists(st.sampled_from(CHILDREN), max_size=4), junk)}
    defaults, kwargs = {}, {}
    for name, p in inspect.signature(cls).parameters.items():
        if p.default is inspect.Parameter.empty:
            assert name in required, f"no strategy for {cls.__name__}({name}=...) in test_fuzz.py"
            kwargs[name] = draw(required[name])
        else:
            defaults[name] = p.default
    return kwargs | draw(some_perturbed(defaults))


@pytest.mark.parametrize("name", TRANSFORMS)
@given(data=st.data())
def test_fuzz_transform(fuzz, name, data):
    cls = TRANSFORMS[name]
    call = data.draw(frames())
    call["rng"] = data.draw(rngs)
    case = {"kind": "transform", "target": f"tiaug.{name}" if hasattr(tiaug, name)
            else f"{cls.__module__}.{name}",
            "init": data.draw(init_kwargs(cls)), "call": call,
            "edit": data.draw(st.one_of(st.none(), st.tuples(st.integers(0, 10**6),
                                                           st.one_of(numbers, junk)))),
            "names": PARAMETER_NAMES + ["image", "mask", "occluded", "rng", "params"]}
    kind, detail = fuzz.run(case)
    assert kind in ("ok", "refused"), f"{kind}: {detail}"


# --------------------------------------------------------------------------- functional ops

OPS = {name: getattr(F, name) for name in F.__all__}
OPS.update({name: getattr(normalize, name) for name in normalize.__all__})

point = st.lists(st.one_of(st.floats(-30.0, 60.0), st.sampled_from(NASTY)), min_size=0,
                 max_size=3)
shape_dicts = st.one_of(
    st.fixed_dictionaries({"type": st.just("polygon"), "vertices": st.lists(point, max_size=7)}),
    st.fixed_dictionaries({"type": st.just("line"), "points": st.lists(point, max_size=5),
                           "width": numbers}),
    st.fixed_dictionaries({"type": st.just("ellipse"), "center": point,
                           "axes": st.lists(numbers, max_size=3), "angle": numbers}),
    st.fixed_dictionaries({"type": st.sampled_from(WORDS + ["circle", ""])}),
    junk)
occluder = st.fixed_dictionaries(
    {"shapes": st.one_of(st.lists(shape_dicts, max_size=4), junk),
     "temperature": st.one_of(numbers, st.tuples(numbers, numbers), st.lists(numbers), junk)},
    optional={"axis": st.lists(point, max_size=3)})
part = st.fixed_dictionaries(
    {"shapes": st.one_of(st.lists(shape_dicts, max_size=3), junk),
     "opacity": st.one_of(st.floats(0.0, 1.0), numbers),
     "field": st.one_of(st.fixed_dictionaries(
         {"axis": st.lists(point, max_size=3), "profile": st.lists(point, max_size=4),
          "range": st.one_of(st.tuples(numbers, numbers), st.lists(numbers, max_size=3))},
         optional={"texture": st.lists(numbers, max_size=7),
                   "bumps": st.lists(st.lists(numbers, max_size=7), max_size=2),
                   "seed": st.one_of(st.integers(-5, 2**64), numbers)}), junk)})
obj = st.fixed_dictionaries(
    {"parts": st.one_of(st.lists(part, max_size=3), junk)},
    optional={"sigma": numbers, "removed": st.one_of(st.booleans(), junk),
              "footprint": st.lists(st.lists(numbers, max_size=7), max_size=2)})
POSITIONAL = {
    "angle": st.one_of(st.floats(-720.0, 720.0), numbers),
    "factor": st.one_of(st.floats(0.05, 5.0), numbers, st.tuples(numbers, numbers),
                        st.lists(numbers, max_size=3)),
    "matrix": st.one_of(
        st.lists(st.lists(st.floats(-3.0, 3.0), min_size=3, max_size=3), min_size=2, max_size=2),
        st.lists(st.lists(numbers, min_size=2, max_size=4), min_size=2, max_size=4), junk,
        numbers),
    "sigma": st.one_of(st.floats(0.0, 8.0), numbers),
    "amplitude": st.one_of(st.floats(0.0, 2.0), numbers),
    "rng": rngs,
    "objects": st.one_of(st.lists(st.one_of(occluder, obj), max_size=4), occluder, obj, junk),
    "shape": st.one_of(st.tuples(st.integers(-2, 40), st.integers(-2, 40)), junk, numbers,
                       st.lists(st.integers(0, 9), max_size=3)),
    "ambient": st.one_of(st.none(), st.floats(-50.0, 40.0), numbers),
    "spots": st.one_of(st.lists(st.one_of(
        st.fixed_dictionaries({"center": point, "radius": st.one_of(st.floats(0.0, 20.0), numbers),
                               "delta": st.one_of(st.floats(-10.0, 10.0), numbers)}), junk),
        max_size=3), junk),
    "t_min": st.one_of(st.floats(0.0, 40.0), numbers),
    "t_max": st.one_of(st.floats(20.0, 60.0), numbers),
}


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_fuzz_op(fuzz, name, data):
    op = OPS[name]
    frame = data.draw(frames())
    args, kwargs, options = [], {}, {}
    for pname, p in inspect.signature(op).parameters.items():
        if pname == "image":
            args.append(frame["image"])
        elif pname in ("mask", "occluded"):
            kwargs[pname] = frame[pname]
        elif p.default is inspect.Parameter.empty:
            assert pname in POSITIONAL, f"no strategy for {name}({pname}=...) in test_fuzz.py"
            args.append(data.draw(POSITIONAL[pname]))
        elif p.kind == p.KEYWORD_ONLY:
            options[pname] = p.default
        else:  # positional with a default, e.g. add_noise's rng or normalize's out_range
            args.append(data.draw(POSITIONAL.get(pname, parameter(p.default))))
    kwargs |= data.draw(some_perturbed(options))
    # A seed gives the same noise twice; None or a Generator does not.
    rng = dict(zip(inspect.signature(op).parameters, args)).get("rng", 0)
    case = {"kind": "op", "target": f"{op.__module__}.{name}", "args": args, "kwargs": kwargs,
            "names": list(inspect.signature(op).parameters),
            "deterministic": isinstance(rng, int) and not isinstance(rng, bool)}
    kind, detail = fuzz.run(case)
    assert kind in ("ok", "refused"), f"{kind}: {detail}"

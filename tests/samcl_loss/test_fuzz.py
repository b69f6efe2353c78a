"""Fuzzing every public callable of samcl_loss (``make fuzz`` runs it long).

Cases draw the constructor parameters (defaults, values near them, or one or two from the whole
invalid range), logits of every float dtype, layout and size (with NaN, inf and huge scores),
targets of every integer dtype with ignored and out-of-range labels, and empty batches. Each
case runs in the ``fuzz`` worker process (a crash or a hang fails the case, not the run). A case
passes when it gives a correct result (a float32/float64 loss of the right shape, finite from
moderate finite scores, with a finite gradient; inputs untouched) or a TypeError/ValueError that
names an argument.
"""

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

import samcl_loss

pytestmark = pytest.mark.fuzz

# How each public name is called: "loss" as loss(logits, target), "module" as module(x),
# "function" as class_swap(target, num_classes, ...). A new public name needs an entry.
KINDS = {"SAMCLLoss": "loss", "RMILoss": "loss", "AuxiliaryNetwork": "module",
         "class_swap": "function"}

NASTY = [0, -1, 1, 2, 3, 255, 256, 1000, 2**63, -(2**63) - 1, 0.0, -0.0, 0.5, 1e-300, 1e300,
         float("inf"), float("nan")]
JUNK = [None, "x", "", [], {"a": 1}, True, 1 + 2j]
WORDS = ["mean", "sum", "none", "max", "avg", "joint", "frozen", "adversarial", "MEAN"]
numbers = st.one_of(st.sampled_from(NASTY), st.integers(-5, 40), st.floats(allow_nan=True))
junk = st.sampled_from(JUNK)


def mostly(usual, other, odds=6):
    """`usual` `odds` times out of `odds + 1`, else `other` (one_of would draw each half)."""
    return st.integers(0, odds).flatmap(lambda i: usual if i else other)


def test_every_public_name_has_a_kind():
    missing = sorted(set(samcl_loss.__all__) - set(KINDS))
    assert not missing, f"samcl_loss.{missing[0]} has no entry in KINDS of test_fuzz.py"


def nasty_like(default):
    if isinstance(default, str):
        return st.one_of(st.sampled_from(WORDS), junk, numbers)
    return st.one_of(numbers, junk)


def valid_like(default):
    if isinstance(default, bool) or isinstance(default, str) or default is None:
        return st.just(default)
    if isinstance(default, int):
        return st.one_of(st.just(default), st.integers(max(1, default - 2), default + 2))
    return st.one_of(st.just(default), st.floats(0.0, 2.0 * default + 1.0))


@st.composite
def init_kwargs(draw, fn):
    required = {"num_classes": mostly(st.integers(2, 5), st.one_of(numbers, junk)),
                "num_layers": mostly(st.integers(0, 3), st.one_of(numbers, junk))}
    params = {n: p for n, p in inspect.signature(fn).parameters.items()
              if p.kind is not p.VAR_KEYWORD}
    count = draw(st.sampled_from([0, 0, 0, 1, 1, 2]))
    chosen = draw(st.lists(st.sampled_from(sorted(params)), min_size=count, max_size=count,
                           unique=True))
    kwargs = {}
    for name, p in params.items():
        if p.default is inspect.Parameter.empty:
            assert name in required, f"no strategy for {fn.__name__}({name}=...) in test_fuzz.py"
            kwargs[name] = draw(required[name])
        else:
            kwargs[name] = draw(nasty_like(p.default) if name in chosen
                                else valid_like(p.default))
    return kwargs


FLOATS = ["float32"] * 6 + ["float16", "bfloat16", "float64", "float64"]
INTS = ["int64"] * 5 + ["uint8", "int8", "int16", "int32"]
layouts = st.sampled_from(["contiguous"] * 3 + ["channels_last", "strided", "transposed"])


@st.composite
def tensor_spec(draw, shape, dtypes, values, classes=3, nasty=False):
    specials = []
    if nasty:
        specials = draw(st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(
            [float("nan"), float("inf"), -float("inf"), 1e30, -1e30, -1.0, 255.0, 256.0,
             float(classes), 1e4])), max_size=3))
    elif values == "labels":  # some ignored pixels
        specials = draw(st.lists(st.tuples(st.integers(0, 10**6), st.just(255.0)), max_size=4))
    return {"spec": "tensor", "shape": shape, "dtype": draw(st.sampled_from(dtypes)),
            "layout": draw(layouts), "values": values, "classes": classes,
            "scale": draw(st.sampled_from([1.0, 1.0, 10.0, 1e3])),
            "seed": draw(st.integers(0, 2**32 - 1)), "specials": specials,
            "requires_grad": draw(st.booleans())}


@st.composite
def loss_call(draw, classes):
    c = classes if isinstance(classes, int) and not isinstance(classes, bool) else 3
    odd = draw(mostly(st.just("none"), st.sampled_from(["logits", "target", "shape"]), odds=3))
    n = draw(st.integers(0, 3))
    h, w = draw(st.integers(1, 30)), draw(st.integers(1, 30))
    if draw(st.booleans()):  # large enough for the default RMI regions most of the time
        h, w = max(h, 9), max(w, 9)
    logits_shape = (n, c, h, w)
    if odd == "shape":
        logits_shape = draw(st.one_of(st.just((n, c + 1, h, w)), st.just((n, c, h)),
                                      st.just((c, h, w, 1, 1))))
    logits = draw(tensor_spec(logits_shape, FLOATS + (["int64"] if odd == "logits" else []),
                              "normal", c, nasty=odd == "logits"))
    target_shape = (n, h, w) if odd != "shape" else draw(st.sampled_from(
        [(n, h, w), (n, h + 1, w), (h, w), (n + 1, h, w)]))
    target = draw(tensor_spec(target_shape, INTS + (["bool", "float32"] if odd == "target"
                                                    else []), "labels", c,
                              nasty=odd == "target"))
    return {"logits": logits, "target": target}


generators = st.one_of(st.none(), st.builds(lambda s: {"spec": "generator", "seed": s},
                                            st.integers(0, 2**32)), junk)


@pytest.mark.parametrize("name", sorted(KINDS))
@given(data=st.data())
def test_fuzz(fuzz, name, data):
    fn = getattr(samcl_loss, name)
    kind = KINDS[name]
    names = list(inspect.signature(fn).parameters) + ["logits", "target", "generator", "x"]
    case = {"kind": kind, "target": f"samcl_loss.{name}", "names": names}
    if kind == "function":
        classes = data.draw(mostly(st.integers(2, 5), st.one_of(numbers, junk)))
        c = classes if isinstance(classes, int) and not isinstance(classes, bool) else 3
        shape = data.draw(st.lists(st.integers(0, 6), min_size=0, max_size=4).map(tuple))
        target = data.draw(tensor_spec(shape, INTS, "labels", c))
        case |= {"args": [target, classes],
                 "kwargs": {"generator": data.draw(generators),
                            "ignore_index": data.draw(mostly(st.just(255), numbers))}}
    else:
        init = data.draw(init_kwargs(fn))
        case["init"] = init
        if kind == "module":
            c = init["num_classes"] if isinstance(init["num_classes"], int) else 3
            shape = (data.draw(st.integers(0, 3)), c, data.draw(st.integers(1, 20)),
                     data.draw(st.integers(1, 20)))
            case["call"] = {"x": data.draw(tensor_spec(shape, FLOATS, "normal", c))}
        else:
            case["call"] = data.draw(loss_call(init["num_classes"]))
            if name == "SAMCLLoss":
                case["call"]["generator"] = data.draw(generators)
    outcome, detail = fuzz.run(case)
    assert outcome in ("ok", "refused"), f"{outcome}: {detail}"

"""The child process of the fuzz tests: runs cases, so that a crash or a hang ends only it.

The fuzz tests (``tests/*/test_fuzz.py``) draw *cases*: plain, picklable descriptions of a call
of a public callable (arrays as specs with a layout, since pickling would lose views and flags).
The ``fuzz`` fixture of ``tests/conftest.py`` sends each case to a process running this file,
which builds the inputs, makes the call, checks the result and answers ``(kind, detail)``:
``"ok"`` (a result that passed every check), ``"refused"`` (a TypeError or ValueError whose
message names an argument) or ``"invalid"`` (a result that broke a check, an error that names no
argument, or another exception type). The fixture reports a child that died (``"crash"``) or did
not answer in time (``"hang"``) and starts a fresh one.
"""

import copy
import math
import os
import pickle
import re
import struct
import sys
import traceback

# --------------------------------------------------------------------------- child side

class Invalid(Exception):
    """A result that breaks the contract."""


def check(condition, message):
    if not condition:
        raise Invalid(message)


def resolve(path):
    import importlib

    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def materialise(value):
    """Build the arrays and tensors that specs stand for; other values pass unchanged."""
    if isinstance(value, dict) and value.get("spec") == "array":
        return _array(value)
    if isinstance(value, dict) and value.get("spec") == "tensor":
        return _tensor(value)
    if isinstance(value, dict) and value.get("spec") == "generator":
        return _generator(value)
    if isinstance(value, dict):
        return {k: materialise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [materialise(v) for v in value]
    if isinstance(value, tuple):
        return tuple(materialise(v) for v in value)
    return value


def _values(spec, size, rng):
    import numpy as np

    kind = spec["values"]
    if kind == "labels":
        values = rng.integers(0, max(spec.get("classes", 6), 1), size).astype(np.float64)
    elif kind == "constant":
        values = np.full(size, spec.get("value", 30.0))
    elif kind == "wide":
        values = rng.uniform(-1e6, 1e6, size)
    elif kind == "normal":
        values = rng.standard_normal(size) * spec.get("scale", 1.0)
    else:  # a room with a warm face, in °C
        values = rng.uniform(15.0, 38.0, size)
    for index, value in spec.get("specials", ()):
        if size:
            values[index % size] = value
    return values


def _array(spec):
    import numpy as np

    rng = np.random.default_rng(spec["seed"])
    shape = tuple(spec["shape"])
    size = math.prod(shape)
    values = _values(spec, size, rng)
    dtype = np.dtype(spec["dtype"])
    with np.errstate(all="ignore"):
        if dtype.kind in "iub":
            info = np.iinfo(dtype) if dtype.kind != "b" else None
            if info is not None:
                values = np.clip(np.nan_to_num(values), info.min, info.max)
            array = values.astype(dtype).reshape(shape)
        else:
            array = values.astype(dtype).reshape(shape)
    return _layout(array, spec["layout"])


def _layout(array, layout):
    import numpy as np

    if layout == "F":
        return np.asfortranarray(array)
    if layout == "strided" and array.ndim:
        return np.repeat(array, 2, axis=-1)[..., ::2]
    if layout == "reversed" and array.ndim:
        return array[::-1, ...]
    if layout == "readonly":
        array = array.copy()
        array.flags.writeable = False
    return array


def _tensor(spec):
    import numpy as np
    import torch

    rng = np.random.default_rng(spec["seed"])
    shape = tuple(spec["shape"])
    values = _values(spec, math.prod(shape), rng).reshape(shape)
    dtype = getattr(torch, spec["dtype"])
    with np.errstate(all="ignore"):
        if dtype.is_floating_point:
            tensor = torch.from_numpy(values).to(dtype)
        elif dtype == torch.bool:
            tensor = torch.from_numpy(values != 0)
        else:
            info = torch.iinfo(dtype)
            values = np.asarray(np.clip(np.nan_to_num(values), info.min, info.max))
            tensor = torch.from_numpy(values.astype(np.int64)).to(dtype)
    layout = spec["layout"]
    if layout == "channels_last" and tensor.ndim == 4:
        tensor = tensor.contiguous(memory_format=torch.channels_last)
    elif layout == "strided" and tensor.ndim:
        tensor = torch.stack([tensor, tensor], -1)[..., 0]
    elif layout == "transposed" and tensor.ndim >= 2:
        tensor = tensor.transpose(-1, -2).contiguous().transpose(-1, -2)
    if spec.get("requires_grad") and tensor.dtype.is_floating_point:
        tensor.requires_grad_(True)
    return tensor


def _generator(spec):
    import torch

    return torch.Generator().manual_seed(spec["seed"])


def snapshot(values):
    """Bytes and flags of every array / tensor among `values`, to detect mutation."""
    import numpy as np

    out = []
    for v in values:
        if isinstance(v, np.ndarray):
            out.append((v.tobytes(), v.dtype.str, v.shape, v.strides, v.flags.writeable))
        elif hasattr(v, "detach"):  # a tensor: its bytes (NaN-safe), dtype, shape and strides
            import torch

            d = v.detach()
            # A fresh tensor has unit strides: contiguous() keeps odd strides of one element.
            fresh = torch.empty(d.shape, dtype=d.dtype).copy_(d).reshape(-1)
            raw = fresh.view(torch.uint8).numpy().tobytes() if d.numel() else b""
            out.append((raw, str(d.dtype), tuple(d.shape), d.stride()))
        else:
            out.append(None)
    return out


def names_an_argument(message, names):
    return any(re.search(rf"\b{re.escape(n)}\b", message) for n in names)


def _run_selftest(case):
    # Cases that misbehave on purpose, so that tests/test_fuzz_worker.py can check the fixture.
    if case["target"] == "crash":
        import ctypes

        ctypes.string_at(0)  # reads address 0: a segfault
    if case["target"] == "hang":
        import time

        time.sleep(3600)
    if case["target"] == "wrong error":
        raise KeyError("a wrong exception type")
    if case["target"] == "vague error":
        raise ValueError("something is off")


def run_case(case):
    handler = {"transform": _run_transform, "op": _run_op, "loss": _run_loss,
               "module": _run_module, "function": _run_function,
               "selftest": _run_selftest}[case["kind"]]
    try:
        handler(case)
    except Invalid as exc:
        return "invalid", str(exc)
    except (TypeError, ValueError) as exc:
        message = f"{type(exc).__name__}: {exc}"
        if not names_an_argument(str(exc), case["names"]):
            return "invalid", "the error names no argument: " + message
        return "refused", message
    except Exception:  # anything else breaks the contract
        return "invalid", traceback.format_exc(limit=8)
    return "ok", ""


def _outputs_ok(out, image, mask):
    import numpy as np

    check(isinstance(out, dict), f"returned {type(out).__name__}, not a dict")
    expected = {"image", "occluded"} | ({"mask"} if mask is not None else set())
    check(expected <= set(out), f"keys {sorted(out)}")
    img = out["image"]
    check(isinstance(img, np.ndarray) and img.dtype == image.dtype.newbyteorder("="),
          f"image dtype {getattr(img, 'dtype', None)} for input {image.dtype}")
    check(np.isfinite(img).all(), "NaN or inf out of a finite frame")
    check(not np.shares_memory(img, image), "the image hands back the input's memory")
    check(out["occluded"].dtype == bool and out["occluded"].shape == img.shape,
          "occluded does not match the image")
    if mask is not None:
        check(out["mask"].dtype == mask.dtype.newbyteorder("=") and out["mask"].shape == img.shape,
              "mask does not match the image")
        check(not np.shares_memory(out["mask"], mask), "the mask hands back the input's memory")


def _same(a, b, what):
    for key in ("image", "mask", "occluded"):
        if key in a:
            check(key in b and a[key].tobytes() == b[key].tobytes()
                  and a[key].dtype == b[key].dtype, f"{what}: {key} differs")


def _edit(params, index, value):
    """`params` with its `index`-th leaf (depth first, modulo their count) set to `value`.

    Leaves are numbers and coordinate arrays; a number replaces one element of an array.
    """
    import numpy as np

    leaves = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for k, v in enumerate(node):
                walk(v, path + (k,))
        elif isinstance(node, (int, float, np.ndarray)) and not isinstance(node, bool):
            leaves.append(path)

    walk(params, ())
    if not leaves:
        return params, None
    path = leaves[index % len(leaves)]
    edited = copy.deepcopy(params)
    parent = edited
    for key in path[:-1]:
        parent = parent[key]
    leaf = parent[path[-1]]
    if isinstance(leaf, np.ndarray) and leaf.size and isinstance(value, (int, float)):
        leaf = leaf.astype(np.float64)
        leaf.flat[index % leaf.size] = value
        value = leaf
    parent[path[-1]] = value
    return edited, path


def _thaw(params):
    # Tuples in params (pairs of factors, axis points) become lists so that any leaf can be set.
    if isinstance(params, dict):
        return {k: _thaw(v) for k, v in params.items()}
    if isinstance(params, (list, tuple)):
        return [_thaw(v) for v in params]
    return params


def _run_transform(case):
    cls = resolve(case["target"])
    init = materialise(case["init"])
    t = cls(**init)
    call = materialise(case["call"])
    image, mask, occluded = call.get("image"), call.get("mask"), call.get("occluded")
    before = snapshot([image, mask, occluded])
    out = t(**call)
    check(snapshot([image, mask, occluded]) == before, "an input was modified")
    _outputs_ok(out, image, mask)
    pickle.loads(pickle.dumps(t))
    params = pickle.loads(pickle.dumps(out["params"]))
    inputs = {k: v for k, v in call.items() if k != "rng"}
    again = t.replay(params, **inputs)
    _same(out, again, "replay")
    if isinstance(call.get("rng"), int):
        _same(out, t(**call), "same seed")
    if case.get("edit") is not None:
        index, value = case["edit"]
        edited, path = _edit(_thaw(out["params"]), index, value)
        if path is not None:
            try:
                res = t.replay(edited, **inputs)
            except (TypeError, ValueError) as exc:
                if not names_an_argument(str(exc), case["names"] + ["params"]):
                    raise Invalid(f"replay of params edited at {path} to {value!r}: the error "
                                  f"names no argument: {exc}") from None
            else:
                _outputs_ok(res, image, mask)
    check(snapshot([image, mask, occluded]) == before, "an input was modified")


def _run_op(case):
    import numpy as np

    op = resolve(case["target"])
    args = materialise(case["args"])
    kwargs = materialise(case["kwargs"])
    arrays = [a for a in list(args) + list(kwargs.values()) if isinstance(a, np.ndarray)]
    before = snapshot(arrays)
    out = op(*args, **kwargs)
    check(snapshot(arrays) == before, "an input was modified")
    if case["target"].endswith("draw_occluders"):
        check(out.dtype == bool and out.ndim == 3, "draw_occluders: not a (K, H, W) bool array")
        return
    image = args[0]
    if isinstance(out, np.ndarray):  # normalize: an array
        check(out.dtype == image.dtype.newbyteorder("=") and out.shape == image.shape,
              "normalized frame: dtype or shape differ")
        check(np.isfinite(out).all(), "NaN or inf out of a finite frame")
        check(not np.shares_memory(out, image), "hands back the input's memory")
        again = op(*args, **kwargs)
        check(again.tobytes() == out.tobytes(), "not deterministic")
        return
    _outputs_ok(out, image, kwargs.get("mask"))
    if case["deterministic"]:
        _same(out, op(*args, **kwargs), "same arguments")


def _finite_tensor(x, bound=1e4):
    import torch

    if x is None or not isinstance(x, torch.Tensor) or not x.dtype.is_floating_point:
        return True
    d = x.detach()
    return bool(torch.isfinite(d).all()) and (d.numel() == 0 or float(d.abs().max()) <= bound)


def _run_loss(case):
    import torch

    loss = resolve(case["target"])(**materialise(case["init"]))
    call = materialise(case["call"])
    logits, target = call["logits"], call["target"]
    before = snapshot([logits, target])
    value = loss(**call)
    check(snapshot([logits, target]) == before, "an input was modified")
    check(isinstance(value, torch.Tensor) and value.dtype in (torch.float32, torch.float64),
          f"returned {type(value).__name__} {getattr(value, 'dtype', '')}")
    check(value.ndim == 0 or tuple(value.shape) == (logits.shape[0],), f"shape {value.shape}")
    moderate = _finite_tensor(logits)
    if moderate:
        check(bool(torch.isfinite(value).all()), f"non-finite loss {value} from finite scores")
    if logits.requires_grad and value.requires_grad:
        value.sum().backward()
        check(logits.grad is not None and logits.grad.shape == logits.shape, "no gradient")
        if moderate:
            check(bool(torch.isfinite(logits.grad).all()), "non-finite gradient")


def _run_module(case):
    import torch

    module = resolve(case["target"])(**materialise(case["init"]))
    call = materialise(case["call"])
    x = call["x"]
    before = snapshot([x])
    outs = module(x)
    check(snapshot([x]) == before, "an input was modified")
    check(isinstance(outs, list) and all(isinstance(o, torch.Tensor) for o in outs), "not a list")
    if _finite_tensor(x):
        check(all(bool(torch.isfinite(o).all()) for o in outs), "non-finite output")


def _run_function(case):
    import torch

    fn = resolve(case["target"])
    args = materialise(case["args"])
    kwargs = materialise(case["kwargs"])
    tensors = [a for a in list(args) + list(kwargs.values()) if isinstance(a, torch.Tensor)]
    before = snapshot(tensors)
    out = fn(*args, **kwargs)
    check(snapshot(tensors) == before, "an input was modified")
    target = args[0]
    check(isinstance(out, torch.Tensor) and out.shape == target.shape
          and out.dtype == target.dtype, "class_swap: shape or dtype differ")


def main():
    # Results go through a private copy of stdout; anything the code under test prints goes to
    # stderr, so it cannot corrupt the protocol.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    while True:
        header = inp.read(8)
        if len(header) < 8:
            return
        case = pickle.loads(inp.read(struct.unpack("<Q", header)[0]))
        payload = pickle.dumps(run_case(case))
        out.write(struct.pack("<Q", len(payload)) + payload)
        out.flush()


if __name__ == "__main__":
    main()

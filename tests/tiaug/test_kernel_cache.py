"""numba's on-disk cache: read-only installs, concurrent first compiles, and a lazy import.

Each test runs fresh Python processes with JIT enabled (whatever NUMBA_DISABLE_JIT says here),
since caching and compiling are what they check.
"""

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import tiaug

# Fresh processes compile the kernels: about a minute in all.
pytestmark = pytest.mark.slow

PACKAGE = Path(tiaug.__file__).parent

# Compiles kernels (float32) and prints a digest of the results plus numba's cache counters.
# FULL runs every kernel of the package, SMALL only the cheap noise and blur kernels.
FULL = ("[Rotate(), RandomScale(), GaussianBlur(), ThermalOcclusion(), RandomOccluders(), "
        "NETDNoise()]")
SMALL = "[GaussianBlur(), NETDNoise()]"
WORKLOAD = r"""
import hashlib, importlib, json, pkgutil
import numpy as np
import numba
import tiaug
from tiaug import Compose, GaussianBlur, NETDNoise, RandomOccluders, RandomScale, Rotate
from tiaug import ThermalOcclusion
import tiaug._kernels

rng = np.random.default_rng(0)
image = rng.uniform(20.0, 36.0, (24, 32)).astype(np.float32)
mask = (image > 28.0).astype(np.uint8)
aug = Compose(TRANSFORMS)
out = aug(image=image, mask=mask, rng=7)
digest = hashlib.sha256(b"".join(out[k].tobytes() for k in ("image", "mask", "occluded")))
hits = misses = 0
for info in pkgutil.iter_modules(tiaug._kernels.__path__):
    module = importlib.import_module("tiaug._kernels." + info.name)
    for obj in vars(module).values():
        if isinstance(obj, numba.core.dispatcher.Dispatcher) and obj.signatures:
            hits += sum(obj.stats.cache_hits.values())
            misses += sum(obj.stats.cache_misses.values())
print(json.dumps({"file": tiaug.__file__, "digest": digest.hexdigest(),
                  "hits": hits, "misses": misses}))
"""


def workload(transforms):
    return [sys.executable, "-c", WORKLOAD.replace("TRANSFORMS", transforms)]


def jit_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMBA_DISABLE_JIT", "NUMBA_CACHE_DIR", "PYTHONPATH")}
    env.update(extra)
    return env


def run_json(args, env):
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def without_write_permission(args):
    """Prefix `args` so the child cannot write where permission bits forbid it, even as root."""
    if os.geteuid() != 0:
        return args
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop the permission override")
    return ["setpriv", "--bounding-set", "-dac_override", *args]


@contextlib.contextmanager
def read_only(*roots):
    """Clear the write bits under `roots` for the duration of the block."""
    paths = [p for root in roots for p in [root, *root.rglob("*")]]
    for path in paths:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        for path in paths:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def installed_copy(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "tiaug", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def test_read_only_install_caches_in_the_user_directory(tmp_path):
    site = installed_copy(tmp_path)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    home = tmp_path / "home"
    home.mkdir()
    env = jit_env(PYTHONPATH=str(site), HOME=str(home))
    args = without_write_permission(workload(SMALL))
    with read_only(site):
        first = run_json(args, env)
        second = run_json(args, env)
    assert Path(first["file"]).is_relative_to(site)
    # numba cannot write next to the sources, so it falls back to ~/.cache/numba.
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert list((home / ".cache" / "numba").rglob("*.nbi"))
    assert first["misses"] > 0 and first["hits"] == 0
    assert second["hits"] > 0 and second["misses"] == 0
    assert second["digest"] == first["digest"]


def test_works_without_any_writable_cache_location(tmp_path):
    # Read-only package and read-only HOME: numba has no cache locator, so the kernels must
    # compile per process instead of failing at import.
    site = installed_copy(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = jit_env(PYTHONPATH=str(site), HOME=str(home))
    with read_only(site, home):
        result = run_json(without_write_permission(workload(SMALL)), env)
    reference = run_json(workload(SMALL), jit_env(NUMBA_CACHE_DIR=str(tmp_path / "cache")))
    assert Path(result["file"]).is_relative_to(site)
    assert not list(home.rglob("*"))
    assert result["hits"] == 0
    assert result["digest"] == reference["digest"]


def test_concurrent_first_compiles_share_one_cache(tmp_path):
    cache = tmp_path / "numba-cache"
    env = jit_env(NUMBA_CACHE_DIR=str(cache))
    procs = [subprocess.Popen(workload(FULL), env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
    results = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr[-3000:]
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    assert len({r["digest"] for r in results}) == 1
    later = run_json(workload(FULL), env)
    assert later["hits"] > 0 and later["misses"] == 0
    assert later["digest"] == results[0]["digest"]


IMPORT_CHECK = r"""
import importlib, json, pkgutil, sys
import tiaug
after_import = sorted(m for m in ("torch", "scipy", "skimage", "numba") if m in sys.modules)
import tiaug.functional, tiaug.seeding
aug = tiaug.TiAug()
import numba
import tiaug._kernels
compiled, kernels = [], 0
for info in pkgutil.iter_modules(tiaug._kernels.__path__):
    module = importlib.import_module("tiaug._kernels." + info.name)
    for name, obj in vars(module).items():
        if isinstance(obj, numba.core.dispatcher.Dispatcher):
            kernels += 1
            if obj.signatures:
                compiled.append(info.name + "." + name)
print(json.dumps({"after_import": after_import, "torch": "torch" in sys.modules,
                  "kernels": kernels, "compiled": compiled}))
"""


def test_import_compiles_nothing_and_never_imports_torch(tmp_path):
    # A warm cache must not make anything load eagerly either: fill one first.
    env = jit_env(NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    run_json(workload(SMALL), env)
    result = run_json([sys.executable, "-c", IMPORT_CHECK], env)
    assert result["after_import"] == []
    assert result["torch"] is False
    assert result["kernels"] >= 4
    assert result["compiled"] == []

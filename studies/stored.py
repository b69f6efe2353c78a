"""Is every stored run of the studies what its study's code would train and score today?

The whole fingerprint of each stored run (configuration, augmentation, training frames and the
hash of every test set, rendered by today's code) against the one its study computes: a change
to an occluder's pixels, the face model or a camera preset shows here, not only a changed
default. ``python -m studies.stored [STORE ...]`` checks the stores (all by default) and exits
non-zero on the first mismatch. The frames are hashed as the studies compute them, with numpy's
AVX2 kernels (the Makefile's ``STUDY_ENV``); the check re-runs itself under that setting.
"""

import json
import os
import subprocess
import sys

from studies import (
    camera_defaults,
    cameras,
    conditions,
    defaults,
    normalization,
    transfer,
    validation,
)
from studies import harness as H

# numpy's AVX-512 kernels round some functions differently from its AVX2 ones (see Makefile).
STUDY_ENV = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL"}


def _study(study):
    def prints(cfg, train, val, test):
        return study.jobs(cfg, train, study.test_sets(cfg, test))[1]
    return prints


# Per store: the study (its command line's defaults give the configuration) and the
# fingerprints its code computes for every run.
FINGERPRINTS = {
    f"{study.__name__.rsplit('.', 1)[1]}_runs": (study, _study(study))
    for study in (validation, transfer, defaults, normalization, conditions, cameras,
                  camera_defaults)
}


def _config(study):
    return H.parse_args([], study.__doc__, study.SEEDS, getattr(study, "ITERATIONS", None))[1]


def mismatches(store):
    """(run, what differs) for every stored run of `store` that today's code would not give."""
    study, prints = FINGERPRINTS[store]
    cfg = _config(study)
    expected = prints(cfg, *H.synthetic_splits(cfg))
    out = []
    for path in sorted((H.RESULTS / store).glob("*.json")):
        if path.stem not in expected:
            out.append((path.name, "no such run in the study"))
            continue
        stored_print = json.loads(path.read_text())["fingerprint"]
        out += [(path.name, key) for key in sorted(set(stored_print) | set(expected[path.stem]))
                if stored_print.get(key) != expected[path.stem].get(key)]
    return out


def main(argv=None):
    stores = (sys.argv[1:] if argv is None else argv) or sorted(FINGERPRINTS)
    if any(os.environ.get(k) != v for k, v in STUDY_ENV.items()):
        # numpy reads the setting when it is imported: check in a process that starts with it.
        env = {**os.environ, **STUDY_ENV}
        return subprocess.run([sys.executable, "-m", "studies.stored", *stores], env=env,
                              check=False).returncode
    bad = [(store, *m) for store in stores for m in mismatches(store)]
    for store, run, what in bad:
        print(f"{store}/{run}: {what} differs from what the study's code computes today")
    print(f"{len(bad)} mismatches in {', '.join(stores)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

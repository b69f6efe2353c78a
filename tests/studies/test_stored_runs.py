"""Every stored run of the studies was trained with the pipeline its study's code builds today:
a changed default must add a model, never silently change what a published number measured."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studies import camera_defaults, cameras, conditions, defaults, normalization, transfer
from studies.stored import FINGERPRINTS, STUDY_ENV

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "studies" / "results"

# Run store: the study's pipeline(model, size); a normalization run's model is
# "<pipeline>_<normalization>".
STUDIES = {
    "transfer_runs": transfer.pipeline,
    "defaults_runs": defaults.pipeline,
    "normalization_runs": lambda model, size: normalization._pipeline(
        model.rsplit("_", 1)[0], size),
    "conditions_runs": conditions.pipeline,
    "cameras_runs": cameras.pipeline,
    "camera_defaults_runs": camera_defaults.pipeline,
}


def stored(store):
    return sorted((RESULTS / store).glob("*.json"))


@pytest.mark.parametrize("store", sorted(STUDIES))
def test_each_stored_run_names_the_pipeline_its_study_builds(store):
    runs = stored(store)
    assert runs, f"no stored runs in {store}"
    for path in runs:
        fingerprint = json.loads(path.read_text())["fingerprint"]
        model = path.stem.rsplit("_seed", 1)[0]
        built = STUDIES[store](model, tuple(fingerprint["size"]))
        assert fingerprint["augmentation"] == repr(built), path.name


@pytest.mark.parametrize("store", sorted(FINGERPRINTS))
def test_each_stored_run_is_what_its_study_would_train_and_score_today(store):
    # In a process of its own: the frames are hashed with numpy's AVX2 kernels, as the studies
    # compute them, a setting numpy reads only when it is imported.
    env = {**os.environ, **STUDY_ENV}
    result = subprocess.run([sys.executable, "-m", "studies.stored", store], env=env, cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

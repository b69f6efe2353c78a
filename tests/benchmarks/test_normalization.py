"""The normalisation study: the scene-anchored candidate and a tiny run."""

import json
import sys
from pathlib import Path

import numpy as np

from tiaug.datasets import make_face
from tiaug.normalize import minmax

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "examples"))

import normalization  # noqa: E402


def test_scene_range_keeps_the_face_where_a_hot_cup_squeezes_minmax():
    temps, labels = make_face((96, 120), rng=0)
    cup = temps.copy()
    cup[-30:, :25] = 65.0  # a hot drink in a corner, off the face
    face = labels > 0
    scene_shift = np.abs(normalization.scene_range(cup) - normalization.scene_range(temps))
    minmax_shift = np.abs(minmax(cup) - minmax(temps))
    assert scene_shift[face].max() < 0.05 < minmax_shift[face].min()
    out = normalization.scene_range(cup)
    assert out.dtype == temps.dtype and out.min() >= -1 and out.max() <= 1
    assert out[-1, 0] == 1.0  # hotter than skin + 2 °C: clipped


def test_tiny_study_writes_every_normalisation(tmp_path):
    (tmp_path / "validation.json").write_text(json.dumps({"convergence": {"kept": 1}}))
    normalization.main(["--tiny", "--out", str(tmp_path), "--no-progress"])
    study = json.loads((tmp_path / "validation.json").read_text())
    assert study["convergence"] == {"kept": 1}
    table = study["normalization"]
    assert set(table) == set(normalization.NORMALIZATIONS)
    for norm, by_pipe in table.items():
        assert set(by_pipe) == set(normalization.PIPELINES)
        for by_set in by_pipe.values():
            assert set(by_set) == set(normalization.TEST_SETS)
            for entry in by_set.values():
                assert 0 <= entry["miou"]["mean"] <= 100
                assert ("vs_minmax" in entry) == (norm != "minmax")
    assert "list-table" in (tmp_path / "normalization_table.rst").read_text()

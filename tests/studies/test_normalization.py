"""The normalisation study: a tiny run."""

import json

from studies import normalization


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

"""The camera defaults study: pinned candidates, the rule, and a tiny end-to-end run."""

import json

import tiaug
from studies import camera_defaults, testsets


def test_candidates_are_pinned_tiaug_with_the_camera_last():
    for m, q in camera_defaults.CANDIDATES.items():
        built = camera_defaults.pipeline(m, (48, 64))
        assert repr(built) == repr(tiaug.TiAug(size=(48, 64), p_ambience=0.5, p_camera=q))
        assert isinstance(built.transforms[-1], tiaug.ThermalCamera)
    reference = camera_defaults.pipeline(camera_defaults.TIAUG, (48, 64))
    assert not any(isinstance(t, tiaug.ThermalCamera) for t in reference.transforms)
    assert camera_defaults.conditions() and "lab" not in camera_defaults.conditions()


def test_tiny_study_writes_its_table_and_applies_the_rule(tmp_path, monkeypatch):
    monkeypatch.setattr(testsets, "GROUPS", {"glasses": (("glasses",), ())})
    monkeypatch.setattr(camera_defaults, "cameras", lambda: ["lepton", "boson640"])
    monkeypatch.setattr(camera_defaults, "conditions", lambda: ["hot_room"])
    camera_defaults.main(["--tiny", "--out", str(tmp_path), "--no-progress"])
    result = json.loads((tmp_path / "validation.json").read_text())["camera_defaults"]
    models = result["models"]
    assert set(models) == {"tiaug", *camera_defaults.CANDIDATES}
    reference = models["tiaug"]
    for m in camera_defaults.CANDIDATES:
        r = models[m]
        assert set(r["gap_closed"]) == {"lepton", "boson640"}
        qualifies = (r["clean"]["mean_diff"] >= -camera_defaults.MAX_CLEAN_COST
                     and r["families"] >= reference["families"] - camera_defaults.MAX_LOSS
                     and r["conditions"] >= reference["conditions"] - camera_defaults.MAX_LOSS)
        if qualifies:  # the choice is the best of those that qualify
            assert result["choice"] is not None
            assert models[result["choice"]]["cameras"] >= r["cameras"]
    assert result["p_camera"] == (0.0 if result["choice"] is None
                                  else camera_defaults.CANDIDATES[result["choice"]])
    table = (tmp_path / "camera_defaults_table.rst").read_text()
    assert "camera_p50" in table and "5 iterations" in table
    # Rendering again trains nothing.
    camera_defaults.main(["--tiny", "--out", str(tmp_path), "--no-progress", "--render"])

"""The rooms-and-states study: its groups, its pipelines, its test sets and a tiny run."""

import json
import math

import numpy as np
import pytest

import tiaug
from studies import conditions, testsets
from studies import harness as H
from tiaug.datasets import CONDITIONS


def test_groups_hold_every_condition_but_the_lab_once():
    assert sorted(conditions.conditions()) == sorted(c for c in CONDITIONS if c != "lab")


def ambience_of(model):
    steps = conditions.pipeline(model, (48, 64)).transforms
    found = [t for t in steps if isinstance(t, tiaug.ThermalAmbience)]
    assert len(found) == 1 and steps[0] is found[0]  # first: the room before the occluders
    assert isinstance(steps[1], tiaug.TiAug)
    return found[0]


@pytest.mark.parametrize("group", list(conditions.GROUPS))
def test_held_out_models_never_draw_their_group(group):
    t = ambience_of(f"no_{group}")
    lab_low, lab_high = 18.0, 26.0  # tiaug.datasets' lab rooms
    if group == "cold":  # no room below the lab, no cooler nose
        assert t.ambient[0] >= lab_low and t.nose[0] >= 0.0
    else:  # no room above the lab, no warmer nose
        assert t.ambient[1] <= lab_high and t.nose[1] <= 0.0
    full = ambience_of(conditions.AMBIENCE)
    assert full.ambient[0] < lab_low and full.ambient[1] > lab_high
    assert full.nose[0] < 0.0 < full.nose[1]
    assert t.p == full.p == conditions.P_AMBIENCE


def test_reference_models():
    steps = conditions.pipeline(conditions.BASE, (48, 64)).transforms
    assert [type(t) for t in steps] == [tiaug.HorizontalFlip]
    # TiAug without its room and body (and camera): the model whose gap the ambience closes.
    assert repr(conditions.pipeline(conditions.TIAUG, (48, 64))) == repr(
        tiaug.TiAug(p_ambience=0.0, p_camera=0.0, size=(48, 64)))
    for c in conditions.conditions():
        assert conditions.held_out_by(c) in conditions.models()


def test_condition_test_sets_are_the_clean_frames_in_another_room():
    cfg = H.CONFIGS["tiny"]
    _, _, test = H.synthetic_splits(cfg)
    _, _, hot = H.synthetic_splits(cfg, condition="hot_room")
    assert np.array_equal(hot.labels, test.labels) and np.array_equal(hot.subjects, test.subjects)
    background = test.labels == 0
    assert hot.images[background].mean() > test.images[background].mean() + 5.0


def test_tiny_study_writes_its_table_and_resumes(tmp_path, monkeypatch):
    monkeypatch.setattr(testsets, "GROUPS", {"glasses": (("glasses",), ())})
    conditions.main(["--tiny", "--out", str(tmp_path), "--no-progress"])
    study = json.loads((tmp_path / "validation.json").read_text())
    result = study["conditions"]
    assert set(conditions.conditions()) | {"glasses"} == set(result)
    for name in conditions.conditions():
        r = result[name]
        assert r["held_out_by"] == conditions.held_out_by(name)
        for m in conditions.models()[1:]:
            e = r[m]
            assert math.isfinite(e["clean_delta"]) and e["half_schedule"]["iterations"] == 5
            assert set(e["nose_roi"]) >= {"mae", "bias"}
    runs = sorted(p.name for p in (tmp_path / "conditions_runs").glob("*.json"))
    assert len(runs) == len(conditions.models())
    with np.load(tmp_path / "conditions_runs" / "ambience_seed0.npz") as z:
        roi = z["pred:roi/hot_room"]
        assert roi.shape[1:] == (H.NUM_CLASSES, 2)
        assert "pred:roi/half:hot_room" in z.files
    d = study["conditions_study"]["defaults"]
    assert set(d["candidates"]) == set(conditions.CANDIDATES)
    for c in d["candidates"].values():
        assert c["eligible"] == (c["clean"]["mean_diff"] >= -conditions.MAX_CLEAN_COST
                                 and c["families_vs_tiaug"] >= -conditions.MAX_FAMILY_LOSS)
    eligible = {m: c["conditions_miou"] for m, c in d["candidates"].items() if c["eligible"]}
    assert d["choice"] == (max(eligible, key=eligible.get) if eligible else None)
    table = (tmp_path / "conditions_table.rst").read_text()
    assert "hot_room" in table and "list-table" in table and "glasses" in table
    assert "Defaults" in table
    stamps = {p: p.stat().st_mtime for p in (tmp_path / "conditions_runs").glob("*.json")}
    conditions.main(["--tiny", "--out", str(tmp_path), "--no-progress"])  # resumes: no retraining
    assert stamps == {p: p.stat().st_mtime for p in (tmp_path / "conditions_runs").glob("*.json")}

"""The cameras study: its groups, its pipelines, its test sets and a tiny run."""

import json
import math

import numpy as np

import tiaug
from studies import cameras
from studies import harness as H
from tiaug.camera import CAMERAS


def test_groups_hold_every_preset_once():
    assert sorted(cameras.cameras()) == sorted(CAMERAS)


def test_each_leave_one_out_model_never_draws_its_group():
    for group, members in cameras.GROUPS.items():
        camera = cameras.pipeline(f"no_{group}", (96, 120)).transforms[-1]
        assert isinstance(camera, tiaug.ThermalCamera)
        assert not set(camera.camera) & set(members)
        assert set(camera.camera) | set(members) == set(CAMERAS)
        assert all(cameras.held_out_by(c) == f"no_{group}" for c in members)
    assert cameras.pipeline(cameras.CAMERA, (96, 120)).transforms[-1].camera == tuple(CAMERAS)


def test_camera_test_sets_are_the_clean_frames_through_each_camera():
    cfg = H.CONFIGS["tiny"]
    _, _, test = H.synthetic_splits(cfg)
    sets = cameras.test_sets(cfg, test)
    assert set(sets) == {"clean", *CAMERAS}
    for name in CAMERAS:
        images, labels, _ = sets[name]
        assert np.array_equal(labels, test.labels)
        assert not np.array_equal(images, test.images)


def test_tiny_study_writes_its_table_and_resumes(tmp_path):
    cameras.main(["--tiny", "--out", str(tmp_path), "--no-progress"])
    study = json.loads((tmp_path / "validation.json").read_text())
    result = study["cameras"]
    assert set(result) == set(CAMERAS)
    for name, r in result.items():
        assert r["held_out_by"] == cameras.held_out_by(name)
        for m in cameras.models()[1:]:
            e = r[m]
            assert math.isfinite(e["clean_delta"]) and e["half_schedule"]["iterations"] == 5
            assert set(e["roi"]) == set(cameras.ROI_LABELS)
    assert set(study["cameras_study"]["convergence"]) == set(cameras.models())
    table = (tmp_path / "cameras_table.rst").read_text()
    assert "lepton" in table and "list-table" in table
    stamps = {p: p.stat().st_mtime for p in (tmp_path / "cameras_runs").glob("*.json")}
    assert len(stamps) == len(cameras.models())
    cameras.main(["--tiny", "--out", str(tmp_path), "--no-progress"])  # resumes: no retraining
    assert stamps == {p: p.stat().st_mtime for p in (tmp_path / "cameras_runs").glob("*.json")}

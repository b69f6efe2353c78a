"""The validation study: a tiny end-to-end run, its statistics and the held-out occluder family."""

import json
import math
import pickle
from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from studies import harness as H
from studies import ood_occluders as ood
from studies import validation
from tiaug.datasets import make_face, synthetic_faces

from metrics import iou_from_confusion


@pytest.fixture(scope="module")
def faces():
    images, _, _ = synthetic_faces(3, (48, 64), subjects=[1, 2, 3], rng=0)
    return images


# ---------------------------------------------------------------- the tiny study
@pytest.fixture(scope="module")
def tiny_study(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation")
    return out, validation.main(["--tiny", "--out", str(out), "--no-progress"])


def test_stopped_study_resumes_with_the_finished_runs(tiny_study, tmp_path, monkeypatch):
    out, _ = tiny_study
    runs = out / "validation_runs"
    (runs / "paper_seed0.json").unlink()  # as if stopped before the last run finished
    before = (runs / "geometric_seed0.json").read_text()
    trained = []
    original = validation._one_run
    monkeypatch.setattr(validation, "_one_run",
                        lambda *job, **kw: trained.append(job) or original(*job, **kw))
    validation.main(["--tiny", "--out", str(out), "--no-progress"])
    assert trained == [("paper", 0)]
    assert (runs / "geometric_seed0.json").read_text() == before
    # Another configuration, augmentation or test set does not reuse them.
    cfg = H.CONFIGS["tiny"]
    train_split, _, test_split = H.synthetic_splits(cfg)
    sets = validation.test_sets(cfg, test_split)
    geometric = validation.pipeline("geometric", cfg.size)
    assert H.load_run(runs, "geometric_seed0", H.fingerprint(
        cfg, geometric, train_split, sets)) is not None
    moved = {**sets, "clean": (sets["clean"][0] + 1, *sets["clean"][1:])}
    for other in (H.fingerprint(replace(cfg, lr=1.0), geometric, train_split, sets),
                  H.fingerprint(cfg, validation.pipeline("tiaug", cfg.size), train_split, sets),
                  H.fingerprint(cfg, geometric, train_split, moved)):
        assert H.load_run(runs, "geometric_seed0", other) is None


def test_tiny_study_writes_complete_results(tiny_study):
    out, result = tiny_study
    stored = json.loads((out / "validation.json").read_text())
    assert set(stored["validation"]) == {"groups", "summary", "comparisons"}
    study = stored["validation_study"]
    assert study["config"]["name"] == "tiny" and study["config"]["seeds"] == [0]
    assert study["versions"]["torch"] == torch.__version__
    assert study["data"]["train_subjects"] == 3 and study["data"]["test_subjects"] == 2
    assert study["samcl"] == {"geometric": False, "tiaug": False, "tiaug_samcl": True,
                              "paper": False}
    groups = result["validation"]["groups"]
    assert list(groups) == ["clean", "families", "held-out kinds", "rooms and states",
                            "cameras"]
    assert set(groups["rooms and states"]) == {"cold_room", "hot_room", "warm_nose",
                                               "cold_nose"}
    assert all(name.startswith("heldout_") for name in groups["held-out kinds"])
    for regime in validation.REGIMES:
        s = result["validation"]["summary"][regime]
        for g in groups:
            for metric in ("miou", "miou_no_bg"):
                assert 0.0 <= s[g][metric]["mean"] <= 100.0
                assert math.isnan(s[g][metric]["std"])  # one seed has no spread
        assert len(s["per_class_iou_clean"]) == 6
        assert set(s["nose_roi_error"]) == {"clean", "rooms and states"}
    # Convergence: the N/2 and the N schedules of every regime.
    assert set(result["convergence"]) == set(validation.REGIMES)
    assert all(c["iterations"] == [5, 10] for c in result["convergence"].values())
    # Every pair on every group, both metrics.
    assert len(result["validation"]["comparisons"]) == len(validation.PAIRS) * len(groups) * 2
    for c in result["validation"]["comparisons"]:
        assert c["verdict"] == "no significant difference"  # a t-test needs two seeds
        assert c["ci95"][0] <= c["mean_diff"] <= c["ci95"][1] or c["ci95"][0] == c["ci95"][1]
    rst = (out / "validation_table.rst").read_text()
    assert "Findings" in rst and "The paper reports" in rst
    assert ".. list-table:: Paired differences of the mIoU incl. background" in rst
    assert (out / "validation_examples.png").stat().st_size > 0


def test_render_rebuilds_the_table_from_the_stored_runs(tiny_study):
    out, _ = tiny_study
    rst = (out / "validation_table.rst").read_text()
    (out / "validation_table.rst").unlink()
    validation.main(["--tiny", "--out", str(out), "--no-progress", "--render"])
    assert (out / "validation_table.rst").read_text() == rst


def test_a_folder_of_frames_is_scored_on_the_occluder_families_only(tmp_path):
    names = [f"s{s}_{i}" for s in range(8) for i in range(2)]
    _write_folder(tmp_path / "faces", names, size=(32, 40))
    result = validation.main(["--tiny", "--out", str(tmp_path / "out"), "--no-progress",
                              "--data", str(tmp_path / "faces")])
    assert list(result["validation"]["groups"]) == ["clean", "families", "held-out kinds"]
    assert result["data"]["source"] == str(tmp_path / "faces")


def test_branched_half_schedule_is_a_separate_half_run():
    cfg = H.CONFIGS["tiny"]
    train_split = H.synthetic_splits(cfg)[0]
    half = H.checkpoints(cfg)[0]
    tiaug = validation.pipeline("tiaug", cfg.size)
    (_, history, _), (branched, _) = H.train_with_half_schedule(cfg, 0, train_split, tiaug,
                                                                samcl=True)
    assert len(history) > 0
    separate, _, _ = H.train_model(cfg, 0, half, train_split, tiaug, samcl=True)
    full, _, _ = H.train_model(cfg, 0, cfg.iterations, train_split, tiaug, samcl=True)
    for key, value in separate.state_dict().items():
        torch.testing.assert_close(branched.state_dict()[key], value)
    # The half schedule did not just keep the N run's model.
    assert any(not torch.equal(full.state_dict()[k], v)
               for k, v in separate.state_dict().items() if v.is_floating_point())


# ---------------------------------------------------------------- metrics and statistics
@given(st.integers(0, 2**32 - 1))
def test_iou_matches_examples_metrics(seed):
    rng = np.random.default_rng(seed)
    cm = rng.integers(0, 5, (6, 6)) * (rng.random((6, 6)) < 0.5)
    expected = iou_from_confusion(torch.from_numpy(cm))
    got = H.iou(cm)
    np.testing.assert_allclose(got, expected["per_class_iou"], equal_nan=True)
    for key, background in (("miou", True), ("miou_no_bg", False)):
        value = float(H.mean_iou(cm, background))
        assert value == pytest.approx(expected[key], nan_ok=True)


def _frame_confusions(rng, n_seeds, n_frames, accuracy):
    """Per-frame confusions where a fraction `accuracy` of each class's pixels is right."""
    cms = np.zeros((n_seeds, n_frames, 6, 6), np.int64)
    for s in range(n_seeds):
        for f in range(n_frames):
            for c in range(6):
                right = rng.binomial(100, accuracy)
                cms[s, f, c, c] = right
                cms[s, f, c, (c + 1) % 6] = 100 - right
    return cms


def test_paired_tests_of_identical_regimes_find_nothing():
    cms = _frame_confusions(np.random.default_rng(0), 3, 10, 0.7)
    out = H.paired_tests(cms, cms, True, 200, np.random.default_rng(0))
    assert out["mean_diff"] == 0.0 and out["diff_per_seed"] == [0.0, 0.0, 0.0]
    assert out["bootstrap"]["p"] == 1.0 and out["bootstrap"]["ci95"] == [0.0, 0.0]
    assert math.isnan(out["t_test"]["p"])
    assert H.verdict(out) == "no significant difference"


def test_paired_tests_detect_a_clear_improvement():
    rng = np.random.default_rng(1)
    a = _frame_confusions(rng, 4, 20, 0.6)
    b = _frame_confusions(rng, 4, 20, 0.8)
    out = H.paired_tests(a, b, False, 500, np.random.default_rng(0))
    assert out["mean_diff"] > 0.1
    assert out["t_test"]["p"] < 0.01 and out["t_test"]["ci95"][0] > 0
    assert out["bootstrap"]["p"] < 0.01 and out["bootstrap"]["ci95"][0] > 0
    assert H.verdict(out) == "better"
    assert H.verdict(H.paired_tests(
        b, a, False, 200, np.random.default_rng(0))) == "worse"


def test_frame_confusions_leave_out_occluded_pixels():
    labels = np.array([[[0, 1], [2, 3]]], np.uint8)
    pred = np.array([[[0, 1], [1, 3]]])
    ignore = np.array([[[False, False], [True, False]]])
    assert H.frame_confusions(pred, labels).sum() == 4
    cms = H.frame_confusions(pred, labels, ignore)
    assert cms.sum() == 3 and cms[0, 2].sum() == 0


# ---------------------------------------------------------------- user folders
def _write_folder(root, names, size=(40, 48)):
    images, labels, _ = synthetic_faces(len(names), size, rng=0)
    for sub in ("frames", "labels"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for name, image, label in zip(names, images, labels, strict=True):
        np.save(root / "frames" / f"{name}.npy", image)
        np.save(root / "labels" / f"{name}.npy", label)


def test_folder_split_keeps_subjects_apart_and_resizes(tmp_path):
    names = [f"s{s}_{f}" for s in range(8) for f in range(3)]
    _write_folder(tmp_path, names)
    cfg = H.CONFIGS["tiny"]
    splits = H.folder_splits(tmp_path, cfg)
    assert sum(len(s.images) for s in splits) == len(names)
    subjects = [set(s.subjects.tolist()) for s in splits]
    assert not (subjects[0] & subjects[1] or subjects[0] & subjects[2] or subjects[1] & subjects[2])
    for s in splits:
        assert s.images.shape[1:] == tuple(cfg.size) and s.labels.shape[1:] == tuple(cfg.size)
        assert set(np.unique(s.labels)) <= set(range(6))


def test_subjects_from_csv_or_prefix(tmp_path):
    assert H.read_subjects(tmp_path, ["ann_001", "bob_7_b"]) == ["ann", "bob"]
    with pytest.raises(ValueError, match="subjects.csv"):
        H.read_subjects(tmp_path, ["frame001"])
    (tmp_path / "subjects.csv").write_text("name,subject\nframe001,p1\nframe002,p2\n")
    assert H.read_subjects(tmp_path, ["frame002", "frame001"]) == ["p2", "p1"]
    with pytest.raises(ValueError, match="no subject for: frame003"):
        H.read_subjects(tmp_path, ["frame003"])


# ---------------------------------------------------------------- held-out occluders
@pytest.mark.parametrize("kind", ood.KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_each_kind_occludes_with_a_temperature_profile(kind, dtype, faces):
    t = ood.HeldOutOcclusion(kinds=(kind,), count=1)
    for i, face in enumerate(faces):
        image = face.astype(dtype)
        before = image.copy()
        out = t(image=image, rng=i)
        occ = out["occluded"]
        assert np.array_equal(image, before)  # input not mutated
        assert out["image"].dtype == dtype
        assert occ.any() and not occ.all()
        assert np.array_equal(out["image"][~occ], image[~occ])  # outside untouched
        assert np.ptp(out["image"][occ]) > 0.05  # a profile, not one temperature
        assert np.isfinite(out["image"]).all()


@given(st.integers(0, 2**32 - 1), st.sampled_from([(1, 1), (1, 3), (2, 2)]))
def test_seeded_reproducible_and_replayable(seed, count):
    face, labels = make_face((48, 64), subject=5, rng=3)
    t = ood.HeldOutOcclusion(count=count)
    a = t(image=face, mask=labels, rng=seed)
    b = t(image=face, mask=labels, rng=np.random.default_rng(seed))
    assert np.array_equal(a["image"], b["image"]) and np.array_equal(a["occluded"], b["occluded"])
    assert count[0] <= len(a["params"]["occluders"]) <= count[1]
    assert np.array_equal(a["mask"], labels)  # labels keep the class behind the occluder
    replay = t.replay(pickle.loads(pickle.dumps(a["params"])), image=face, mask=labels)
    assert np.array_equal(replay["image"], a["image"])
    assert np.array_equal(replay["occluded"], a["occluded"])


def test_different_seeds_give_different_occluders(faces):
    t = ood.HeldOutOcclusion()
    outs = [t(image=faces[0], rng=s)["occluded"] for s in range(5)]
    assert len({o.tobytes() for o in outs}) == 5


def test_temperatures_follow_the_documented_profiles(faces):
    face = faces[0].astype(np.float64)
    t_skin = np.percentile(face, 98)
    for seed in range(10):
        h = ood.HeldOutOcclusion(kinds=("hair",), count=1)(image=face, rng=seed)
        p = h["params"]["occluders"][0]
        occ, o = h["occluded"], p["opacity"]
        # Strands blend with the skin behind them; the hair itself cools from root to tip.
        hair = (h["image"][occ] - (1 - o) * face[occ]) / o
        assert p["t_tip"] - 1e-9 <= hair.min() and hair.max() <= p["t_root"] + 1e-9
        assert p["t_root"] < t_skin
        s = ood.HeldOutOcclusion(kinds=("stick",), count=1)(image=face, rng=seed)
        p = s["params"]["occluders"][0]
        assert p["t_tip"] < p["t_hand"] < t_skin
        assert s["image"][s["occluded"]].max() <= p["t_hand"] + 1e-9
        w = ood.HeldOutOcclusion(kinds=("warm_object",), count=1)(image=face, rng=seed)
        p = w["params"]["occluders"][0]
        if p["variant"] == "mug":  # the hot core is hotter than skin
            assert w["image"][w["occluded"]].max() > t_skin


def test_invalid_arguments():
    with pytest.raises(ValueError, match="kinds must be"):
        ood.HeldOutOcclusion(kinds=("sun",))
    with pytest.raises(ValueError, match="kinds must be"):
        ood.HeldOutOcclusion(kinds=())
    with pytest.raises(ValueError, match="count"):
        ood.HeldOutOcclusion(count=(0, 2))


def test_test_set_frames_do_not_depend_on_their_neighbours(faces):
    t = ood.HeldOutOcclusion()
    all_three, occ = ood.occlusion_test_set(faces, t, seed=7)
    assert occ.any(axis=(1, 2)).all()
    first_alone, _ = ood.occlusion_test_set(faces[:1], t, seed=7)
    assert np.array_equal(first_alone[0], all_three[0])
    again, _ = ood.occlusion_test_set(faces, t, seed=7)
    assert np.array_equal(again, all_three)

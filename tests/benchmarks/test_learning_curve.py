"""The learning-curve script: a tiny run gives one score per schedule length."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "examples"))

import learning_curve  # noqa: E402

import validation  # noqa: E402


def test_tiny_curve_scores_every_length(tmp_path):
    curve = learning_curve.main(["--tiny", "--iterations", "16", "8", "--seed", "1",
                                 "--out", str(tmp_path), "--no-progress"])
    assert curve["iterations"] == [8, 16]
    assert all(0 <= m <= 100 for m in curve["clean_miou"])
    saved = json.loads((tmp_path / "learning_curves" / "geometric_seed1_32x40.json").read_text())
    assert saved["clean_miou"] == curve["clean_miou"] and saved["regime"] == "geometric"


def test_a_branch_scores_as_the_separate_shorter_schedule():
    # The tiny schedules have no warm-up, so the branched 8-iteration model is the separate run.
    cfg = validation.CONFIGS["tiny"]
    curve = learning_curve.learning_curve(cfg, "geometric", 0, [16, 8], progress=False)
    train, _, test = validation.synthetic_splits(cfg)
    model, _, _ = validation.train_regime(cfg, "geometric", 0, 8, train, False)
    pred = validation.predict_all(model, test.images, cfg.device)
    miou = validation.scores(validation.frame_confusions(pred, test.labels).sum(0))["miou"]
    assert curve["clean_miou"][0] == 100 * miou
    assert curve["clean_miou"][0] != curve["clean_miou"][1]

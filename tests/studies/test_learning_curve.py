"""The learning-curve script: a tiny run gives one score per schedule length."""

import json

from studies import harness as H
from studies import learning_curve
from studies.pipelines import regime_pipeline


def test_tiny_curve_scores_every_length(tmp_path):
    curve = learning_curve.main(["--tiny", "--iterations", "16", "8", "--seed", "1",
                                 "--out", str(tmp_path), "--no-progress"])
    assert curve["iterations"] == [8, 16]
    assert all(0 <= m <= 100 for m in curve["clean_miou"])
    saved = json.loads((tmp_path / "learning_curves" / "geometric_seed1_32x40.json").read_text())
    assert saved["clean_miou"] == curve["clean_miou"] and saved["regime"] == "geometric"


def test_a_branch_scores_as_the_separate_shorter_schedule():
    # The tiny schedules have no warm-up, so the branched 8-iteration model is the separate run.
    cfg = H.CONFIGS["tiny"]
    curve = learning_curve.learning_curve(cfg, "geometric", 0, [16, 8], progress=False)
    train, _, test = H.synthetic_splits(cfg)
    model, _, _ = H.train_model(cfg, 0, 8, train, regime_pipeline("geometric", cfg.size))
    pred = H.predict_all(model, test.images, cfg.device)
    miou = H.scores(H.frame_confusions(pred, test.labels).sum(0))["miou"]
    assert curve["clean_miou"][0] == 100 * miou
    assert curve["clean_miou"][0] != curve["clean_miou"][1]

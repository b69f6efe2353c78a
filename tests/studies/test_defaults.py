"""The defaults study: its pipelines and a tiny run."""

import json

import tiaug
from studies import defaults


def test_pipelines_switch_off_one_part_each():
    preset = defaults.pipeline("preset", (32, 40))
    assert isinstance(preset, tiaug.TiAug) and preset.occluders == "families"
    assert defaults.pipeline("upright", (32, 40)).p_geometry == 0.0
    assert defaults.pipeline("ignore", (32, 40)).label_policy == "ignore"
    both = defaults.pipeline("upright_ignore", (32, 40))
    assert (both.p_geometry, both.label_policy) == (0.0, "ignore")
    quarter = defaults.pipeline("ignore_quarter", (32, 40))
    assert (quarter.p_occlusion, quarter.label_policy) == (0.25, "ignore")
    assert defaults.pipeline("no_occluders", (32, 40)).p_occlusion == 0.0
    no_blur = defaults.pipeline("no_blur", (32, 40))
    assert (no_blur.p_blur, no_blur.p_noise, no_blur.p_occlusion) == (0.0, 0.5, 0.25)
    no_noise = defaults.pipeline("no_noise", (32, 40))
    assert (no_noise.p_blur, no_noise.p_noise, no_noise.p_occlusion) == (0.5, 0.0, 0.25)
    for name, p in (("no_blur_half", 0.5), ("no_blur_three_quarters", 0.75)):
        more = defaults.pipeline(name, (32, 40))
        assert (more.p_blur, more.p_occlusion, more.label_policy) == (0.0, p, "ignore")
    flips = defaults.pipeline("flips", (32, 40))
    assert [type(t) for t in flips.transforms] == [tiaug.HorizontalFlip]


def test_tiny_study_compares_every_pipeline_with_flips(tmp_path):
    (tmp_path / "validation.json").write_text(json.dumps({"convergence": {"kept": 1}}))
    defaults.main(["--tiny", "--out", str(tmp_path), "--no-progress"])
    study = json.loads((tmp_path / "validation.json").read_text())
    assert study["convergence"] == {"kept": 1}
    table = study["defaults"]
    assert set(table) == set(defaults.PIPELINES)
    for name, by_set in table.items():
        assert set(by_set) == set(defaults.TEST_SETS)
        for entry in by_set.values():
            assert 0 <= entry["miou"]["mean"] <= 100
            assert ("vs_flips" in entry) == (name != "flips")
    assert set(study["defaults_study"]["augmentation"]) == set(defaults.PIPELINES)
    assert "list-table" in (tmp_path / "defaults_table.rst").read_text()

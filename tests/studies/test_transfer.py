"""The leave-one-family-out transfer study: its groups, its pipelines and a tiny run."""

import json
import math

import pytest

import tiaug
from studies import harness as H
from studies import ood_occluders as ood
from studies import testsets, transfer
from tiaug.occlusion import FAMILIES


def test_groups_hold_every_family_once():
    own = [f for fams, _ in testsets.GROUPS.values() for f in fams]
    held = [k for _, kinds in testsets.GROUPS.values() for k in kinds]
    assert sorted(own) == sorted(FAMILIES)
    assert sorted(held) == sorted(ood.KINDS)
    # At least 6 families, held-out ones included, are tested.
    assert len(transfer.families()) >= 6 and any(h for _, _, h in transfer.families())


@pytest.mark.parametrize("group", list(testsets.GROUPS))
def test_training_never_draws_the_tested_group(group):
    steps = transfer.pipeline(group, (48, 64)).transforms
    occluders = [t for t in steps if isinstance(t, tiaug.RandomOccluders)]
    assert len(occluders) == 1
    drawn = set(occluders[0].families)
    assert drawn and not drawn & set(testsets.GROUPS[group][0])
    assert drawn | set(testsets.GROUPS[group][0]) == set(FAMILIES)
    # The rest is the TiAug preset's, with no other occluders.
    assert not any(isinstance(t, tiaug.ThermalOcclusion) for t in steps)
    assert any(isinstance(t, tiaug.NETDNoise) for t in steps)
    assert occluders[0].p == tiaug.TiAug().p_occlusion


def test_defaults_model_is_tiaugs_defaults_when_the_study_ran():
    # Pinned: TiAug's later room, body and camera would change what the stored runs measured.
    assert repr(transfer.pipeline(transfer.DEFAULTS, (48, 64))) == repr(
        tiaug.TiAug(p_ambience=0.0, p_camera=0.0, size=(48, 64)))
    assert transfer.models()[:2] == (transfer.BASE, transfer.DEFAULTS)


def test_base_is_flips_only():
    steps = transfer.pipeline(transfer.BASE, (48, 64)).transforms
    assert [type(t) for t in steps] == [tiaug.HorizontalFlip]


def test_tiny_study_writes_the_transfer_table_and_resumes(tmp_path, monkeypatch):
    monkeypatch.setattr(testsets, "GROUPS", {"glasses": (("glasses",), ()),
                                             "stick": (("microphone",), ("stick",))})
    (tmp_path / "validation.json").write_text(json.dumps({"convergence": {"kept": 1}}))
    transfer.main(["--tiny", "--out", str(tmp_path), "--no-progress"])
    study = json.loads((tmp_path / "validation.json").read_text())
    assert study["convergence"] == {"kept": 1}  # the validation study's results stay
    assert set(study["transfer"]) == {"glasses", "microphone", "heldout_stick"}
    for name, r in study["transfer"].items():
        assert r["seeds"] == [0] and len(r["gap_closed_per_seed"]) == 1
        assert r["gap_closed"] is None or math.isfinite(r["gap_closed"])
        assert math.isfinite(r["clean_delta"])
        assert r["held_out"] == name.startswith("heldout_")
        # The same comparison after the N/2 schedule branched off each run.
        half = r["half_schedule"]
        assert half["iterations"] == 5 and math.isfinite(half["clean_delta"])
        assert len(half["gap_closed_per_seed"]) == 1 and half["verdict"]
        # And the model trained with TiAug() at its defaults, on both schedules.
        assert math.isfinite(r["defaults"]["clean_delta"])
        assert r["defaults"]["half_schedule"]["iterations"] == 5
    table = (tmp_path / "transfer_table.rst").read_text()
    assert "heldout_stick" in table and "list-table" in table
    assert "gap closed after 5" in table
    convergence = study["transfer_study"]["convergence"]
    assert set(convergence) == {"flips", "defaults", "glasses", "stick"}
    for c in convergence.values():
        assert c["iterations"] == [5, 10] and all(0 <= m <= 100 for m in c["clean_miou"])
    assert "5 iterations" in table and "10 iterations" in table

    trained = []
    monkeypatch.setattr(transfer, "_one_run", lambda *job: trained.append(job))
    transfer.main(["--tiny", "--out", str(tmp_path), "--no-progress"])
    assert trained == []


def test_schedule_length_per_study_and_from_the_command_line():
    doc, seeds = transfer.__doc__, transfer.SEEDS
    assert H.parse_args([], doc, seeds, transfer.ITERATIONS)[1].iterations == 4800
    assert H.parse_args([], doc, seeds)[1].iterations == 2400
    _, cfg = H.parse_args(["--tiny", "--iterations", "6"], doc, seeds, transfer.ITERATIONS)
    assert (cfg.name, cfg.iterations) == ("tiny", 6)
    with pytest.raises(SystemExit):
        H.parse_args(["--iterations", "1"], doc, seeds)

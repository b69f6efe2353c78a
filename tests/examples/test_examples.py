"""Every example runs: reduced runs (tiny frames, a few steps) of the demo, the training loop with
checkpoint/resume, DDP with two gloo processes, the drop-in snippet and the property-test example.
"""

import os

# Passive OpenMP waiting: spinning threads make torch ~10x slower on a shared, busy CPU (CI).
# Set before torch loads; the subprocesses below inherit it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import json  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from tiaug.datasets import synthetic_faces  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(EXAMPLES))

import data  # noqa: E402
import metrics  # noqa: E402
import train  # noqa: E402
from models import build_model  # noqa: E402

SIZE = (32, 40)
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def run(args, cwd=ROOT, timeout=300):
    """Run a command; on failure show its output."""
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def write_folder(root, n, seed):
    """A dataset folder in the documented layout: frames/*.npy (°C) and labels/*.npy."""
    images, labels, _ = synthetic_faces(n, SIZE, subjects=[seed], rng=seed)
    for sub in ("frames", "labels"):
        (root / sub).mkdir(parents=True)
    for i, (image, label) in enumerate(zip(images, labels, strict=True)):
        np.save(root / "frames" / f"f{i:03d}.npy", image)
        np.save(root / "labels" / f"f{i:03d}.npy", label)
    return root


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_metrics_iou_by_hand():
    target = torch.tensor([[0, 0, 1, 1], [2, 2, 255, 255]])
    pred = torch.tensor([[0, 1, 1, 1], [2, 0, 2, 2]])
    cm = metrics.confusion_matrix(pred, target, num_classes=3)
    assert cm.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]  # the 255 pixels are not counted
    scores = metrics.iou_from_confusion(cm)
    np.testing.assert_allclose(scores["per_class_iou"], [1 / 3, 2 / 3, 1 / 2])
    assert scores["miou"] == pytest.approx((1 / 3 + 2 / 3 + 1 / 2) / 3)
    assert scores["miou_no_bg"] == pytest.approx((2 / 3 + 1 / 2) / 2)


def test_metrics_absent_class_left_out_of_mean():
    cm = metrics.confusion_matrix(torch.tensor([0, 1]), torch.tensor([0, 1]), num_classes=3)
    scores = metrics.iou_from_confusion(cm)
    assert np.isnan(scores["per_class_iou"][2])
    assert scores["miou"] == 1.0 and scores["miou_no_bg"] == 1.0


@pytest.mark.parametrize("name", ["unet", "attention_unet"])
def test_models_keep_odd_frame_sizes(name):
    model = build_model(name, num_classes=6, width=4)
    assert model(torch.zeros(2, 1, 33, 45)).shape == (2, 6, 33, 45)


def test_build_model_rejects_unknown_name():
    with pytest.raises(ValueError, match="name must be one of 'unet', 'attention_unet'"):
        build_model("segformer")
    with pytest.raises(ValueError, match="depth must be at least 1, got 0"):
        build_model("unet", depth=0)


@pytest.mark.parametrize("depth", [1, 3, 4])
def test_model_depth_sets_the_poolings(depth):
    model = build_model("unet", num_classes=6, width=4, depth=depth)
    assert len(model.encoders) == depth + 1 and len(model.decoders) == depth
    assert model(torch.zeros(1, 1, 33, 45)).shape == (1, 6, 33, 45)


def test_learning_rate_schedules():
    cosine = train.TrainConfig(iterations=100, warmup=0.1)
    factors = [train.lr_factor(step, cosine) for step in range(100)]
    assert factors[:10] == pytest.approx([(k + 1) / 10 for k in range(10)])  # linear warm-up
    assert factors[10] == 1.0 and factors[55] == pytest.approx(0.5)
    assert all(a >= b for a, b in zip(factors[10:], factors[11:]))  # then decays to 0
    assert train.lr_factor(100, cosine) == pytest.approx(0.0)
    paper = train.TrainConfig.paper(iterations=100)
    assert (paper.optimizer, paper.schedule, paper.lr, paper.weight_decay) == (
        "sgd", "poly", 0.01, 5e-4)
    assert train.lr_factor(0, paper) == 1.0
    assert train.lr_factor(50, paper) == pytest.approx(0.5 ** 0.9)
    model = build_model("unet", width=4)
    criterion = train.SegmentationLoss(paper)
    assert isinstance(train.make_optimizer(paper, model, criterion), torch.optim.SGD)
    assert isinstance(train.make_optimizer(cosine, model, criterion), torch.optim.AdamW)
    with pytest.raises(ValueError, match="optimizer must be 'adamw' or 'sgd', got 'lion'"):
        train.make_optimizer(train.TrainConfig(optimizer="lion"), model, criterion)
    # wsd: warm-up, the peak held, a linear decay over the last `decay` of the steps.
    wsd = train.TrainConfig(iterations=100, warmup=0.1, schedule="wsd", decay=0.2)
    factors = [train.lr_factor(step, wsd) for step in range(101)]
    assert factors[:10] == pytest.approx([(k + 1) / 10 for k in range(10)])
    assert factors[10:80] == [1.0] * 70
    assert factors[80:] == pytest.approx([(100 - k) / 20 for k in range(80, 101)])
    # A shorter wsd schedule is the longer one up to its own decay (the study branches there).
    half = train.TrainConfig(iterations=50, warmup=0.1, schedule="wsd", decay=0.2)
    assert [train.lr_factor(k, half) for k in range(10, 40)] == factors[10:40]
    assert train.lr_factor(40, half) == 1.0 > train.lr_factor(41, half)
    with pytest.raises(ValueError,
                       match="schedule must be one of 'cosine', 'poly', 'wsd', got 'step'"):
        train.make_schedule(torch.optim.SGD(model.parameters(), lr=0.1),
                            train.TrainConfig(schedule="step"))


def test_thermal_frames_normalises_after_augmentation():
    images, labels, _ = synthetic_faces(2, SIZE, rng=0)
    ds = data.ThermalFrames(images, labels, transform=data.tiaug_pipeline(SIZE), seed=3)
    x, y = ds[1]
    assert x.shape == (1, *SIZE) and x.dtype == torch.float32
    assert y.shape == SIZE and y.dtype == torch.int64
    assert x.min() == -1.0 and x.max() == 1.0
    again = ds[1]
    assert torch.equal(x, again[0]) and torch.equal(y, again[1])
    ds.set_epoch(1)
    assert not torch.equal(x, ds[1][0])  # a new epoch, new augmentations


def test_geometric_pipeline_is_tiaug_without_occluders_and_noise():
    image, labels, _ = synthetic_faces(1, SIZE, rng=0)
    names = [type(t).__name__ for t in data.geometric_pipeline(SIZE).transforms]
    assert names == ["HorizontalFlip", "Rotate", "RandomScale", "GaussianBlur"]
    for seed in range(10):
        out = data.geometric_pipeline(SIZE)(image=image[0], mask=labels[0], rng=seed)
        assert not out["occluded"].any()
        assert image[0].min() <= out["image"].min() <= out["image"].max() <= image[0].max()


def test_augmented_batches_do_not_depend_on_worker_count():
    images, labels, _ = synthetic_faces(4, SIZE, rng=0)
    ds = data.ThermalFrames(images, labels, transform=data.tiaug_pipeline(SIZE), seed=1)
    loaded = [
        torch.cat([x for x, _ in torch.utils.data.DataLoader(ds, batch_size=2, num_workers=w)])
        for w in (0, 2)
    ]
    assert torch.equal(*loaded)


def test_folder_dataset_requires_label_maps(tmp_path):
    root = write_folder(tmp_path / "d", 2, seed=0)
    (root / "labels" / "f001.npy").unlink()
    with pytest.raises(ValueError, match="frames without a label map"):
        data.ThermalFrames(root)


def test_occluded_test_set_is_reproducible_and_occluded():
    images, labels, _ = synthetic_faces(5, SIZE, rng=0)
    first = data.occlude_test_set(images, labels, seed=0)
    second = data.occlude_test_set(images, labels, seed=0)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    occluded = first[2]
    assert occluded.any(axis=(1, 2)).all()  # every frame got an occluder
    # Frames 0 and 1 get the paper's flat occluders, which leave every other pixel as it was
    # (the families' camera edges and footprints reach a little beyond their occluded pixels).
    for i in (0, 1):
        np.testing.assert_array_equal(first[0][i][~occluded[i]], images[i][~occluded[i]])


def test_demo_measures_how_busy_the_cpu_is(monkeypatch):
    import demo

    assert 0.0 <= demo.cpu_busy(0.05) <= 1.0

    def unreadable(*args, **kwargs):
        raise OSError("no /proc here")

    # Where the counters cannot be read the CPU counts as busy: threads then wait passively.
    monkeypatch.setattr(demo, "open", unreadable, raising=False)
    assert demo.cpu_busy(0.0) == 1.0


def test_demo_reduced_run(tmp_path):
    out = tmp_path / "demo"
    proc = run([sys.executable, "examples/demo.py", "--out", str(out), "--iterations", "3",
                "--size", *map(str, SIZE), "--train-frames", "8", "--test-frames", "5",
                "--batch-size", "4"])
    text = (out / "metrics.json").read_text()
    assert "NaN" not in text  # strict JSON: an empty mask is null
    result = json.loads(text)
    for name in ("clean", "occluded"):
        assert set(result[name]) == {"per_class_iou", "miou", "miou_no_bg",
                                     "roi_temperature_error"}
        assert len(result[name]["per_class_iou"]) == 6
        assert 0.0 <= result[name]["miou"] <= 1.0
        roi = result[name]["roi_temperature_error"]
        assert list(roi) == list(metrics.CLASS_NAMES[1:])  # the face classes
        for errors in roi.values():
            assert set(errors) == {"mae", "bias", "frames", "missed"}
            assert errors["frames"] + errors["missed"] <= 5
            assert (errors["mae"] is None) == (errors["frames"] == 0)
    assert result["class_names"][0] == "background"
    assert result["config"]["iterations"] == 3 and result["config"]["samcl_weight"] == 0.5
    assert {"torch", "tiaug", "samcl_loss"} <= set(result["versions"])
    for png in ("augmented.png", "predictions.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "mIoU" in proc.stdout and str(out / "metrics.json") in proc.stdout
    assert proc.stdout.count("nose ROI temperature:") == 2  # clean and occluded


def test_train_cli_on_a_folder_with_resume(tmp_path):
    train_dir = write_folder(tmp_path / "train", 4, seed=0)
    val_dir = write_folder(tmp_path / "val", 2, seed=1)
    out = tmp_path / "run"
    common = ["--data", str(train_dir), "--val", str(val_dir), "--size", *map(str, SIZE),
              "--batch-size", "2", "--width", "4", "--balance", "--out", str(out)]
    first = train.main([*common, "--iterations", "2"])
    assert set(first["val"]) == {"per_class_iou", "miou", "miou_no_bg", "roi_temperature_error"}
    assert len(first["config"]["pos_weight"]) == 6 and first["config"]["pos_weight"][0] == 1.0
    assert torch.load(out / "checkpoint.pt")["step"] == 2

    resumed = train.main([*common, "--iterations", "3", "--resume"])
    state = torch.load(out / "checkpoint.pt")
    assert state["step"] == 3
    assert [h["step"] for h in json.loads((out / "history.json").read_text())] == [2, 3]
    assert resumed["config"]["resume"] is True


def test_evaluate_measures_roi_temperatures_on_raw_frames_only():
    images, labels, _ = synthetic_faces(5, SIZE, rng=0)
    labels[:, :4] = 255  # ignored rows: in neither mask
    torch.manual_seed(0)
    model = build_model("unet", width=4)
    scores = train.evaluate(model, data.ThermalFrames(images, labels), batch_size=2)
    roi = scores["roi_temperature_error"]
    assert list(roi) == list(metrics.CLASS_NAMES[1:])
    # Whole-set summary = the metrics on all frames at once (batches of 2 stitched in order).
    preds = np.stack([train.predict(model, x[None])[0].numpy()
                      for x, _ in data.ThermalFrames(images, labels)])
    expected = metrics.roi_error(
        metrics.roi_temperatures(preds, labels, images, 6, ignore=labels == 255)[:, 1:],
        metrics.CLASS_NAMES[1:])
    assert roi == expected
    # An augmented set's frames are not its stored ones: no ROI temperatures there.
    augmented = data.ThermalFrames(images, labels, transform=data.geometric_pipeline(SIZE))
    assert "roi_temperature_error" not in train.evaluate(model, augmented)


def test_balanced_pos_weight_by_hand():
    # 7 labelled pixels: class 0 on 4 (negative-to-positive odds 3/4), class 1 on 2 (5/2),
    # class 2 on 1 (6), class 3 absent; one pixel ignored. Odds relative to class 0's, rooted.
    labels = np.array([[0, 0, 0, 0], [1, 1, 2, 255]])
    weights = train.balanced_pos_weight(labels, num_classes=4)
    np.testing.assert_allclose(weights, [1.0, np.sqrt(10 / 3), np.sqrt(8.0), 1.0])
    assert isinstance(weights, tuple) and all(type(w) is float for w in weights)
    assert train.balanced_pos_weight(np.zeros((2, 2)), num_classes=3) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 6\) .* from 0 to 7"):
        train.balanced_pos_weight(np.array([0, 7]))
    with pytest.raises(ValueError, match="at least one pixel that is not ignore_index"):
        train.balanced_pos_weight(np.full((2, 2), 255))
    with pytest.raises(ValueError, match="pixel_loss='ce' takes none"):
        train.SegmentationLoss(train.TrainConfig(pixel_loss="ce", pos_weight=weights))


class CrashAfter(data.ThermalFrames):
    """A dataset that fails after `limit` frames, like a job killed mid-run."""

    def __init__(self, *args, limit, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.served = 0

    def __getitem__(self, index):
        self.served += 1
        if self.served > self.limit:
            raise RuntimeError("killed")
        return super().__getitem__(index)


def test_resume_after_a_crash_matches_an_uninterrupted_run(tmp_path):
    images, labels, _ = synthetic_faces(4, SIZE, rng=0)
    kwargs = dict(transform=data.tiaug_pipeline(SIZE), seed=0)
    config = dict(iterations=4, batch_size=2, checkpoint_every=2, log_every=1)

    def fresh_model():
        torch.manual_seed(0)
        return build_model("unet", width=4)

    straight = fresh_model()
    train.train(train.TrainConfig(**config, checkpoint=str(tmp_path / "a.pt")),
                data.ThermalFrames(images, labels, **kwargs), straight, progress=False)

    interrupted = train.TrainConfig(**config, checkpoint=str(tmp_path / "b.pt"), resume=True)
    with pytest.raises(RuntimeError, match="killed"):  # dies while loading step 3's batch
        train.train(interrupted, CrashAfter(images, labels, limit=5, **kwargs), fresh_model(),
                    progress=False)
    assert torch.load(tmp_path / "b.pt")["step"] == 2
    resumed = fresh_model()
    history = train.train(interrupted, data.ThermalFrames(images, labels, **kwargs), resumed,
                          progress=False)
    assert [h["step"] for h in history] == [1, 2, 3, 4]
    for (name, a), b in zip(straight.state_dict().items(), resumed.state_dict().values(),
                            strict=True):
        torch.testing.assert_close(a, b, msg=name)


def test_train_without_samcl_and_with_joint_aux_and_bf16(tmp_path):
    images, labels, _ = synthetic_faces(2, SIZE, rng=0)
    ds = data.ThermalFrames(images, labels, transform=data.geometric_pipeline(SIZE))
    for config in (train.TrainConfig(iterations=1, batch_size=2, samcl_weight=0.0,
                                     pixel_loss="ce"),
                   train.TrainConfig(iterations=2, batch_size=2, aux_mode="joint", amp=True)):
        history = train.train(config, ds, build_model("unet", width=4), progress=False)
        assert all(np.isfinite(h["loss"]) for h in history)
        assert ("samcl_loss" in history[-1]) == (config.samcl_weight > 0)


@pytest.mark.parametrize("aux", ["frozen", "joint"])
def test_ddp_two_gloo_processes(tmp_path, aux):
    out = tmp_path / "ddp"
    proc = run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2",
                f"--master_port={free_port()}", "examples/ddp_train.py", "--backend", "gloo",
                "--synthetic", "8", "--iterations", "2", "--size", *map(str, SIZE),
                "--batch-size", "2", "--aux-mode", aux, "--out", str(out)])
    result = json.loads((out / "metrics.json").read_text())
    assert result["world_size"] == 2
    assert 0.0 <= result["val"]["miou"] <= 1.0
    assert torch.load(out / "checkpoint.pt")["step"] == 2
    assert proc.stdout.count("2 processes;") == 1  # only rank 0 reports


def test_drop_in_snippet_trains_a_plain_loop_and_a_real_lightning_module(capsys):
    import drop_in
    import lightning

    module = drop_in.main([])
    losses = [float(line.split()[1]) for line in capsys.readouterr().out.splitlines()
              if line.startswith("loss ")]
    assert len(losses) == 6 and np.isfinite(losses).all()
    assert isinstance(module, lightning.LightningModule)
    assert module.trainer.global_step == 3 and len(module.losses) == 3
    assert {"train/pixel", "train/samcl", "train/loss"} <= set(module.trainer.logged_metrics)


def test_lightning_module_trains_under_bf16_autocast_with_the_joint_aux():
    import drop_in

    torch.manual_seed(0)
    module = drop_in.LitSegmenter(build_model("unet", 6, width=4), aux="joint")
    aux_before = [w.detach().clone() for w in module.samcl.aux.parameters()]
    trainer = drop_in.fit_lightning(module, drop_in.tiny_batches(2, size=SIZE),
                                    precision="bf16-mixed", max_steps=2)
    assert trainer.global_step == 2 and np.isfinite(module.losses).all()
    # The auxiliary network is a submodule: Lightning's optimiser trained it with the model.
    assert any(not torch.equal(a, b) for a, b in zip(aux_before, module.samcl.aux.parameters(),
                                                     strict=True))


def test_adapters_example_runs(capsys):
    import adapters

    adapters.main()
    out = capsys.readouterr().out
    assert "albumentations, same seed, same frames: True" in out
    assert "MONAI, same seed, same batches: True" in out
    batch = adapters.run_albumentations(*synthetic_faces(2, (112, 140), rng=1)[:2])
    assert all(x.shape == y.shape == occ.shape == (96, 120) for x, y, occ in batch)


def test_user_property_example_passes():
    run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "examples/test_user_property.py"])


@pytest.mark.cuda
@needs_cuda
def test_train_on_cuda_with_fp16_amp():
    images, labels, _ = synthetic_faces(4, SIZE, rng=0)
    ds = data.ThermalFrames(images, labels, transform=data.tiaug_pipeline(SIZE))
    model = build_model("attention_unet", width=4)
    config = train.TrainConfig(iterations=3, batch_size=2, device="cuda", amp=True)
    history = train.train(config, ds, model, progress=False)
    assert np.isfinite(history[-1]["loss"])
    scores = train.evaluate(model, ds, device="cuda")
    assert 0.0 <= scores["miou"] <= 1.0

"""Cameras study: does ThermalCamera make a segmenter trained on one camera's frames work on the
frames of another?

The training frames are the lab's (:mod:`tiaug.datasets`: a good camera, NETD 50 mK, sharp at
the frame's resolution). The test frames are the same test frames as each preset of
:data:`tiaug.camera.CAMERAS` records them, rendered by the *face model*
(``synthetic_faces(..., camera=name, coverage=COVERAGE)``: the scene rendered on the camera's
own sensor grid with its NETD, fixed-pattern noise, vignetting, radiometric error and
quantisation, then resampled to the frame), never by the transform under test.

Look-alike cameras form a group (``GROUPS``): the low-resolution uncooled cameras (a Lepton
core, a phone attachment, a 256x192 USB camera), whose frames lose resolution and carry the
most noise, and the 320- and 640-wide cores and the cooled camera, which at the study's frame
size differ from the lab only in noise, fixed pattern and calibration. Each group is held out
in turn: its leave-one-out model draws ``ThermalCamera`` among the other group's presets only.
The other models: flips only (the baseline), ``TiAug()`` without room and body, and
``TiAug()`` followed by ``ThermalCamera`` drawing every preset (``CAMERA``), last in the chain
as the user guide puts it.

Per camera c and model m, on the test frames through camera c::

    gap_closed  = (m_c - base_c) / (base_clean - base_c)
    clean_delta = m_clean - base_clean                    (mIoU points, clean test set)

with mIoU including the background, a paired t-test and bootstrap, and the ROI temperature
error of the nose and the eyes (``examples/metrics.py``) on the camera's °H. Every run also
yields its N/2 schedule branched off before the decay, the convergence check.

Results go into ``OUT/validation.json["cameras"]`` and ``OUT/cameras_table.rst``; every finished
run is kept in ``OUT/cameras_runs/`` and reused when the study is started again.

Run::

    python -m studies.cameras    # CPU: 5 models x 3 seeds x 4800 iterations, ~2-3 hours
    python -m studies.cameras --tiny --out /tmp/cameras     # a smoke run (seconds)
"""


import numpy as np

from studies import harness as H
from studies.testsets import camera_sets

# Presets of tiaug.camera.CAMERAS in look-alike groups; each group is held out in turn.
GROUPS = {"low": ("lepton", "flir_one_pro", "tc001"),
          "high": ("boson320", "boson640", "a655sc", "cooled_mwir")}
# The frame spans half of each test camera's sensor width (a face crop of half its view).
COVERAGE = 0.5
BASE = "flips"
TIAUG = "tiaug"
CAMERA = "camera"
# The share of frames ThermalCamera re-images in the camera models.
P_CAMERA = 0.5
SEEDS = {"tiny": (0,), "cpu": (0, 1, 2), "gpu": (0, 1, 2, 3, 4)}
ITERATIONS = {"cpu": 4800}
# Classes whose ROI temperature is reported: the nose (breathing, stress) and the eyes (the
# inner canthi: core temperature).
ROI_LABELS = ("nose", "eyes")


def cameras():
    """Every test camera, group by group."""
    return [c for group in GROUPS.values() for c in group]


def models():
    """Every model of the study."""
    return (BASE, TIAUG, CAMERA, *(f"no_{g}" for g in GROUPS))


def pipeline(model, size):
    """Training augmentation of `model`."""
    import tiaug

    if model == BASE:
        return tiaug.Compose([tiaug.HorizontalFlip(p=0.5)])
    # TiAug without its room and body (p_ambience=0): the model whose gap the camera closes.
    if model == TIAUG:
        return tiaug.TiAug(p_ambience=0.0, p_camera=0.0, size=size)
    if model == CAMERA:
        camera = tiaug.ThermalCamera(p=P_CAMERA)
    else:
        held = GROUPS[model[len("no_"):]]
        camera = tiaug.ThermalCamera(camera=[c for c in cameras() if c not in held],
                                     p=P_CAMERA)
    # Last, as the user guide has it: the camera records the scene after the geometry and the
    # occluders.
    return tiaug.Compose([tiaug.TiAug(p_ambience=0.0, p_camera=0.0, size=size), camera])


def held_out_by(camera):
    """The leave-one-out model that never drew `camera`'s group."""
    return next(f"no_{g}" for g, members in GROUPS.items() if camera in members)


def test_sets(cfg, test):
    """The clean test set and each camera's: {name: (images, labels, occluded)}."""
    nothing = np.zeros(test.images.shape, bool)
    return {"clean": (test.images, test.labels, nothing),
            **camera_sets(cfg, test, cameras(), COVERAGE)}


def _one_run(model, seed):
    return H.train_and_score(model, seed, pipeline(model, H.WORKER["cfg"].size))


def jobs(cfg, train_split, sets):
    """Every (model, seed) run and its fingerprint."""
    return H.model_jobs(cfg, models(), train_split, sets, pipeline)


def compare(cfg, done, n_boot):
    """{camera: {model: {"gap_closed", "clean_delta", tests, "roi", "half_schedule"}}}."""
    rng = np.random.default_rng(H.DATA_SEED)
    cms = {(m, name): np.stack([done[H.run_key(m, s)][1][name] for s in cfg.seeds])
           for m in models() for name in done[H.run_key(m, cfg.seeds[0])][1]}
    half, _ = H.checkpoints(cfg)
    out = {}
    for name in cameras():
        out[name] = {"held_out_by": held_out_by(name)}
        for m in models()[1:]:
            entry = H.compare_to_base(cms, BASE, m, name, "", n_boot, rng)
            entry["half_schedule"] = {"iterations": half,
                                      **H.compare_to_base(cms, BASE, m, name, H.HALF, n_boot, rng)}
            entry["roi"] = {k: H.roi_summary(done, m, name, cfg.seeds, k) for k in ROI_LABELS}
            out[name][m] = entry
        out[name]["base_roi"] = {k: H.roi_summary(done, BASE, name, cfg.seeds, k)
                                 for k in ROI_LABELS}
    return out


def format_rst(result):
    """The per-camera table and the convergence table."""
    cfg, comparison = result["config"], result["cameras"]
    half = next(iter(comparison.values()))[CAMERA]["half_schedule"]["iterations"]
    header = ["camera", "base", "held out (model)", "gap closed", "clean change",
              "p (t / bootstrap)", f"gap closed after {half}", "TiAug() + camera", "TiAug()",
              "nose / eyes ROI error °C: base", "held out", "TiAug() + camera"]

    def roi(r):
        return " / ".join(H._roi(r[k]) for k in ROI_LABELS)

    rows = []
    for name in cameras():
        r = comparison[name]
        loo, cam, ti = r[r["held_out_by"]], r[CAMERA], r[TIAUG]
        rows.append([name, f"{loo['miou']['base']:.1f}", r["held_out_by"], H._gap(loo),
                     f"{loo['clean_delta']:+.2f}",
                     f"{H._p(loo['t_test_p'])} / {H._p(loo['bootstrap_p'])}",
                     H._gap(loo["half_schedule"]), H._gap(cam), H._gap(ti), roi(r["base_roi"]),
                     roi(loo["roi"]), roi(cam["roi"])])
    first = comparison[cameras()[0]]
    note = (f" (test frames: the frame spans {COVERAGE:g} of each camera's sensor width); "
            f"base: flips only, clean mIoU {first[TIAUG]['miou']['base_clean']:.1f}. \"held "
            f"out\": the model whose ThermalCamera drew nothing of the camera's group; clean "
            f"change of TiAug() + camera {first[CAMERA]['clean_delta']:+.2f}, of TiAug() "
            f"{first[TIAUG]['clean_delta']:+.2f}. ROI error: mean absolute difference (signed "
            f"mean) of the temperature measured through the predicted and the true mask. \"no "
            f"gap\": flips only lose less than {H.MIN_GAP:g} point on the camera.")
    lines = [H.table_rst("cameras.py", cfg, note, "Cameras", header, rows)]
    return "\n".join([*lines, *H.convergence_table(result["convergence"]), ""])


def results(cfg, done):
    return {"groups": GROUPS, "coverage": COVERAGE,
            "augmentation": {m: repr(pipeline(m, cfg.size)) for m in models()},
            "cameras": compare(cfg, done, cfg.bootstrap),
            "convergence": H.convergence(cfg, done, models())}


def run_study(cfg, out_dir, fresh=False, progress=True, render=False):
    return H.run_study("cameras", cfg, out_dir, test_sets, jobs, _one_run, results, format_rst,
                       fresh, progress, render)


def report(result):
    lines = []
    for name in cameras():
        r = result["cameras"][name]
        for m in (r["held_out_by"], CAMERA, TIAUG):
            e = r[m]
            lines.append(f"{name:>12} {m:>8}: gap closed {H._gap(e)} "
                         f"({H._gap(e['half_schedule'])} after "
                         f"{e['half_schedule']['iterations']}), clean {e['clean_delta']:+.2f} "
                         f"({e['verdict']})")
    return "\n".join(lines)


def main(argv=None):
    return H.main(argv, __doc__, SEEDS, ITERATIONS, run_study, report)


if __name__ == "__main__":
    main()

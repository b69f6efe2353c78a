"""Which defaults of the TiAug preset with the occluder families cost no clean accuracy?

``TiAug(occluders="families")`` against horizontal flips only, with the parts that may cost
clean accuracy switched off one at a time (``PIPELINES``):

``flips``
    :class:`tiaug.HorizontalFlip` only: the baseline.
``preset``
    ``TiAug(occluders="families", label_policy="keep")``: the preset before this study (rotation
    ±10° and scaling 0.8-1.25x, each on half of the frames; blur; the occluders on half of the
    frames, labels kept; NETD noise).
``upright``
    The same without rotation and scaling (``p_geometry=0``).
``ignore``
    The preset with ``label_policy="ignore"``: no loss on the pixels under an occluder.
``upright_ignore``
    Both.
``ignore_quarter``
    ``ignore`` with the occluders on a quarter of the frames instead of half
    (``p_occlusion=0.25``), added to the study after the first five had run: the occluders cost
    the clean accuracy, so does drawing them less often cost less?
``no_occluders``
    The preset without its occluders (``p_occlusion=0``): what its geometry, blur and noise
    cost on their own, added when halving the occluders' frequency cut the clean cost by only
    0.2 points.
``no_blur``, ``no_noise``
    ``ignore_quarter`` without its Gaussian blur (``p_blur=0``) or without its sensor noise
    (``p_noise=0``), added when ``no_occluders`` cost as much clean accuracy as the preset with
    its occluders: the geometry costs little (``upright``), so the cost lies in the blur or the
    noise. Both keep the occluders, so both are candidates for the defaults.
``no_blur_half``, ``no_blur_three_quarters``
    ``no_blur`` (the defaults it chose) with the occluders on half or three quarters of the
    frames (``p_occlusion=0.5``, ``0.75``), added when the transfer study showed that the
    model trained with ``TiAug()`` closes only 54 % of the gap on tiaug's own hair and 71 % on
    its glasses, families each drawn on about 3 % of the frames (a quarter of the frames, one
    or two objects of twelve families): with the blur off, does drawing occluders more often
    still cost clean accuracy?

Every model uses the validation study's recipe (``validation.CONFIGS``) with the pixel loss only
and per-image min-max, as the transfer study does. Test sets, scored on the pixels that stay
visible: ``clean`` and ``occluded`` (tiaug's own families, :class:`tiaug.RandomOccluders` at its
defaults). The held-out occluders are left out on purpose: the defaults are chosen without them,
and the transfer study (``transfer.py``) measures them on families the training never drew.
Per pipeline: mIoU mean ± std over seeds, each compared with ``flips`` by a paired t-test and a
paired bootstrap.

The rule that picks the defaults, fixed before the study ran: of the pipelines whose clean mIoU
is at most 1 point below ``flips`` (mean over seeds), the one that scores best on ``occluded``;
if none is, the one with the smallest clean cost, and the goal is reported as missed.

Results: ``OUT/validation.json["defaults"]``, ``OUT/defaults_table.rst``; runs are kept in
``OUT/defaults_runs/``.

Run::

    python -m studies.defaults               # CPU: 11 models x 3 seeds, about 175 min
    python -m studies.defaults --tiny --out /tmp/defaults    # a smoke run
"""


import numpy as np

from studies import harness as H
from studies.testsets import occluded_copy

# Three seeds, the schedule of the validation study's configurations.
SEEDS = {"tiny": (0,), "cpu": (0, 1, 2), "gpu": (0, 1, 2, 3, 4)}

# name: TiAug(occluders="families") keyword arguments; None is the flips-only baseline.
# The label policy and the probabilities of the occluders and the blur are explicit: the study
# chose TiAug's defaults among these.
_BLUR = {"p_blur": 0.5}
_HALF = {"p_occlusion": 0.5, **_BLUR}
_QUARTER = {"label_policy": "ignore", "p_occlusion": 0.25}
PIPELINES = {
    "flips": None,
    "preset": {"label_policy": "keep", **_HALF},
    "upright": {"p_geometry": 0.0, "label_policy": "keep", **_HALF},
    "ignore": {"label_policy": "ignore", **_HALF},
    "upright_ignore": {"p_geometry": 0.0, "label_policy": "ignore", **_HALF},
    "ignore_quarter": {**_QUARTER, **_BLUR},
    "no_occluders": {"label_policy": "ignore", "p_occlusion": 0.0, **_BLUR},
    "no_blur": {**_QUARTER, "p_blur": 0.0},
    "no_noise": {**_QUARTER, **_BLUR, "p_noise": 0.0},
    "no_blur_half": {**_QUARTER, "p_blur": 0.0, "p_occlusion": 0.5},
    "no_blur_three_quarters": {**_QUARTER, "p_blur": 0.0, "p_occlusion": 0.75},
}
TEST_SETS = ("clean", "occluded")


def pipeline(name, size):
    import tiaug

    if PIPELINES[name] is None:
        return tiaug.Compose([tiaug.HorizontalFlip(p=0.5)])
    # Without the room, the body and the camera, which joined TiAug after this study.
    return tiaug.TiAug(occluders="families", p_ambience=0.0, p_camera=0.0, size=size,
                       **PIPELINES[name])


def test_sets(cfg, test):
    """{name: (images, labels, occluded)}: the clean faces and a copy under tiaug's families."""
    import tiaug

    return {"clean": (test.images, test.labels, np.zeros(test.images.shape, bool)),
            "occluded": occluded_copy(test, tiaug.RandomOccluders())}


def _one_run(name, seed):
    cfg, train_split, sets = H.WORKER["cfg"], H.WORKER["train"], H.WORKER["sets"]
    model, history, seconds = H.train_model(cfg, seed, cfg.iterations, train_split,
                                            pipeline(name, cfg.size))
    run = {"pipeline": name, "seed": seed, "iterations": cfg.iterations,
           "train_seconds": seconds, "final_loss": history[-1] if history else None}
    return H.score_visible(run, model, sets, cfg.device)


def summarise(cfg, done, n_boot):
    """{pipeline: {test_set: {"miou": mean/std/values, "vs_flips": tests}}}."""
    rng = np.random.default_rng(H.DATA_SEED)

    def cms(name, test_set):
        return np.stack([done[H.run_key(name, s)][1][test_set] for s in cfg.seeds])

    out = {}
    for name in PIPELINES:
        out[name] = {}
        for test_set in TEST_SETS:
            c = cms(name, test_set)
            entry = {"miou": H.describe(100 * H.mean_iou(c.sum(1)))}
            if name != "flips":
                entry["vs_flips"] = H.compare(c, cms("flips", test_set), n_boot, rng)
            out[name][test_set] = entry
    return out


def format_rst(result):
    rows = [[name, *(H.miou_cell(by_set[test_set], "vs_flips") for test_set in TEST_SETS)]
            for name, by_set in result["defaults"].items()]
    return H.table_rst("defaults.py", result["config"], H.PAIRED_NOTE.format("flips only"),
                       "The clean cost of the preset's parts", ["augmentation", *TEST_SETS], rows)


def jobs(cfg, train_split, sets):
    """Every (pipeline, seed) run and its fingerprint."""
    return H.model_jobs(cfg, PIPELINES, train_split, sets, pipeline)


def results(cfg, done):
    return {"augmentation": {name: repr(pipeline(name, cfg.size)) for name in PIPELINES},
            "defaults": summarise(cfg, done, cfg.bootstrap)}


def run_study(cfg, out_dir, fresh=False, progress=True, render=False):
    return H.run_study("defaults", cfg, out_dir, test_sets, jobs, _one_run, results,
                       format_rst, fresh, progress, render)


def main(argv=None):
    return H.main(argv, __doc__, SEEDS, None, run_study, format_rst)


if __name__ == "__main__":
    main()

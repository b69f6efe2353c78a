"""Normalisation under occluders: per-image min-max against a fixed and a scene-anchored range.

A 60 °C cup squeezes the face into a sliver of [-1, 1] under per-image min-max, so the network
sees a face whose contrast depends on what else is in the frame. Three normalisations
(``NORMALIZATIONS``) are compared, each for a model trained with flips only and one trained with
TiAug (``TiAug(label_policy="keep", p_occlusion=0.5, p_blur=0.5)``: the preset with
:class:`tiaug.RandomOccluders` drawing every family on half of the frames, the labels under them
kept), on the validation study's converged recipe
(``validation.CONFIGS``, pixel loss only):

``minmax``
    :func:`tiaug.normalize.minmax`: each frame's own minimum and maximum to [-1, 1] (the paper).
``fixed``
    :func:`tiaug.normalize.fixed_range` 15-40 °C to [-1, 1], clipped: one value is always the
    same temperature (indoor ambient to a little above skin).
``scene``
    :func:`tiaug.normalize.scene_range`, anchored on the frame's own ambient and skin estimates
    (:func:`tiaug.scene.scene_temperatures`, percentiles that hot and cold objects hardly
    move): ``[ambient - 2 °C, skin + 2 °C]`` to [-1, 1], clipped. Works for any camera or room
    without a window chosen by hand; the margins keep the inner canthi (1-2 °C above the
    median skin) and NETD noise inside the range.

Test sets (the validation study's test faces, scored on the pixels that stay visible): ``clean``;
``drinks`` (tiaug's cups and bottles, 45-80 °C and a few °C: the extremes that squeeze min-max);
``heldout`` (``ood_occluders.py``, never drawn in training). Per normalisation and pipeline:
mIoU mean ± std over seeds; each normalisation is compared with ``minmax`` by a paired t-test and
a paired bootstrap. Results: ``OUT/validation.json["normalization"]``,
``OUT/normalization_table.rst``; runs are kept in ``OUT/normalization_runs/``.

Run::

    python -m studies.normalization               # CPU: 6 models x 3 seeds, about 100 min
    python -m studies.normalization --tiny --out /tmp/norm    # a smoke run
"""

from functools import partial

import numpy as np

from studies import harness as H
from studies.testsets import occluded_copy

# Three seeds, the schedule of the validation study's configurations.
SEEDS = {"tiny": (0,), "cpu": (0, 1, 2), "gpu": (0, 1, 2, 3, 4)}

PIPELINES = ("flips", "tiaug")
TEST_SETS = ("clean", "drinks", "heldout")
# Margins of the scene-anchored window below ambient and above skin, °C.
SCENE_MARGINS = (2.0, 2.0)


def _normalizations():
    from tiaug.normalize import fixed_range, minmax, scene_range

    return {"minmax": minmax, "fixed": partial(fixed_range, t_min=15.0, t_max=40.0),
            "scene": partial(scene_range, margins=SCENE_MARGINS)}


NORMALIZATIONS = ("minmax", "fixed", "scene")


def _pipeline(name, size):
    import tiaug

    if name == "flips":
        return tiaug.Compose([tiaug.HorizontalFlip(p=0.5)])
    # The labels kept, the occluders on half of the frames, no room or body and no other camera,
    # as in the preset when this study ran: its runs stay valid.
    return tiaug.TiAug(label_policy="keep", p_occlusion=0.5, p_blur=0.5, p_ambience=0.0,
                       p_camera=0.0, size=size)


def test_sets(cfg, test):
    """{name: (images, labels, occluded)} for the clean faces and their two occluded copies."""
    import tiaug
    from studies.ood_occluders import HeldOutOcclusion

    sets = {"clean": (test.images, test.labels, np.zeros(test.images.shape, bool))}
    for name, t in (("drinks", tiaug.RandomOccluders(families=("cup", "bottle"), count=1)),
                    ("heldout", HeldOutOcclusion())):
        sets[name] = occluded_copy(test, t)
    return sets


def _one_run(pipeline, norm, seed):
    cfg, train_split, sets = H.WORKER["cfg"], H.WORKER["train"], H.WORKER["sets"]
    normalize = _normalizations()[norm]
    model, history, seconds = H.train_model(cfg, seed, cfg.iterations, train_split,
                                            _pipeline(pipeline, cfg.size), normalize=normalize)
    run = {"pipeline": pipeline, "normalization": norm, "seed": seed,
           "iterations": cfg.iterations, "train_seconds": seconds,
           "final_loss": history[-1] if history else None}
    return H.score_visible(run, model, sets, cfg.device, normalize)


def summarise(cfg, done, n_boot):
    """{norm: {pipeline: {test_set: {"miou": mean/std/values, "vs_minmax": tests}}}}."""
    rng = np.random.default_rng(H.DATA_SEED)

    def cms(pipeline, norm, name):
        return np.stack([done[_key(pipeline, norm, s)][1][name] for s in cfg.seeds])

    out = {}
    for norm in NORMALIZATIONS:
        out[norm] = {}
        for pipeline in PIPELINES:
            out[norm][pipeline] = {}
            for name in TEST_SETS:
                c = cms(pipeline, norm, name)
                entry = {"miou": H.describe(100 * H.mean_iou(c.sum(1)))}
                if norm != "minmax":
                    entry["vs_minmax"] = H.compare(c, cms(pipeline, "minmax", name), n_boot, rng)
                out[norm][pipeline][name] = entry
    return out


def format_rst(result):
    header = ["normalisation", "augmentation", *TEST_SETS]
    rows = []
    for norm, by_pipe in result["normalization"].items():
        for pipeline, by_set in by_pipe.items():
            rows.append([norm, pipeline,
                         *(H.miou_cell(by_set[name], "vs_minmax") for name in TEST_SETS)])
    return H.table_rst("normalization.py", result["config"], H.PAIRED_NOTE.format("min-max"),
                       "Normalisation under occluders", header, rows)


def _key(pipeline, norm, seed):
    return f"{pipeline}_{norm}_seed{seed}"


def jobs(cfg, train_split, sets):
    """``({key: (pipeline, normalization, seed)}, {key: fingerprint})``, seed by seed: a study
    stopped part-way leaves whole seeds, which a rerun completes."""
    jobs = {_key(p, n, s): (p, n, s) for s in cfg.seeds for p in PIPELINES
            for n in NORMALIZATIONS}
    prints = {}
    for key, (p, n, _) in jobs.items():
        d = H.fingerprint(cfg, _pipeline(p, cfg.size), train_split, sets)
        d.update(normalization=n, scene_margins=list(SCENE_MARGINS))
        prints[key] = d
    return jobs, prints


def results(cfg, done):
    return {"normalization": summarise(cfg, done, cfg.bootstrap)}


def run_study(cfg, out_dir, fresh=False, progress=True, render=False):
    return H.run_study("normalization", cfg, out_dir, test_sets, jobs, _one_run, results,
                       format_rst, fresh, progress, render)


def main(argv=None):
    return H.main(argv, __doc__, SEEDS, None, run_study, format_rst)


if __name__ == "__main__":
    main()

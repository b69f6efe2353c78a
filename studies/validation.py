"""Validation study: do TiAug() and SAM-CL make thermal face segmentation robust, at convergence?

The same network is trained under four regimes, for five seeds each:

``geometric``
    The paper's baseline augmentation: horizontal flips, rotation of ±10° and scaling of
    0.8-1.25x (each on half of the frames) and a Gaussian blur of 1-1.2 px on half of them
    (:func:`studies.pipelines.regime_pipeline`).
``tiaug``
    ``TiAug()`` at the defaults users get, pinned by its keyword arguments (``TIAUG``): the room
    and the body, flips, rotation and scaling, tiaug's occluder families, NETD noise and another
    camera on a share of the frames.
``tiaug_samcl``
    The same plus ``0.5 * SAMCLLoss`` (the package's default auxiliary mode).
``paper``
    ``TiAug.paper()``, the paper's own pipeline, for the record (pinned as ``PAPER``).

The pixel loss is BCE + 0.5 RMI for all (examples/train.py says why not the paper's 0.5 BCE +
0.5 RMI). A later default of TiAug adds a regime here; it never changes these.

Test sets, none of them drawn by the transform under test: the clean test frames (subjects in
neither training nor validation); the same frames under each of tiaug's occluder families and
each held-out kind (:func:`studies.testsets.family_sets`: hand-made warm objects, fabric, hair
and sticks that no transform of tiaug draws); in every other room and physiological state and
through every camera preset, both rendered by the face model (:mod:`tiaug.datasets`). Every set
is scored on the pixels that stay visible; a group (the families, the held-out kinds, the rooms
and states, the cameras) is scored on all of its frames together.

Convergence: every run trains N = 4800 iterations with the wsd schedule and yields the N/2
schedule branched off before its decay (``harness.train_with_half_schedule``); the clean mIoU of
both is reported, and a comparison counts only where every regime's two agree to within 1.5
points.

Statistics: mean ± std over seeds of the mIoU with and without background, per-class IoU on the
clean frames, the nose's ROI temperature error; for each pair of regimes the paired difference
with a t-test over seeds and a two-level paired bootstrap over seeds and frames (its 95 %
confidence interval); a difference counts when both give p < 0.05.

Results go into ``OUT/validation.json["validation"]``, ``OUT/validation_table.rst`` and
``OUT/validation_examples.png``; every finished run is kept in ``OUT/validation_runs/``.

Run::

    python -m studies.validation          # CPU: 4 regimes x 5 seeds x 4800 iterations, ~5 hours
    python -m studies.validation --tiny --out /tmp/val    # a smoke run (seconds)
    python -m studies.validation --data faces/    # your own frames (docs, "Your own data")
"""

from pathlib import Path

import numpy as np

from studies import harness as H
from studies.pipelines import regime_pipeline
from studies.testsets import camera_sets, condition_sets, families, family_key, family_sets

REGIMES = ("geometric", "tiaug", "tiaug_samcl", "paper")
# TiAug() at its defaults when the study started, every argument written out.
TIAUG = dict(netd=0.1, occluders="families", families=None, temperature=None,
             label_policy="ignore", ignore_index=255, fill="edge", mask_fill=0,
             angle=(-10.0, 10.0), scale=(0.8, 1.25), p_geometry=0.5, p_blur=0.0,
             p_occlusion=0.75, p_noise=0.5, p_ambience=0.5, p_camera=0.0, classes=None,
             vflip=False)
# TiAug.paper() when the study started.
PAPER = dict(occluders="paper", label_policy="keep", angle=(-30.0, 30.0), scale=(0.5, 2.0),
             p_geometry=1.0, p_blur=0.5, p_occlusion=0.5, p_noise=0.5, p_ambience=0.0,
             p_camera=0.0, vflip=True)
# The pairs compared: what TiAug() adds to the baseline, what SAM-CL adds to TiAug(), and the
# paper's pipeline against both.
PAIRS = (("geometric", "tiaug"), ("tiaug", "tiaug_samcl"), ("geometric", "tiaug_samcl"),
         ("geometric", "paper"), ("paper", "tiaug"))
# Camera frames as in the cameras study: the face spans half of the sensor's width.
COVERAGE = 0.5
# The sets of the examples figure: clean, one of tiaug's families, one held-out kind, a room
# and a camera.
SHOWN = ("clean", "hand", "heldout_fabric", "hot_room", "lepton")
# The paper's gain from SAM-CL over its baselines (mIoU points, Table 2).
PAPER_SAMCL_GAIN = (0.2, 0.75)
SEEDS = {"tiny": (0,), "cpu": (0, 1, 2, 3, 4), "gpu": (0, 1, 2, 3, 4)}
ITERATIONS = {"cpu": 4800}


def pipeline(regime, size):
    """Training augmentation of `regime`, pinned."""
    import tiaug

    if regime == "geometric":
        return regime_pipeline("geometric", size)
    return tiaug.TiAug(size=tuple(size), **(PAPER if regime == "paper" else TIAUG))


def uses_samcl(regime):
    return regime == "tiaug_samcl"


def conditions():
    from tiaug.datasets import CONDITIONS

    return [c for c in CONDITIONS if c != "lab"]


def cameras():
    from tiaug.camera import CAMERAS

    return list(CAMERAS)


def groups(cfg):
    """{group: test sets}: the families, the held-out kinds and, on synthetic faces, the rooms
    and states and the cameras (rendered by the face model, which a folder of frames lacks)."""
    out = {"clean": ["clean"],
           "families": [f for _, f, held in families() if not held],
           "held-out kinds": [family_key(f, True) for _, f, held in families() if held]}
    if cfg.data is None:
        out.update({"rooms and states": conditions(), "cameras": cameras()})
    return out


def test_sets(cfg, test):
    """{name: (images, labels, occluded)}: clean, every family and held-out kind and, on
    synthetic faces, every room, state and camera."""
    sets = family_sets(test)
    if cfg.data is None:
        sets.update(condition_sets(cfg, test, conditions()))
        sets.update(camera_sets(cfg, test, cameras(), COVERAGE))
    return sets


def _one_run(regime, seed):
    cfg = H.WORKER["cfg"]
    shown = [s for s in SHOWN if s in H.WORKER["sets"]]
    return H.train_and_score(regime, seed, pipeline(regime, cfg.size), uses_samcl(regime),
                             examples=shown)


def jobs(cfg, train_split, sets):
    """Every (regime, seed) run and its fingerprint."""
    return H.model_jobs(cfg, REGIMES, train_split, sets, pipeline)


def pooled(done, regime, names, seeds):
    """Per-frame confusions (seeds, frames, C, C) of `regime` over all frames of the sets
    `names`."""
    return np.stack([np.concatenate([done[H.run_key(regime, s)][1][n] for n in names])
                     for s in seeds])


def summarise(cfg, done, n_boot):
    """Per regime and group: mIoU with and without background (mean, std, per seed, in
    points); per-class IoU on clean frames; the nose's ROI temperature error on clean frames and
    over the rooms and states; the paired comparisons of ``PAIRS``."""
    rng = np.random.default_rng(H.DATA_SEED)
    by_group = groups(cfg)
    cms = {(r, g): pooled(done, r, names, cfg.seeds)
           for r in REGIMES for g, names in by_group.items()}
    summary = {}
    for r in REGIMES:
        summary[r] = {g: {key: H.describe(100 * H.mean_iou(cms[r, g].sum(1), background))
                          for key, background in (("miou", True), ("miou_no_bg", False))}
                      for g in by_group}
        summary[r]["per_class_iou_clean"] = (100 * np.nanmean(
            H.iou(cms[r, "clean"].sum(1)), 0)).tolist()
        roi = {"clean": H.roi_summary(done, r, "clean", cfg.seeds)}
        if "rooms and states" in by_group:
            per = [H.roi_summary(done, r, c, cfg.seeds) for c in conditions()]
            roi["rooms and states"] = {
                k: float(np.mean([p[k] for p in per])) if all(p[k] is not None for p in per)
                else None for k in ("mae", "bias")}
        summary[r]["nose_roi_error"] = roi
    comparisons = []
    for a, b in PAIRS:
        for g in by_group:
            for metric, background in (("miou", True), ("miou_no_bg", False)):
                test = H.paired_tests(cms[a, g], cms[b, g], background, n_boot, rng)
                comparisons.append({
                    "a": a, "b": b, "group": g, "metric": metric,
                    "mean_diff": 100 * test["mean_diff"],
                    "diff_per_seed": [100 * d for d in test["diff_per_seed"]],
                    "ci95": [100 * x for x in test["bootstrap"]["ci95"]],
                    "t_test_p": test["t_test"]["p"], "bootstrap_p": test["bootstrap"]["p"],
                    "verdict": H.verdict(test)})
    return {"groups": by_group, "summary": summary, "comparisons": comparisons}


def results(cfg, done, out_dir=None):
    """The study's results; with `out_dir`, also its examples figure there."""
    train, _, test = H.splits(cfg)
    if out_dir is not None:
        # run_all leaves the test sets in this process's worker state.
        save_examples(Path(out_dir) / "validation_examples.png", cfg, done, H.WORKER["sets"])
    return {"augmentation": {r: repr(pipeline(r, cfg.size)) for r in REGIMES},
            "samcl": {r: uses_samcl(r) for r in REGIMES},
            "aux_mode": cfg.aux_mode or H._default_aux_mode(),
            "data": {"source": cfg.data or "synthetic faces, tiaug.datasets",
                     "train_frames": len(train.images),
                     "train_subjects": int(np.unique(train.subjects).size),
                     "test_frames": len(test.images),
                     "test_subjects": int(np.unique(test.subjects).size)},
            "validation": summarise(cfg, done, cfg.bootstrap),
            "convergence": H.convergence(cfg, done, REGIMES),
            "seconds_per_iteration": {
                r: float(np.mean([done[H.run_key(r, s)][0]["train_seconds"]
                                  / done[H.run_key(r, s)][0]["iterations"] for s in cfg.seeds]))
                for r in REGIMES},
            "machine": H.machine(cfg.device), "versions": H.versions()}


def _cell(d):
    return f"{d['mean']:.1f}" if H._missing(d["std"]) else f"{d['mean']:.1f} ± {d['std']:.1f}"


def _difference(c):
    return (f"{c['mean_diff']:+.2f} [{c['ci95'][0]:+.2f}, {c['ci95'][1]:+.2f}], p "
            f"{H._p(c['t_test_p'])} / {H._p(c['bootstrap_p'])}, {c['verdict']}")


def _find(result, a, b, group, metric):
    return next(c for c in result["validation"]["comparisons"]
                if (c["a"], c["b"], c["group"], c["metric"]) == (a, b, group, metric))


def findings(result):
    """Plain sentences on the primary questions, generated from the comparisons."""
    v = result["validation"]
    conv = result["convergence"]
    spread = max(abs(c["clean_miou"][1] - c["clean_miou"][0]) for c in conv.values())
    out = [f"Convergence: the largest change of a regime's clean mIoU between the half and the "
           f"full schedule is {spread:.1f} points "
           f"({'within' if spread <= 1.5 else 'outside'} the 1.5-point criterion)."]
    for a, b, what in (("geometric", "tiaug", "TiAug()"),
                       ("tiaug", "tiaug_samcl", "SAM-CL on top of TiAug()")):
        for g in v["groups"]:
            c = _find(result, a, b, g, "miou_no_bg")
            effect = {"better": "improved", "worse": "lowered",
                      "no significant difference": "did not significantly change"}[c["verdict"]]
            out.append(f"{what} {effect} the mIoU without background on {g}: "
                       f"{c['mean_diff']:+.2f} points (bootstrap 95 % CI [{c['ci95'][0]:+.2f}, "
                       f"{c['ci95'][1]:+.2f}], t-test p {H._p(c['t_test_p'])}, bootstrap p "
                       f"{H._p(c['bootstrap_p'])}).")
    c = _find(result, "tiaug", "tiaug_samcl", "clean", "miou_no_bg")
    low, high = PAPER_SAMCL_GAIN
    inside = low <= c["mean_diff"] <= high
    overlaps = c["ci95"][0] <= high and c["ci95"][1] >= low
    out.append(f"The paper reports +{low:g} to +{high:g} points of mIoU from SAM-CL; on clean "
               f"frames this study measures {c['mean_diff']:+.2f}, "
               + ("within that range." if inside else
                  "outside that range, " + ("though its confidence interval overlaps it."
                                            if overlaps else "and its confidence interval "
                                            "excludes it.")))
    return out


def format_rst(result):
    """Findings, the results tables and the convergence table."""
    v, cfg = result["validation"], result["config"]
    groups_ = list(v["groups"])
    data = result["data"]
    note = (f"; {data['train_frames']} training frames of {data['train_subjects']} subjects, "
            f"{data['test_frames']} test frames of {data['test_subjects']} other subjects "
            f"({data['source']}). A group is scored on all of its sets' frames together; mean ± "
            f"std over seeds. SAM-CL auxiliary mode: {result['aux_mode']}.")
    lines = H.table_rst("validation.py", cfg, note, "mIoU incl. background (%)",
                        ["regime", *groups_],
                        [[r, *(_cell(v["summary"][r][g]["miou"]) for g in groups_)]
                         for r in REGIMES]).splitlines()
    lines += ["", "Findings (mIoU without background; a difference counts only when the t-test "
              "over seeds and the bootstrap over seeds and frames both give p < 0.05):", ""]
    lines += [f"- {s}" for s in findings(result)]
    lines += ["", *H.list_table("mIoU without background (%)", ["regime", *groups_],
                                [[r, *(_cell(v["summary"][r][g]["miou_no_bg"]) for g in groups_)]
                                 for r in REGIMES])]
    from metrics import CLASS_NAMES

    lines += ["", *H.list_table("Per-class IoU on clean frames (%), mean over seeds",
                                ["regime", *CLASS_NAMES],
                                [[r, *(f"{x:.1f}" for x in v["summary"][r]["per_class_iou_clean"])]
                                 for r in REGIMES])]
    roi_groups = list(v["summary"][REGIMES[0]]["nose_roi_error"])
    lines += ["", *H.list_table(
        "Nose ROI temperature error, °C: mean absolute (bias)", ["regime", *roi_groups],
        [[r, *(H._roi(v["summary"][r]["nose_roi_error"][g]) for g in roi_groups)]
         for r in REGIMES])]
    for metric, label in (("miou", "mIoU incl. background"),
                          ("miou_no_bg", "mIoU without background")):
        rows = [[f"{b} - {a}", *(_difference(_find(result, a, b, g, metric)) for g in groups_)]
                for a, b in PAIRS]
        lines += ["", *H.list_table(
            f"Paired differences of the {label} (points): mean [bootstrap 95 % CI], p of the "
            "t-test / of the bootstrap, verdict", ["difference", *groups_], rows)]
    return "\n".join([*lines, *H.convergence_table(result["convergence"]), ""])


def save_examples(path, cfg, done, sets):
    """One frame of each shown set, its labels and each regime's seed-0 prediction, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(["#000000", "#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00"])
    shown = [s for s in SHOWN if s in sets]
    cols = 2 + len(REGIMES)
    fig, axes = plt.subplots(len(shown), cols, figsize=(2.2 * cols, 1.9 * len(shown)),
                             squeeze=False)
    for r, name in enumerate(shown):
        images, labels, occluded = sets[name]
        panels = [("°C", images[0], "inferno", None), ("labels", labels[0], cmap, (0, 5))]
        panels += [(reg, done[H.run_key(reg, cfg.seeds[0])][2][H.PRED + name][0], cmap, (0, 5))
                   for reg in REGIMES]
        for c, (title, img, cm, lim) in enumerate(panels):
            ax = axes[r, c]
            kw = {} if lim is None else {"vmin": lim[0], "vmax": lim[1], "interpolation": "nearest"}
            ax.imshow(img, cmap=cm, **kw)
            if c == 0 and occluded[0].any():
                ax.contour(occluded[0], levels=[0.5], colors="cyan", linewidths=0.6)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(title, fontsize=9)
            if c == 0:
                ax.set_ylabel(name.replace("_", "\n"), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run_study(cfg, out_dir, fresh=False, progress=True, render=False):
    return H.run_study("validation", cfg, out_dir, test_sets, jobs, _one_run,
                       lambda cfg_, done: results(cfg_, done, out_dir), format_rst, fresh,
                       progress, render)


def main(argv=None):
    return H.main(argv, __doc__, SEEDS, ITERATIONS, run_study, format_rst, data=True)


if __name__ == "__main__":
    main()

"""Rooms and states study: does ThermalAmbience make a segmenter robust to faces in other rooms
and physiological states, and keep it from keying on the temperatures users measure?

The training faces are the lab's (:mod:`tiaug.datasets`: rooms of 18-26 °C, every nose tip
1.5-4 °C below the skin). The test faces are the same test frames rendered by the *face model*
in another condition (``synthetic_faces(..., condition=c)``: the same subjects, poses and
noise, another room or state), never by the transform under test:

- ``cold_room`` (10-16 °C) and ``hot_room`` (30-35 °C): the skin and its exposed regions follow
  the room,
- ``warm_nose`` (the tip 0-1.5 °C warmer than the skin) and ``cold_nose`` (5-7 °C cooler).

Look-alike conditions form a group (``GROUPS``): a hot room and a warm nose both take away the
nose's being the face's cold spot, a cold room and a cold nose both deepen it. Each group is
held out in turn: its leave-one-out model draws ``ThermalAmbience`` without anything of the
group (rooms no warmer, or no colder, than the lab; nose changes of the other sign only). The
other models: flips only (the baseline), ``TiAug()`` without room or body, and ``TiAug()``
after ``ThermalAmbience`` with everything drawn (``AMBIENCE``). Every model is also tested on
the occluder families of the transfer study, so that the occluders' transfer of the ambience
models can be compared with ``TiAug()``'s.

The defaults study: ``ThermalAmbience`` (everything drawn) on a quarter, a half (``AMBIENCE``)
or three quarters of the frames before ``TiAug()`` (``CANDIDATES``). The rule, fixed before these
runs: of the candidates whose clean change against flips only is at least -1 point, the one with
the best mean mIoU over the four conditions, provided that its mean mIoU over the occluder
families stays within 1 point of ``TiAug()``'s.

Per condition c and model m, on the test faces in condition c::

    gap_closed  = (m_c - base_c) / (base_clean - base_c)
    clean_delta = m_clean - base_clean                    (mIoU points, clean test set)

with mIoU including the background, as the transfer study, with a paired t-test and bootstrap;
and the *ROI temperature error* (``examples/metrics.py``): per class, the mean temperature
measured through the predicted mask against the true mask, mean absolute over frames and its
signed mean, on the raw °C of the condition's frames. Every run also yields its N/2 schedule
branched off before the decay (``"half_schedule"``), the convergence check.

Results go into ``OUT/validation.json["conditions"]`` and ``OUT/conditions_table.rst``; every
finished run is kept in ``OUT/conditions_runs/`` and reused when the study is started again.

Run::

    python benchmarks/conditions.py    # CPU: 5 models x 3 seeds x 4800 iterations, ~1.5-3 hours
    python benchmarks/conditions.py --tiny --out /tmp/conditions     # a smoke run (seconds)
"""

import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))

import transfer as T  # noqa: E402
import validation as V  # noqa: E402

# Conditions of the face model, in look-alike groups; each group is held out in turn.
GROUPS = {"cold": ("cold_room", "cold_nose"), "warm": ("hot_room", "warm_nose")}
BASE = "flips"
TIAUG = "tiaug"
AMBIENCE = "ambience"
# The share of frames ThermalAmbience re-renders in the ambience models.
P_AMBIENCE = 0.5
# The defaults study's candidates: the share of frames ThermalAmbience re-renders.
CANDIDATES = {"ambience_p25": 0.25, AMBIENCE: P_AMBIENCE, "ambience_p75": 0.75}
# Largest clean cost (mIoU points, against flips only) and largest loss on the occluder families
# (against TiAug()) that the defaults rule accepts.
MAX_CLEAN_COST = 1.0
MAX_FAMILY_LOSS = 1.0
# What each leave-one-out model's ThermalAmbience leaves out: rooms no colder (warmer) than
# the lab's 18 (26) °C and nose changes of one sign.
HELD_OUT = {"cold": dict(ambient=(18.0, 35.0), nose=(0.0, 4.0)),
            "warm": dict(ambient=(10.0, 26.0), nose=(-4.0, 0.0))}
SEEDS = {"tiny": (0,), "cpu": (0, 1, 2), "gpu": (0, 1, 2, 3, 4)}
ITERATIONS = {"cpu": 4800}
# Classes whose ROI temperature is reported (the nose is the one the conditions move most).
ROI_CLASSES = ("chin", "mouth", "eyes", "eyebrows", "nose")
ROI = "roi/"


def conditions():
    """Every test condition, group by group."""
    return [c for group in GROUPS.values() for c in group]


def models():
    """Every model of the study."""
    return (BASE, TIAUG, AMBIENCE, *(f"no_{g}" for g in GROUPS),
            *(m for m in CANDIDATES if m != AMBIENCE))


def pipeline(model, size):
    """Training augmentation of `model`."""
    import tiaug

    if model == BASE:
        return tiaug.Compose([tiaug.HorizontalFlip(p=0.5)])
    # TiAug without its room and body (p_ambience=0): the model whose gap the ambience closes.
    if model == TIAUG:
        return tiaug.TiAug(p_ambience=0.0, p_camera=0.0, size=size)
    if model in CANDIDATES:
        ambience = tiaug.ThermalAmbience(p=CANDIDATES[model])
    else:
        ambience = tiaug.ThermalAmbience(**HELD_OUT[model[len("no_"):]], p=P_AMBIENCE)
    return tiaug.Compose([ambience, tiaug.TiAug(p_ambience=0.0, p_camera=0.0, size=size)])


def held_out_by(condition):
    """The leave-one-out model that never drew `condition`'s group."""
    return next(f"no_{g}" for g, members in GROUPS.items() if condition in members)


def test_sets(cfg, test):
    """The clean test set, each condition's, and the transfer study's occluded ones:
    {name: (images, labels, occluded)}."""
    sets = T.test_sets(test)
    nothing = np.zeros(test.images.shape, bool)
    for condition in conditions():
        _, _, frames = V.synthetic_splits(cfg, condition=condition)
        assert np.array_equal(frames.labels, test.labels)  # the same frames in another room
        sets[condition] = (frames.images, frames.labels, nothing)
    return sets


def _one_run(model, seed):
    return train_and_score(model, seed, pipeline(model, V._WORKER["cfg"].size))


def train_and_score(model, seed, transform):
    """Train one model with its N/2 schedule branched off and score both: per-frame confusions
    and ROI temperatures of every test set (the N/2 model's under ``half:<set>``)."""
    cfg, train_split, sets = V._WORKER["cfg"], V._WORKER["train"], V._WORKER["sets"]
    (net, history, seconds), (half_net, half_seconds) = V.train_with_half_schedule(
        cfg, "tiaug", seed, train_split, transform=transform)
    half, full = V.checkpoints(cfg)
    run = {"model": model, "seed": seed, "iterations": full, "train_seconds": seconds,
           "final_loss": history[-1] if history else None,
           "half_schedule": {"iterations": half, "branched_at": V.branch_step(half),
                             "train_seconds": half_seconds}}
    run, confusions, roi = score(run, net, sets, cfg.device)
    half_run, half_confusions, half_roi = score({}, half_net, sets, cfg.device)
    run["half_schedule"]["results"] = half_run["results"]
    confusions.update({f"{T.HALF}{k}": v for k, v in half_confusions.items()})
    roi.update({f"{ROI}{T.HALF}{k[len(ROI):]}": v for k, v in half_roi.items()})
    return run, confusions, roi


def score(run, model, sets, device):
    """Score `model` on every set: mIoU on visible pixels (confusions) and the ROI temperatures
    through predicted and true masks (``metrics.roi_temperatures``, stored as ``roi/<set>``)."""
    from metrics import roi_error, roi_temperatures

    run, confusions, roi = {**run, "results": {}}, {}, {}
    for name, (images, labels, occluded) in sets.items():
        pred = V.predict_all(model, images, device)
        confusions[name] = V.frame_confusions(pred, labels, occluded)
        measured = roi_temperatures(pred, labels, images, V.NUM_CLASSES, ignore=occluded)
        roi[ROI + name] = measured.astype(np.float32)
        run["results"][name] = {**V.scores(confusions[name].sum(0)),
                                "roi_temperature_error": roi_error(measured[:, 1:],
                                                                   list(ROI_CLASSES))}
    return run, confusions, roi


def train_all(cfg, out_dir, train_split, sets, fresh=False, progress=True):
    """Every (model, seed) run, loaded from ``OUT/conditions_runs`` or trained and saved."""
    jobs = {V.run_key(m, s): (m, s) for s in cfg.seeds for m in models()}
    prints = {m: _fingerprint(cfg, m, train_split, sets) for m in models()}
    return T.run_all(cfg, Path(out_dir) / "conditions_runs", jobs,
                     {key: prints[m] for key, (m, _) in jobs.items()}, _one_run, train_split,
                     sets, fresh, progress)


def _fingerprint(cfg, model, train_split, sets):
    d = V._fingerprint(cfg, "tiaug", train_split, sets)
    d["augmentation"] = repr(pipeline(model, cfg.size))
    return d


def roi_summary(done, model, test_set, seeds, label="nose"):
    """ROI temperature error of class `label`, {"mae", "bias"} mean over seeds (°C), and per
    seed."""
    from metrics import roi_error

    k = 1 + ROI_CLASSES.index(label)
    per_seed = [roi_error(done[V.run_key(model, s)][2][ROI + test_set][:, k:k + 1],
                          [label])[label] for s in seeds]
    out = {}
    for key in ("mae", "bias"):
        values = [r[key] for r in per_seed if r[key] is not None]
        out[key] = float(np.mean(values)) if values else None
        out[f"{key}_per_seed"] = [r[key] for r in per_seed]
    return out


def compare(cfg, done, n_boot):
    """{condition: {model: {"gap_closed", "clean_delta", tests, "nose_roi", "half_schedule"}}}
    and the same for the occluder families of the transfer study."""
    rng = np.random.default_rng(V.DATA_SEED)
    cms = {(m, name): np.stack([done[V.run_key(m, s)][1][name] for s in cfg.seeds])
           for m in models() for name in done[V.run_key(m, cfg.seeds[0])][1]}
    half, _ = V.checkpoints(cfg)
    out = {}
    names = conditions() + [T.family_key(f, h) for _, f, h in T.families()]
    for name in names:
        out[name] = {"condition": name in conditions(),
                     "held_out_by": held_out_by(name) if name in conditions() else None}
        for m in models()[1:]:
            entry = T._compare_family(cms, m, name, "", n_boot, rng)
            entry["half_schedule"] = {"iterations": half,
                                      **T._compare_family(cms, m, name, T.HALF, n_boot, rng)}
            entry["nose_roi"] = roi_summary(done, m, name, cfg.seeds)
            entry["half_schedule"]["nose_roi"] = roi_summary(done, m, T.HALF + name, cfg.seeds)
            out[name][m] = entry
        out[name]["base_nose_roi"] = roi_summary(done, BASE, name, cfg.seeds)
    return out


def convergence(cfg, done, names=None):
    """Clean mIoU of each model (of `names`, default this study's) after N/2 and N iterations,
    mean over seeds."""
    half, full = V.checkpoints(cfg)
    out = {}
    for m in names or models():
        runs = [done[V.run_key(m, s)][1] for s in cfg.seeds]
        m_half, m_full = (100 * float(np.mean([V.mean_iou(r[key].sum(0)) for r in runs]))
                          for key in (T.HALF + "clean", "clean"))
        out[m] = {"iterations": [half, full], "clean_miou": [m_half, m_full]}
    return out


def defaults(cfg, done, comparison, n_boot):
    """The defaults study: per candidate its clean change against flips only (with both tests),
    its mean mIoU over the conditions and over the occluder families (against ``TiAug()``'s), the
    nose ROI error on warm noses, and the choice of the rule (module docstring)."""
    rng = np.random.default_rng(V.DATA_SEED)
    cms = {m: np.stack([done[V.run_key(m, s)][1]["clean"] for s in cfg.seeds])
           for m in (BASE, *CANDIDATES)}
    names = [n for n, r in comparison.items() if not r["condition"]]
    out = {}
    for m, p in CANDIDATES.items():
        clean = T.compare(cms[m], cms[BASE], n_boot, rng)
        under = float(np.mean([comparison[c][m]["miou"]["aug"] for c in conditions()]))
        families = float(np.mean([comparison[f][m]["miou"]["aug"]
                                  - comparison[f][TIAUG]["miou"]["aug"] for f in names]))
        out[m] = {"p": p, "clean": clean, "conditions_miou": under,
                  "families_vs_tiaug": families,
                  "warm_nose_roi": comparison["warm_nose"][m]["nose_roi"],
                  "eligible": clean["mean_diff"] >= -MAX_CLEAN_COST
                  and families >= -MAX_FAMILY_LOSS}
    eligible = [m for m in CANDIDATES if out[m]["eligible"]]
    choice = max(eligible, key=lambda m: out[m]["conditions_miou"]) if eligible else None
    return {"candidates": out, "choice": choice,
            "p_ambience": None if choice is None else CANDIDATES[choice]}


def _pct(x):
    return "–" if V._missing(x) else f"{100 * x:.0f} %"


# Below this loss (mIoU points) of flips only between clean and condition faces there is no gap
# whose closing could be measured: the ratio would divide by noise.
MIN_GAP = 1.0


def _gap(entry):
    """The gap closed, or what the condition changes when flips only lose less than MIN_GAP."""
    m = entry["miou"]
    gap = m["base_clean"] - m["base"]
    if gap < MIN_GAP:
        return f"no gap ({-gap:+.1f}; model {m['aug'] - m['base']:+.1f})"
    return _pct(entry["gap_closed"])


def _roi(r):
    return "–" if r["mae"] is None else f"{r['mae']:.2f} ({r['bias']:+.2f})"


def format_rst(result):
    """The per-condition table, the occluder families' table and the convergence table."""
    cfg, comparison = result["config"], result["conditions"]
    half = next(iter(comparison.values()))[AMBIENCE]["half_schedule"]["iterations"]
    header = ["condition", "base", "held out (model)", "gap closed", "clean change",
              "p (t / bootstrap)", f"gap closed after {half}", "TiAug() + ambience",
              "TiAug()", "nose ROI error °C: base", "held out", "TiAug() + ambience",
              "TiAug()"]
    rows = []
    for name in conditions():
        r = comparison[name]
        loo, amb, ti = r[r["held_out_by"]], r[AMBIENCE], r[TIAUG]
        rows.append([name, f"{loo['miou']['base']:.1f}", r["held_out_by"],
                     _gap(loo), f"{loo['clean_delta']:+.2f}",
                     f"{V._p(loo['t_test_p'])} / {V._p(loo['bootstrap_p'])}",
                     _gap(loo["half_schedule"]), _gap(amb), _gap(ti),
                     _roi(r["base_nose_roi"]), _roi(loo["nose_roi"]), _roi(amb["nose_roi"]),
                     _roi(ti["nose_roi"])])
    first = comparison[conditions()[0]]
    note = (f"; base: flips only, clean mIoU {first[TIAUG]['miou']['base_clean']:.1f}. "
            f"\"held out\": the model whose ThermalAmbience drew nothing of the condition's "
            f"group; clean change of TiAug() + ambience {first[AMBIENCE]['clean_delta']:+.2f}, "
            f"of TiAug() {first[TIAUG]['clean_delta']:+.2f}. Nose ROI error: mean absolute "
            f"difference (signed mean) of the nose temperature measured through the predicted "
            f"and the true mask. \"no gap\": flips only lose less than {MIN_GAP:g} point on "
            f"the condition (in brackets: that change, and the model's change against flips "
            f"only on the condition's faces).")
    lines = [T.table_rst("conditions.py", cfg, note, "Rooms and states", header, rows)]
    rows = []
    for name, r in comparison.items():
        if not r["condition"]:
            ti, amb = r[TIAUG]["miou"]["aug"], r[AMBIENCE]["miou"]["aug"]
            rows.append([name, f"{ti:.1f}", f"{amb:.1f}", f"{amb - ti:+.1f}"])
    lines += V.list_table("Occluder families: mIoU (%) of TiAug() and TiAug() + ambience",
                          ["family", "TiAug()", "TiAug() + ambience", "difference"], rows)
    d = result["defaults"]
    rows = [[f"{c['p']:g}", f"{c['clean']['mean_diff']:+.2f} ({c['clean']['verdict']})",
             f"{c['conditions_miou']:.1f}", f"{c['families_vs_tiaug']:+.1f}",
             _roi(c["warm_nose_roi"]), "yes" if m == d["choice"] else ""]
            for m, c in d["candidates"].items()]
    lines += [""] + V.list_table(
        "Defaults: ThermalAmbience on a share p of the frames before TiAug()",
        ["p", "clean change vs flips only", "mean mIoU over the conditions",
         "occluder families vs TiAug()", "nose ROI error °C, warm nose", "chosen"], rows)
    return "\n".join([*lines, *convergence_table(result["convergence"]), ""])


def convergence_table(convergence):
    """Lines of the table of :func:`convergence`: each model's clean mIoU after N/2 and N."""
    rows = [[m, *(f"{x:.1f}" for x in c["clean_miou"]),
             f"{c['clean_miou'][1] - c['clean_miou'][0]:+.1f}"]
            for m, c in convergence.items()]
    n_half, n_full = next(iter(convergence.values()))["iterations"]
    return [""] + V.list_table(
        "Clean mIoU (%) of each model after the half and the full schedule, mean over seeds",
        ["model", f"{n_half} iterations", f"{n_full} iterations", "difference"], rows)


def run_study(cfg, out_dir, fresh=False, progress=True):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    train_split, _, test_split = V.synthetic_splits(cfg)
    done = train_all(cfg, out_dir, train_split, test_sets(cfg, test_split), fresh, progress)
    result = {"config": T.study_config(cfg), "groups": GROUPS,
              "augmentation": {m: repr(pipeline(m, cfg.size)) for m in models()},
              "conditions": compare(cfg, done, cfg.bootstrap),
              "convergence": convergence(cfg, done),
              "elapsed_s": time.perf_counter() - started}
    result["defaults"] = defaults(cfg, done, result["conditions"], cfg.bootstrap)
    T.write_results(out_dir, {"conditions": result["conditions"], "conditions_study": {
        k: v for k, v in result.items() if k != "conditions"}}, "conditions_table.rst",
        format_rst(result))
    return result


def main(argv=None):
    from dataclasses import replace

    args, cfg = T.parse_args(argv, __doc__, ITERATIONS)
    if args.seeds is None:  # fewer seeds than the transfer study's by default
        cfg = replace(cfg, seeds=SEEDS[cfg.name])
    result = run_study(cfg, args.out, args.fresh, not args.no_progress)
    for name in conditions():
        r = result["conditions"][name]
        for m in (r["held_out_by"], AMBIENCE, TIAUG):
            e = r[m]
            print(f"{name:>10} {m:>9}: gap closed {_gap(e)} "
                  f"({_gap(e['half_schedule'])} after "
                  f"{e['half_schedule']['iterations']}), clean {e['clean_delta']:+.2f}, nose ROI "
                  f"{_roi(e['nose_roi'])} °C ({e['verdict']})")
    for c in result["defaults"]["candidates"].values():
        print(f"p={c['p']:g}: clean {c['clean']['mean_diff']:+.2f}, conditions "
              f"{c['conditions_miou']:.1f}, families vs TiAug() {c['families_vs_tiaug']:+.1f}")
    print(f"defaults: p_ambience={result['defaults']['p_ambience']}")
    print(f"\n{result['elapsed_s'] / 60:.1f} min; results in {args.out}/")
    return result


if __name__ == "__main__":
    main()

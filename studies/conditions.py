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

    python -m studies.conditions    # CPU: 5 models x 3 seeds x 4800 iterations, ~1.5-3 hours
    python -m studies.conditions --tiny --out /tmp/conditions     # a smoke run (seconds)
"""


import numpy as np

from studies import harness as H
from studies.harness import MIN_GAP, _gap, _roi, convergence_table
from studies.testsets import condition_sets, families, family_key, family_sets

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
    return {**family_sets(test), **condition_sets(cfg, test, conditions())}


def _one_run(model, seed):
    return H.train_and_score(model, seed, pipeline(model, H.WORKER["cfg"].size))


def jobs(cfg, train_split, sets):
    """Every (model, seed) run and its fingerprint."""
    return H.model_jobs(cfg, models(), train_split, sets, pipeline)


def compare(cfg, done, n_boot):
    """{condition: {model: {"gap_closed", "clean_delta", tests, "nose_roi", "half_schedule"}}}
    and the same for the occluder families of the transfer study."""
    rng = np.random.default_rng(H.DATA_SEED)
    cms = {(m, name): np.stack([done[H.run_key(m, s)][1][name] for s in cfg.seeds])
           for m in models() for name in done[H.run_key(m, cfg.seeds[0])][1]}
    half, _ = H.checkpoints(cfg)
    out = {}
    names = conditions() + [family_key(f, h) for _, f, h in families()]
    for name in names:
        out[name] = {"condition": name in conditions(),
                     "held_out_by": held_out_by(name) if name in conditions() else None}
        for m in models()[1:]:
            entry = H.compare_to_base(cms, BASE, m, name, "", n_boot, rng)
            entry["half_schedule"] = {"iterations": half,
                                      **H.compare_to_base(cms, BASE, m, name, H.HALF, n_boot, rng)}
            entry["nose_roi"] = H.roi_summary(done, m, name, cfg.seeds)
            entry["half_schedule"]["nose_roi"] = H.roi_summary(done, m, H.HALF + name, cfg.seeds)
            out[name][m] = entry
        out[name]["base_nose_roi"] = H.roi_summary(done, BASE, name, cfg.seeds)
    return out


def defaults(cfg, done, comparison, n_boot):
    """The defaults study: per candidate its clean change against flips only (with both tests),
    its mean mIoU over the conditions and over the occluder families (against ``TiAug()``'s), the
    nose ROI error on warm noses, and the choice of the rule (module docstring)."""
    rng = np.random.default_rng(H.DATA_SEED)
    cms = {m: np.stack([done[H.run_key(m, s)][1]["clean"] for s in cfg.seeds])
           for m in (BASE, *CANDIDATES)}
    names = [n for n, r in comparison.items() if not r["condition"]]
    out = {}
    for m, p in CANDIDATES.items():
        clean = H.compare(cms[m], cms[BASE], n_boot, rng)
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
                     f"{H._p(loo['t_test_p'])} / {H._p(loo['bootstrap_p'])}",
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
    lines = [H.table_rst("conditions.py", cfg, note, "Rooms and states", header, rows)]
    rows = []
    for name, r in comparison.items():
        if not r["condition"]:
            ti, amb = r[TIAUG]["miou"]["aug"], r[AMBIENCE]["miou"]["aug"]
            rows.append([name, f"{ti:.1f}", f"{amb:.1f}", f"{amb - ti:+.1f}"])
    lines += H.list_table("Occluder families: mIoU (%) of TiAug() and TiAug() + ambience",
                          ["family", "TiAug()", "TiAug() + ambience", "difference"], rows)
    d = result["defaults"]
    rows = [[f"{c['p']:g}", f"{c['clean']['mean_diff']:+.2f} ({c['clean']['verdict']})",
             f"{c['conditions_miou']:.1f}", f"{c['families_vs_tiaug']:+.1f}",
             _roi(c["warm_nose_roi"]), "yes" if m == d["choice"] else ""]
            for m, c in d["candidates"].items()]
    lines += [""] + H.list_table(
        "Defaults: ThermalAmbience on a share p of the frames before TiAug()",
        ["p", "clean change vs flips only", "mean mIoU over the conditions",
         "occluder families vs TiAug()", "nose ROI error °C, warm nose", "chosen"], rows)
    return "\n".join([*lines, *convergence_table(result["convergence"]), ""])


def results(cfg, done):
    comparison = compare(cfg, done, cfg.bootstrap)
    return {"groups": GROUPS, "augmentation": {m: repr(pipeline(m, cfg.size)) for m in models()},
            "conditions": comparison, "convergence": H.convergence(cfg, done, models()),
            "defaults": defaults(cfg, done, comparison, cfg.bootstrap)}


def run_study(cfg, out_dir, fresh=False, progress=True, render=False):
    return H.run_study("conditions", cfg, out_dir, test_sets, jobs, _one_run, results,
                       format_rst, fresh, progress, render)


def report(result):
    lines = []
    for name in conditions():
        r = result["conditions"][name]
        for m in (r["held_out_by"], AMBIENCE, TIAUG):
            e = r[m]
            lines.append(f"{name:>10} {m:>9}: gap closed {_gap(e)} "
                         f"({_gap(e['half_schedule'])} after "
                         f"{e['half_schedule']['iterations']}), clean {e['clean_delta']:+.2f}, "
                         f"nose ROI {_roi(e['nose_roi'])} °C ({e['verdict']})")
    for c in result["defaults"]["candidates"].values():
        lines.append(f"p={c['p']:g}: clean {c['clean']['mean_diff']:+.2f}, conditions "
                     f"{c['conditions_miou']:.1f}, families vs TiAug() "
                     f"{c['families_vs_tiaug']:+.1f}")
    lines.append(f"defaults: p_ambience={result['defaults']['p_ambience']}")
    return "\n".join(lines)


def main(argv=None):
    return H.main(argv, __doc__, SEEDS, ITERATIONS, run_study, report)


if __name__ == "__main__":
    main()

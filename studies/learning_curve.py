"""Clean mIoU of one regime and seed after schedules of several lengths, from one training run.

With the wsd schedule every shorter schedule is the longest run up to where its own decay starts
(``validation.branch_step``), so one run of the longest schedule, checkpointed at those steps,
and one decay per shorter length give the whole curve for a fraction of separate runs (the
models differ from separate runs in their warm-up only, which is the longest run's). This is
how the validation study's schedule length was chosen (docs, "Validation", "Convergence").

Run::

    python -m studies.learning_curve --regime geometric --seed 5 \\
        --iterations 1200 1500 1800 2400 3000 3600
    python -m studies.learning_curve --tiny --iterations 8 16 --out /tmp/curve   # smoke run

Writes ``OUT/learning_curves/<regime>_seed<seed>_<H>x<W>.json``: the configuration and
``{"iterations": [...], "clean_miou": [...], "train_seconds": s}``, mIoU incl. background in %.
"""

import argparse
import json
import math
import shutil
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

from studies import harness as H
from studies.pipelines import REGIMES, regime_pipeline, uses_samcl


def learning_curve(cfg, regime, seed, lengths, progress=True):
    """``{"iterations", "clean_miou", "train_seconds"}`` of `regime` and `seed` for each of the
    schedule `lengths` (iterations), mIoU including background in %, on the clean test set."""
    from tqdm.auto import tqdm

    lengths = sorted(set(lengths))
    longest = lengths[-1]
    branches = {n: H.branch_step(n) for n in lengths[:-1]}
    train_split, _, test = H.synthetic_splits(cfg)
    every = math.gcd(*branches.values()) if branches else 0

    def clean_miou(model):
        pred = H.predict_all(model, test.images, cfg.device)
        return 100 * H.scores(H.frame_confusions(pred, test.labels).sum(0))["miou"]

    started = time.perf_counter()
    scores = {}
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = Path(tmp) / "run.pt"

        def keep(done, model):
            for n, step in branches.items():
                if done == step:
                    shutil.copyfile(ckpt, Path(tmp) / f"branch{n}.pt")

        transform, samcl = regime_pipeline(regime, cfg.size), uses_samcl(regime)
        model, _, _ = H.train_model(cfg, seed, longest, train_split, transform, samcl, progress,
                                    keep, ckpt if branches else None, every)
        scores[longest] = clean_miou(model)
        for n in tqdm(branches, desc="shorter schedules", disable=not progress):
            model, _, _ = H.train_model(cfg, seed, n, train_split, transform, samcl,
                                        checkpoint=Path(tmp) / f"branch{n}.pt", resume=True)
            scores[n] = clean_miou(model)
    return {"iterations": lengths, "clean_miou": [scores[n] for n in lengths],
            "train_seconds": time.perf_counter() - started}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", choices=sorted(H.CONFIGS), default="cpu")
    parser.add_argument("--tiny", action="store_true", help="same as --config tiny")
    parser.add_argument("--regime", choices=REGIMES, default="geometric")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iterations", type=int, nargs="+", required=True,
                        help="schedule lengths; one run of the longest gives them all")
    parser.add_argument("--size", type=int, nargs=2, metavar=("H", "W"))
    parser.add_argument("--out", type=Path, default=H.RESULTS)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if min(args.iterations) < 1:
        parser.error("--iterations must be positive")
    cfg = H.CONFIGS["tiny" if args.tiny else args.config]
    if args.size:
        cfg = replace(cfg, size=tuple(args.size))
    curve = learning_curve(cfg, args.regime, args.seed, args.iterations, not args.no_progress)
    out = Path(args.out) / "learning_curves"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{args.regime}_seed{args.seed}_{cfg.size[0]}x{cfg.size[1]}.json"
    path.write_text(json.dumps({"config": H.json_safe(asdict(cfg)), "regime": args.regime,
                                "seed": args.seed, **curve}, indent=1) + "\n")
    for n, m in zip(curve["iterations"], curve["clean_miou"], strict=True):
        print(f"{n:>6} iterations: clean mIoU {m:.2f} %")
    print(f"results in {path}")
    return curve


if __name__ == "__main__":
    main()

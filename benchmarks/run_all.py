"""Run every speed benchmark and write its table, with a header describing the machine, to docs/.

    python benchmarks/run_all.py            # both benchmarks -> docs/benchmarks/{tiaug,samcl}.txt
    python benchmarks/run_all.py tiaug      # only one of them

Each benchmark script runs in its own process (fresh numba/torch state, its own thread settings)
and prints its ratio table to stdout; this script prefixes that table with what is needed to
read it later (CPU, core count, thread limits, library versions) and stores it where the
documentation's benchmark page includes it. The files are meant to be committed.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "docs" / "benchmarks"
BENCHMARKS = {
    "tiaug": (ROOT / "benchmarks" / "bench_tiaug.py", ["tiaug", "numpy", "numba", "scipy",
                                                      "scikit-image", "albumentations",
                                                      "opencv-python-headless"]),
    "samcl": (ROOT / "benchmarks" / "bench_samcl.py", ["samcl-loss", "torch", "numpy"]),
}
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "NUMBA_NUM_THREADS", "NUMBA_DISABLE_JIT")


def cpu_name():
    """The CPU model from /proc/cpuinfo where available, else what platform reports."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def version(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def header(name, dists):
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    threads = ", ".join(f"{v}={os.environ[v]}" for v in THREAD_VARS if v in os.environ)
    versions = ", ".join(f"{d} {v}" for d in dists if (v := version(d)) is not None)
    lines = [
        f"benchmark : {name}  (benchmarks/{BENCHMARKS[name][0].name}, via benchmarks/run_all.py)",
        f"date      : {datetime.date.today().isoformat()}",
        f"machine   : {cpu_name()}, {os.cpu_count()} logical cores ({usable} usable), "
        f"{platform.system()} {platform.release()}",
        f"python    : {platform.python_version()} ({platform.python_implementation()})",
        f"versions  : {versions}",
        f"env       : {threads or 'no thread-limit variables set'} "
        "(the script may set its own thread limits; see below)",
    ]
    return "\n".join(lines) + "\n" + "-" * 100 + "\n"


def run(name):
    script, dists = BENCHMARKS[name]
    if not script.exists():
        raise SystemExit(f"{script.relative_to(ROOT)} does not exist")
    print(f"running {script.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
    # stderr (progress, compile messages) goes to the terminal; only stdout is the table.
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{script.name} failed with exit status {result.returncode}")
    text = header(name, dists) + result.stdout.rstrip() + "\n"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    target = OUT_DIR / f"{name}.txt"
    target.write_text(text)
    print(text)
    print(f"wrote {target.relative_to(ROOT)}", file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="name",
                        help=f"benchmarks to run, of {', '.join(BENCHMARKS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in args.names or BENCHMARKS:
        run(name)


if __name__ == "__main__":
    main()

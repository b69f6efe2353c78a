"""tiaug vs albumentations 2.x vs plain numpy/scipy on 512x640 °C frames, one thread.

Prints ms per frame (median over repeats, after a warm-up) for each transform (at the paper's
ranges) and for two whole pipelines, ``TiAug()`` ("preset") and ``TiAug.paper()`` ("paper"),
each against albumentations and numpy/scipy pipelines with the same probabilities and ranges;
the ratios; and the speed goals as ratios to the frame + labels copy timed in the same run: the
preset within 15x the copy and at least as fast as albumentations' pipeline, a flip within 2x,
``RandomOccluders`` at p=1 within 11x (split into drawing the objects and painting them), with
the per-stage budget of the preset (each stage alone at p=1 times the share of frames it runs
on). Then the preset with the paper's occluders (``ThermalOcclusion``) in their place, both
pipelines without occluders, ``ThermalAmbience`` at p=1 against its goal (0.3 ms per frame) and
``ThermalCamera`` against its goal (0.5 ms). Also prints the time of
``import tiaug`` and of the first (compiling) and cached calls of each numba kernel, measured
in fresh processes.

Usage: ``python benchmarks/bench_tiaug.py [--frames 8] [--repeats 7]``.

albumentations is timed on raw °C floats for speed only: its GaussNoise clips float images to
[0, 1], so its noise row and pipeline do not produce valid temperatures.
"""

import os

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402

cv2.setNumThreads(0)

import albumentations as A  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy import ndimage  # noqa: E402
from skimage import draw  # noqa: E402

import tiaug  # noqa: E402
from tiaug import (  # noqa: E402
    Compose,
    GaussianBlur,
    HorizontalFlip,
    NETDNoise,
    RandomOccluders,
    RandomScale,
    Rotate,
    ThermalAmbience,
    ThermalCamera,
    ThermalOcclusion,
    TiAug,
)
from tiaug.datasets import make_face  # noqa: E402

SHAPE = (512, 640)


# --------------------------------------------------------------------------- frames

def make_frames(n):
    return [make_face(SHAPE, rng=i) for i in range(n)]  # float32 °C, uint8 labels


# --------------------------------------------------------------------------- numpy/scipy ops

def np_flip(image, labels, rng):
    return np.flip(image, 1).copy(), np.flip(labels, 1).copy()


def np_rotate(image, labels, rng, limit=30.0):
    angle = rng.uniform(-limit, limit)
    return (ndimage.rotate(image, angle, reshape=False, order=1, mode="nearest"),
            ndimage.rotate(labels, angle, reshape=False, order=0, mode="constant"))


def _crop_or_pad(a, shape, mode):
    out = a
    pads = [(max(0, (s - n) // 2), max(0, s - n - (s - n) // 2)) for n, s in zip(a.shape, shape)]
    if any(p for pair in pads for p in pair):
        out = np.pad(out, pads, mode=mode)
    r0, c0 = (out.shape[0] - shape[0]) // 2, (out.shape[1] - shape[1]) // 2
    return out[r0:r0 + shape[0], c0:c0 + shape[1]]


def np_scale(image, labels, rng, scale=(0.5, 2.0)):
    s = rng.uniform(*scale)
    root = np.sqrt(rng.uniform(0.9, 1.1))
    zoom = (s * root, s / root)
    return (_crop_or_pad(ndimage.zoom(image, zoom, order=1), image.shape, "edge"),
            _crop_or_pad(ndimage.zoom(labels, zoom, order=0), labels.shape, "constant"))


def np_blur(image, labels, rng):
    return ndimage.gaussian_filter(image, rng.uniform(1.0, 1.2), mode="nearest"), labels


def np_noise(image, labels, rng):
    a = rng.uniform(0, 0.1)
    return image + rng.uniform(-a, a, image.shape).astype(np.float32), labels


def np_occlusion(image, labels, rng):
    out = image.copy()
    for _ in range(rng.integers(1, 3)):
        centre = rng.uniform((0, 0), SHAPE)
        radius = rng.uniform(0.05, 0.2) * min(SHAPE)
        angles = np.sort(rng.uniform(0, 2 * np.pi, 8))
        r = rng.uniform(0.5, 1.0, 8) * radius
        rr, cc = draw.polygon(centre[0] + r * np.sin(angles), centre[1] + r * np.cos(angles),
                              SHAPE)
        lo, hi = float(image.min()), float(image.max())
        out[rr, cc] = rng.uniform(2 * lo - hi, 2 * hi - lo)
    return out, labels


def np_pipeline(recipe):
    """`recipe`'s pipeline in plain numpy/scipy: ``(image, labels, rng) -> (image, labels)``."""
    angle, (smin, smax), p_geometry = recipe["angle"], recipe["scale"], recipe["p_geometry"]

    def run(image, labels, rng):
        if rng.random() < 0.5:
            image, labels = np_flip(image, labels, rng)
        if recipe["vflip"] and rng.random() < 0.5:
            image, labels = np.flip(image, 0).copy(), np.flip(labels, 0).copy()
        if rng.random() < p_geometry:
            image, labels = np_rotate(image, labels, rng, angle)
        if rng.random() < p_geometry:
            image, labels = np_scale(image, labels, rng, (smin, smax))
        if rng.random() < recipe["p_blur"]:
            image, labels = np_blur(image, labels, rng)
        if rng.random() < recipe["p_occlusion"]:
            image, labels = np_occlusion(image, labels, rng)
        if rng.random() < recipe["p_noise"]:
            image, labels = np_noise(image, labels, rng)
        return image, labels
    return run


# --------------------------------------------------------------------------- albumentations

def alb_scale():
    return [A.RandomScale(scale_limit=(-0.5, 1.0), p=1.0),
            A.PadIfNeeded(*SHAPE, border_mode=cv2.BORDER_REPLICATE),
            A.CenterCrop(*SHAPE)]


def alb_ops():
    return {
        "flip": [A.HorizontalFlip(p=1.0)],
        "rotate": [A.Rotate(limit=30, border_mode=cv2.BORDER_REPLICATE, p=1.0)],
        "scale": alb_scale(),
        "blur": [A.GaussianBlur(sigma_limit=(1.0, 1.2), p=1.0)],
        "noise": [A.GaussNoise(std_range=(0.0, 0.058), p=1.0)],
        "occlusion": [A.CoarseDropout(num_holes_range=(1, 2), hole_height_range=(0.1, 0.4),
                                      hole_width_range=(0.1, 0.4), fill=40.0, p=1.0)],
    }


def alb_pipeline(recipe):
    """The closest albumentations pipeline to the TiAug `recipe` (same probabilities and ranges;
    CoarseDropout for the occluders)."""
    p_geometry, (smin, smax) = recipe["p_geometry"], recipe["scale"]
    return A.Compose([
        A.HorizontalFlip(p=0.5), *([A.VerticalFlip(p=0.5)] if recipe["vflip"] else []),
        A.Rotate(limit=recipe["angle"], border_mode=cv2.BORDER_REPLICATE, p=p_geometry),
        A.RandomScale(scale_limit=(smin - 1.0, smax - 1.0), p=p_geometry),
        A.PadIfNeeded(*SHAPE, border_mode=cv2.BORDER_REPLICATE), A.CenterCrop(*SHAPE),
        A.GaussianBlur(sigma_limit=(1.0, 1.2), p=recipe["p_blur"]),
        A.CoarseDropout(num_holes_range=(1, 2), hole_height_range=(0.1, 0.4),
                        hole_width_range=(0.1, 0.4), fill=40.0, p=recipe["p_occlusion"]),
        A.GaussNoise(std_range=(0.0, 0.058), p=recipe["p_noise"]),
    ], seed=0)


def recipe(aug):
    """The ranges and probabilities of the TiAug `aug`, for the pipelines compared with it."""
    keys = ("vflip", "scale", "p_geometry", "p_blur", "p_occlusion", "p_noise")
    return {"angle": aug.angle[1], **{k: getattr(aug, k) for k in keys}}


# TiAug() and TiAug.paper(), read from the presets so that the comparisons follow their defaults.
PRESET = recipe(TiAug())
PAPER = recipe(TiAug.paper())


# --------------------------------------------------------------------------- timing

def time_per_frame(fns, frames, repeats, clock=time.process_time):
    """Median ms per frame of each function; the functions take turns in every repeat, so a
    busy machine slows them alike and the ratios stay fair.

    The default clock is the process's CPU time: with one thread it equals the wall time on an
    idle machine, and on a shared one it leaves out the time other processes hold the core.
    """
    for fn in fns:
        for image, labels in frames:  # warm-up: compiles, fills caches
            fn(image, labels)
    runs = [[] for _ in fns]
    for _ in range(repeats):
        for fn, times in zip(fns, runs):
            start = clock()
            for image, labels in frames:
                fn(image, labels)
            times.append((clock() - start) / len(frames) * 1e3)
    return [statistics.median(times) for times in runs]


def tiaug_fn(transform):
    rng = np.random.default_rng(0)
    return lambda image, labels: transform(image=image, mask=labels, rng=rng)


def alb_fn(transforms):
    pipe = transforms if isinstance(transforms, A.Compose) else A.Compose(transforms, seed=0)
    return lambda image, labels: pipe(image=image, mask=labels)


def np_fn(op):
    rng = np.random.default_rng(0)
    return lambda image, labels: op(image, labels, rng)


def goal_line(name, ms, copy, times, extra=""):
    """One goal as a ratio to the frame + labels copy timed in the same run."""
    ratio = ms / copy
    extra = f", {extra}" if extra else ""
    print(f"{name:<31} {ms:.2f} ms/frame = {ratio:.1f}x the copy (goal <= {times:g}x{extra}): "
          f"{'PASS' if ratio <= times else 'FAIL'}")


def occluders_sample_fn():
    """Drawing RandomOccluders' objects alone (the Python side of a call)."""
    occluders, rng = RandomOccluders(), np.random.default_rng(0)
    return lambda image, labels: occluders.sample(image, labels, rng)


def stage_budget(aug, frames, repeats, clock, total, copy):
    """Each stage of the preset alone at p=1, times the share of frames it runs on, against the
    measured preset and the 15x-copy goal."""
    geometry = Compose([Rotate(angle=aug.angle), RandomScale(scale=aug.scale)])
    stages = {"ThermalAmbience": (ThermalAmbience(), aug.p_ambience),
              "HorizontalFlip": (HorizontalFlip(), 0.5),
              "Rotate + RandomScale (fused)": (geometry, 1.0 - (1.0 - aug.p_geometry) ** 2),
              "RandomOccluders": (RandomOccluders(), aug.p_occlusion),
              "NETDNoise": (NETDNoise(netd=aug.netd), aug.p_noise)}
    times = time_per_frame([tiaug_fn(t) for t, _ in stages.values()], frames, repeats, clock)
    print(f"\nper-stage budget of TiAug() (each stage alone at p=1 x its share of frames), "
          f"goal {15 * copy:.2f} ms = 15x the copy:")
    shares = 0.0
    for (name, (_, p)), ms in zip(stages.items(), times):
        shares += p * ms
        print(f"  {name:<30} {ms:>6.2f} ms x {p:.2f} = {p * ms:>5.2f} ms ({p * ms / copy:>4.1f}x "
              f"the copy)")
    print(f"  {'sum':<30} {shares:>24.2f} ms; the preset measured {total:.2f} ms (alone, each "
          f"stage also checks its input and copies its output)")


# --------------------------------------------------------------------------- startup costs

IMPORT_CODE = "import time; t = time.perf_counter(); import tiaug; print(time.perf_counter() - t)"

KERNEL_CODE = r"""
import json, time
import numpy as np
t = time.perf_counter()
import numba  # imported by the first kernel call; timed apart from compiling
numba_import = time.perf_counter() - t
t = time.perf_counter()
numba.njit(lambda: 0)()  # starts numba's LLVM backend, paid once by the first kernel call
backend = time.perf_counter() - t
from tiaug import RandomOccluders, ThermalAmbience, ThermalOcclusion
from tiaug.functional import add_noise, gaussian_blur, rotate
image = np.full((512, 640), 30.0, np.float32)
labels = np.zeros((512, 640), np.uint8)
face = labels.copy()
face[200:210, 250:280] = face[200:210, 360:390] = 3  # two eyes and a nose place the regions
face[230:300, 310:330] = 5
calls = {
    "noise (add_bounded_noise)": lambda: add_noise(image, 0.1, rng=0),
    "blur (gaussian_blur)": lambda: gaussian_blur(image, 1.1),
    "warp (warp_affine)": lambda: rotate(image, 10.0, mask=labels),
    "occlusion (rasterise, fill)": lambda: ThermalOcclusion()(image=image, mask=labels, rng=0),
    "occluder families (shade, composite)":
        lambda: RandomOccluders(families=("mask",))(image=image, mask=labels, rng=0),
    "ambience (moments, room, bumps)": lambda: ThermalAmbience()(image=image, mask=face, rng=0),
}
out = {"numba import": (numba_import, numba_import), "backend": (backend, backend)}
for name, call in calls.items():
    t = time.perf_counter(); call(); first = time.perf_counter() - t
    t = time.perf_counter(); call(); second = time.perf_counter() - t
    out[name] = (first, second)
print(json.dumps(out))
"""


def subprocess_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_DISABLE_JIT"}
    env.update(extra)
    return env


def startup_costs():
    imports = [float(subprocess.run([sys.executable, "-c", IMPORT_CODE], env=subprocess_env(),
                                    capture_output=True, text=True, check=True).stdout)
               for _ in range(5)]
    with tempfile.TemporaryDirectory() as cache:
        env = subprocess_env(NUMBA_CACHE_DIR=cache)
        runs = [json.loads(subprocess.run([sys.executable, "-c", KERNEL_CODE], env=env,
                                          capture_output=True, text=True, check=True).stdout)
                for _ in range(2)]
    return statistics.median(imports), runs[0], runs[1]


# --------------------------------------------------------------------------- report

def header():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    print(f"machine: {cpu}, {os.cpu_count()} logical CPUs, "
          f"{platform.system()} {platform.release()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"numba {numba.__version__}, albumentations {A.__version__}, opencv {cv2.__version__}, "
          f"tiaug {tiaug.__version__}")
    print(f"threads: numba {numba.config.NUMBA_NUM_THREADS}, opencv {cv2.getNumThreads()}, "
          f"OMP/MKL/OPENBLAS {os.environ['OMP_NUM_THREADS']}")


def row(name, ours, alb, plain):
    print(f"{name:<12} {ours:>9.2f} {alb:>9.2f} {plain:>9.2f} {alb / ours:>10.1f}x "
          f"{plain / ours:>10.1f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=8, help="distinct frames per repeat")
    parser.add_argument("--repeats", type=int, default=7, help="timed passes over the frames")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="process CPU time (default; fair on a shared machine) or wall time")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    header()
    frames = make_frames(args.frames)
    print(f"frames: {args.frames} x {SHAPE[0]}x{SHAPE[1]} float32 °C + uint8 labels, "
          f"median of {args.repeats} repeats after a warm-up, {args.clock} clock\n")

    ours = {"flip": HorizontalFlip(), "rotate": Rotate(), "scale": RandomScale(),
            "blur": GaussianBlur(), "noise": NETDNoise(), "occlusion": ThermalOcclusion()}
    plain = {"flip": np_flip, "rotate": np_rotate, "scale": np_scale, "blur": np_blur,
             "noise": np_noise, "occlusion": np_occlusion}
    alb = alb_ops()
    print(f"{'ms/frame':<12} {'tiaug':>9} {'albu':>9} {'np/scipy':>9} {'albu/tiaug':>11} "
          f"{'np/tiaug':>11}")
    for name in ours:
        row(name, *time_per_frame([tiaug_fn(ours[name]), alb_fn(alb[name]), np_fn(plain[name])],
                                  frames, args.repeats, clock))
    pipe_ours, pipe_alb, pipe_np, paper_ours, paper_alb, paper_np, memcpy = time_per_frame(
        [tiaug_fn(TiAug()), alb_fn(alb_pipeline(PRESET)), np_fn(np_pipeline(PRESET)),
         tiaug_fn(TiAug.paper()), alb_fn(alb_pipeline(PAPER)), np_fn(np_pipeline(PAPER)),
         lambda image, labels: (image.copy(), labels.copy())], frames, args.repeats, clock)
    row("preset", pipe_ours, pipe_alb, pipe_np)
    row("paper", paper_ours, paper_alb, paper_np)
    # A memory-bound yardstick timed alongside the pipelines: on a busy (shared) machine it
    # rises above ~0.2 ms and every absolute time above is inflated with it.
    print(f"{'memcpy':<12} {memcpy:>9.2f}   (frame + labels copy: load yardstick)")

    goal_line("TiAug() preset", pipe_ours, memcpy, 15.0, "moonshot 10x")
    ratio = pipe_alb / pipe_ours
    print(f"{'':<31} {ratio:.2f}x as fast as albumentations with the same probabilities and "
          f"ranges (goal >= 1.0x, moonshot 1.5x): {'PASS' if ratio >= 1.0 else 'FAIL'}")
    flip, occluders, sampled, copy = time_per_frame(
        [tiaug_fn(HorizontalFlip()), tiaug_fn(RandomOccluders()), occluders_sample_fn(),
         lambda image, labels: (image.copy(), labels.copy())], frames, args.repeats, clock)
    goal_line("HorizontalFlip()", flip, copy, 2.0)
    goal_line("RandomOccluders() (p=1)", occluders, copy, 11.0, "<= 1.0 ms")
    print(f"  of which drawing the objects (Python, the same stream) {sampled:.2f} ms, the rest "
          f"(painting: shade, blur, composite kernels; checks) {occluders - sampled:.2f} ms")
    stage_budget(TiAug(), frames, args.repeats, clock, pipe_ours, memcpy)

    # The families alone, the preset with the paper's occluders in their place at the same
    # probability, and both pipelines without occluders.
    with_paper, bare_ours, bare_alb = time_per_frame(
        [tiaug_fn(TiAug(occluders="paper")), tiaug_fn(TiAug(p_occlusion=0.0)),
         alb_fn(alb_pipeline({**PRESET, "p_occlusion": 0.0}))],
        frames, args.repeats, clock)
    print(f"TiAug(occluders='paper'): {with_paper:.2f} ms/frame, {pipe_alb / with_paper:.1f}x "
          f"as fast as albumentations; without occluders on either side: tiaug "
          f"{bare_ours:.2f}, albumentations {bare_alb:.2f} ms/frame, {bare_alb / bare_ours:.1f}x")

    # The room and the body at p=1, with labels (the regions placed) and without (the room only).
    ambience, ambience_room, camera, copy = time_per_frame(
        [tiaug_fn(ThermalAmbience()), lambda image, labels: ThermalAmbience()(image=image),
         tiaug_fn(ThermalCamera()), lambda image, labels: (image.copy(), labels.copy())],
        frames, args.repeats, clock)
    print(f"ThermalAmbience (p=1, with labels): {ambience:.2f} ms/frame (goal <= 0.3 ms: "
          f"{'PASS' if ambience <= 0.3 else 'FAIL'}), {ambience / copy:.1f}x the frame + labels "
          f"copy; without labels (the room only) {ambience_room:.2f} ms/frame")
    print(f"ThermalCamera (p=1, a preset drawn per frame): {camera:.2f} ms/frame (goal <= 0.5 "
          f"ms: {'PASS' if camera <= 0.5 else 'FAIL'}), {camera / copy:.1f}x the copy")

    import_s, first, cached = startup_costs()
    print(f"\nimport tiaug (fresh process, median of 5): {import_s * 1e3:.0f} ms")
    print(f"import numba (on the first kernel call): {first.pop('numba import')[0] * 1e3:.0f} ms")
    print(f"numba backend start (paid once per process by the first kernel call): "
          f"{cached.pop('backend')[0] * 1e3:.0f} ms")
    first.pop("backend")
    cached.pop("numba import")
    print(f"{'kernel, first call (512x640 float32)':<40} {'compile':>10} {'cached':>10}")
    for name in first:
        print(f"{name:<40} {first[name][0] * 1e3:>8.0f} ms {cached[name][0] * 1e3:>8.0f} ms")
    print("(compile: empty NUMBA_CACHE_DIR; cached: next process, same cache dir; "
          "both include the first call's run time)")


if __name__ == "__main__":
    main()

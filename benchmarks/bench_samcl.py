"""Cost of a training step of a small UNet with (a) CE, (b) 0.5 BCE + 0.5 RMI, (c) (b) + 0.5 SAM-CL.

Batch 8 of 1x256x320 inputs, 6 classes, SGD (lr 0.01, momentum 0.9, wd 5e-4). Each loss runs in a
fresh subprocess (isolated timing and memory). Time: median of --steps steps after --warmup
steps (forward + loss + backward + optimizer step). Peak memory of the training steps:
CUDA: torch.cuda.max_memory_allocated (tensors only); CPU: growth of the process's peak resident
set size (ru_maxrss) over the training steps, i.e. everything the step allocates at its peak
(tensors, allocator caches), measured relative to the peak reached after model and data setup.

    python benchmarks/bench_samcl.py [--device cuda] [--steps 3] [--threads N]
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

from samcl_loss import RMILoss, SAMCLLoss

CLASSES, BATCH, SHAPE = 6, 8, (256, 320)
CONFIGS = {
    "a": "cross-entropy",
    "b": "0.5 BCE + 0.5 RMI",
    "c": "(b) + 0.5 SAM-CL (frozen aux, default)",
    "d": "(b) + 0.5 SAM-CL (joint aux)",
}


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True), nn.Conv2d(cout, cout, 3, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    """Compact 4-level UNet (16-32-64-128 channels)."""

    def __init__(self, cin=1, classes=CLASSES, width=(16, 32, 64, 128)):
        super().__init__()
        self.down = nn.ModuleList()
        c = cin
        for w in width:
            self.down.append(block(c, w))
            c = w
        self.up = nn.ModuleList(nn.ConvTranspose2d(w, w // 2, 2, stride=2) for w in width[:0:-1])
        self.dec = nn.ModuleList(block(w, w // 2) for w in width[:0:-1])
        self.head = nn.Conv2d(width[0], classes, 1)

    def forward(self, x):
        skips = []
        for i, d in enumerate(self.down):
            x = d(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for up, dec, skip in zip(self.up, self.dec, skips[-2::-1]):
            x = dec(torch.cat([up(x), skip], 1))
        return self.head(x)


def child(config, device, steps, warmup):
    torch.manual_seed(0)
    dev = torch.device(device)
    model = UNet().to(dev)
    image = torch.randn(BATCH, 1, *SHAPE, device=dev)
    target = torch.randint(0, CLASSES, (BATCH, SHAPE[0] // 16, SHAPE[1] // 16), device=dev)
    target = target.repeat_interleave(16, 1).repeat_interleave(16, 2)
    rmi = RMILoss(CLASSES)
    samcl = SAMCLLoss(CLASSES, aux="joint" if config == "d" else "frozen").to(dev)
    opt = torch.optim.SGD([*model.parameters(), *samcl.parameters()], lr=0.01, momentum=0.9,
                          weight_decay=5e-4)
    g = torch.Generator().manual_seed(0)

    def step():
        logits = model(image)
        if config == "a":
            loss = F.cross_entropy(logits, target)
        else:
            loss = rmi(logits, target)
            if config in "cd":
                loss = loss + 0.5 * samcl(logits, target, generator=g)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
        base_cuda = torch.cuda.memory_allocated()
    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        sync()
        t0 = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - t0)
    if dev.type == "cuda":
        peak_mib = (torch.cuda.max_memory_allocated() - base_cuda) / 2**20
    else:  # ru_maxrss is in KiB on Linux
        peak_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_rss) / 1024
    print(json.dumps(dict(ms=1e3 * statistics.median(times), peak_mib=peak_mib)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--child", choices=sorted(CONFIGS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.child:
        child(args.child, args.device, args.steps, args.warmup)
        return
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: CUDA is not available")
    print(f"machine: {platform.machine()} {platform.processor() or ''} cpus={os.cpu_count()} "
          f"| python {platform.python_version()} | torch {torch.__version__} "
          f"| threads {args.threads} | device {args.device}"
          + (f" ({torch.cuda.get_device_name()})" if args.device == "cuda" else ""))
    print(f"UNet 16-32-64-128, batch {BATCH}, input 1x{SHAPE[0]}x{SHAPE[1]}, {CLASSES} classes, "
          f"median of {args.steps} steps after {args.warmup} warm-up")
    results = {}
    for config in CONFIGS:
        out = subprocess.run(
            [sys.executable, __file__, "--child", config, "--device", args.device, "--steps",
             str(args.steps), "--warmup", str(args.warmup), "--threads", str(args.threads)],
            check=True, capture_output=True, text=True).stdout
        results[config] = json.loads(out.strip().splitlines()[-1])
    mem = "peak MiB (CUDA max_memory_allocated)" if args.device == "cuda" else \
        "peak MiB (ru_maxrss growth)"
    print(f"{'loss':<42}{'ms/step':>10}{'vs (a)':>9}{'vs (b)':>9}  {mem}")
    for config, name in CONFIGS.items():
        r = results[config]
        print(f"({config}) {name:<38}{r['ms']:>10.1f}{r['ms'] / results['a']['ms']:>9.2f}"
              f"{r['ms'] / results['b']['ms']:>9.2f}  {r['peak_mib']:>8.1f}")
    extra = results["c"]["ms"] / results["b"]["ms"] - 1
    print(f"SAM-CL (frozen) adds {100 * extra:.0f} % to (b) per step "
          f"(goal <= 50 % on CPU); memory (c)/(b) = "
          f"{results['c']['peak_mib'] / max(results['b']['peak_mib'], 1e-9):.2f}")


if __name__ == "__main__":
    main()

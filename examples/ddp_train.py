"""Multi-process training with DistributedDataParallel: one process per GPU (or CPU worker).

It is examples/train.py plus what DDP needs; the lines that differ are marked ``# DDP``:

- torchrun starts the processes; each joins the process group (``gloo`` on CPU, ``nccl`` on GPUs)
  and uses its own device;
- a ``DistributedSampler`` gives each process a disjoint share of every epoch (``set_epoch``
  reshuffles per epoch, and the dataset's own ``set_epoch`` draws new augmentations);
- the model is wrapped in DDP (gradients averaged across processes). The SAM-CL loss follows
  ``samcl_loss.SAMCLLoss``'s advice: with the default fixed auxiliary network (``aux="frozen"``)
  it has no parameters and is used as is; with the learned one (``--aux-mode joint``) it is
  wrapped in DDP as well, so its gradients are averaged like the model's;
- each process draws its own class swaps, from a generator seeded by (seed, rank, step);
- only rank 0 prints, shows the progress bar, saves checkpoints and evaluates.

The effective batch is ``--batch-size`` x number of processes.

Run::

    torchrun --nproc_per_node=2 examples/ddp_train.py --backend gloo --synthetic 64 \\
        --iterations 100 --size 64 80 --out runs/ddp
    torchrun --nproc_per_node=4 examples/ddp_train.py --backend nccl --device cuda \\
        --data faces/train --val faces/test --size 256 320 --iterations 10000 --amp
"""

import argparse
import json
import os
from dataclasses import asdict
from pathlib import Path

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data.distributed import DistributedSampler
from tqdm.auto import tqdm

from data import tiaug_pipeline
from models import MODELS, build_model
from train import (
    TrainConfig,
    batches,
    datasets_from_args,
    evaluate,
    load_checkpoint,
    save_checkpoint,
    setup,
    swap_generator,
    train_step,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="training folder (frames/*.npy, labels/*.npy)")
    source.add_argument("--synthetic", type=int, metavar="N", help="generate N training faces")
    parser.add_argument("--val", type=Path, help="evaluation folder")
    parser.add_argument("--backend", choices=("gloo", "nccl"), default="gloo")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--model", choices=MODELS, default="unet")
    parser.add_argument("--size", type=int, nargs=2, default=(96, 120), metavar=("H", "W"))
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=4, help="per process")
    parser.add_argument("--aux-mode", choices=("frozen", "joint"), default=None)
    parser.add_argument("--amp", action="store_true")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-every", type=int, default=0, metavar="STEPS")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("runs/ddp"))
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    dist.init_process_group(args.backend)  # DDP: torchrun sets RANK, WORLD_SIZE, MASTER_ADDR...
    rank, world = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = f"cuda:{local_rank}" if args.device == "cuda" else "cpu"  # DDP: one device each
    if args.device == "cuda":
        torch.cuda.set_device(device)
    is_main = rank == 0

    size = tuple(args.size)
    train_set, val_set = datasets_from_args(args, size, tiaug_pipeline(size))

    config = TrainConfig(
        iterations=args.iterations, batch_size=args.batch_size, aux_mode=args.aux_mode,
        device=device, amp=args.amp, num_workers=args.workers, seed=args.seed,
        checkpoint=str(args.out / "checkpoint.pt"), checkpoint_every=args.checkpoint_every,
        resume=args.resume,
    )
    torch.manual_seed(args.seed)  # the same initial weights on every rank
    model = build_model(args.model, num_classes=config.num_classes)
    criterion, optimizer, scheduler, scaler = setup(config, model)
    start, history = 0, []
    if config.resume and Path(config.checkpoint).exists():
        # Every rank loads the same file (written by rank 0) before DDP wraps the model.
        start, history = load_checkpoint(config.checkpoint, model, criterion, optimizer,
                                         scheduler, scaler)
    ddp_model = DDP(model)  # DDP: averages gradients, broadcasts rank 0's weights at start
    # DDP: the learned aux network is synchronised too; the fixed one has no parameters.
    learns = any(p.requires_grad for p in criterion.parameters())
    ddp_criterion = DDP(criterion) if learns else criterion

    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True,
                                 seed=args.seed, drop_last=True)  # DDP: a shard per rank
    data = batches(train_set, config, start, sampler=sampler)
    bar = tqdm(range(start, config.iterations), initial=start, total=config.iterations,
               desc=f"train x{world}", disable=not is_main, dynamic_ncols=True)
    for step in bar:
        x, y = next(data)
        lr = scheduler.get_last_lr()[0]
        stats = train_step(ddp_model, ddp_criterion, optimizer, scaler, x, y, config,
                           swap_generator(config.seed, step, rank))  # DDP: per-rank swaps
        scheduler.step()
        done = step + 1
        if is_main and (done % config.log_every == 0 or done == config.iterations):
            # rank 0's batch only
            history.append({"step": done, "lr": lr, **{k: v.item() for k, v in stats.items()}})
            bar.set_postfix(loss=f"{history[-1]['loss']:.3f}")
        last = done == config.iterations
        periodic = config.checkpoint_every and done % config.checkpoint_every == 0
        if is_main and (last or periodic):  # DDP: one writer
            save_checkpoint(config.checkpoint, done, model, criterion, optimizer, scheduler,
                            scaler, history, config)

    if is_main:
        args.out.mkdir(parents=True, exist_ok=True)
        summary = {"config": asdict(config), "world_size": world, "history": history}
        if val_set is not None:
            summary["val"] = evaluate(model, val_set, config.num_classes, device)
            print(f"val mIoU {summary['val']['miou']:.3f} "
                  f"(without background {summary['val']['miou_no_bg']:.3f})")
        (args.out / "metrics.json").write_text(json.dumps(summary, indent=1))
        print(f"{world} processes; checkpoint and metrics in {args.out}/")
    dist.barrier()  # DDP: nobody leaves while rank 0 still writes
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

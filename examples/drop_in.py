"""Add SAM-CL to a segmentation trainer you already have: three lines.

1. build the loss once, next to your pixel loss, and move it to the device;
2. give its parameters to the optimiser (none with the default fixed auxiliary network; the
   learned one, ``aux="joint"``, has some) -- harmless either way;
3. add ``0.5 * samcl(logits, target)`` to the loss. `logits` are the raw (N, C, H, W) scores,
   `target` the (N, H, W) integer labels (``ignore_index`` marks unlabelled pixels).

Below: the plain PyTorch loop, and the same change in a real PyTorch Lightning
``LightningModule`` (with RMI, the paper's pixel loss), trained by a ``lightning.Trainer``. Running
this file trains both for a few steps on synthetic thermal faces, on the CPU in seconds (the test
suite does); Lightning is the ``lightning`` package (``pip install lightning``).

Run::

    python examples/drop_in.py [--precision bf16-mixed]
"""

import argparse

import lightning as L
import torch
from torch import nn

from samcl_loss import RMILoss, SAMCLLoss

NUM_CLASSES = 6


def plain_loop(model, loader, device="cpu"):
    """An ordinary training loop; the lines marked ``# SAM-CL`` are all that changes."""
    pixel_loss = nn.CrossEntropyLoss(ignore_index=255)  # or RMILoss, Dice, ...
    samcl = SAMCLLoss(NUM_CLASSES, ignore_index=255).to(device)  # SAM-CL (1)
    params = [*model.parameters(), *samcl.parameters()]  # SAM-CL (2)
    optimizer = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=5e-4)
    model.train()
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        logits = model(x)
        loss = pixel_loss(logits, y) + 0.5 * samcl(logits, y)  # SAM-CL (3)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"loss {loss.item():.4f}")


class LitSegmenter(L.LightningModule):
    """The Lightning pattern: the SAM-CL loss is a submodule, so Lightning moves it to the
    device, stores it in checkpoints and (with ``aux="joint"``) optimises and DDP-synchronises its
    auxiliary network together with the segmenter -- nothing else to do."""

    def __init__(self, model, num_classes=NUM_CLASSES, samcl_weight=0.5, aux="frozen"):
        super().__init__()
        self.model = model
        self.pixel_loss = RMILoss(num_classes, ignore_index=255)  # the paper's pixel loss
        self.samcl = SAMCLLoss(num_classes, ignore_index=255, aux=aux)  # SAM-CL (1)
        self.samcl_weight = samcl_weight
        self.losses = []

    def forward(self, x):
        return self.model(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        pixel = self.pixel_loss(logits, y)
        samcl = self.samcl(logits, y)
        loss = pixel + self.samcl_weight * samcl  # SAM-CL (3)
        self.log_dict({"train/pixel": pixel, "train/samcl": samcl, "train/loss": loss},
                      batch_size=x.shape[0])
        self.losses.append(loss.detach().float().item())
        return loss

    def configure_optimizers(self):
        # self.parameters() includes self.samcl's (SAM-CL (2)).
        return torch.optim.SGD(self.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)


def fit_lightning(module, batches, precision="32-true", max_steps=3):
    """Train `module` with a real ``lightning.Trainer`` on the CPU for `max_steps` steps."""
    trainer = L.Trainer(max_steps=max_steps, accelerator="cpu", devices=1, precision=precision,
                        logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, log_every_n_steps=1)
    # batch_size=None: the loader hands over the ready-made (x, y) batches as they are.
    loader = torch.utils.data.DataLoader(batches, batch_size=None)
    trainer.fit(module, train_dataloaders=loader)
    return trainer


def tiny_batches(n, batch_size=2, size=(48, 64), seed=0):
    """A few batches of synthetic thermal faces, min-max normalised to [-1, 1]."""
    from tiaug.datasets import synthetic_faces
    from tiaug.normalize import minmax

    images, labels, _ = synthetic_faces(n * batch_size, size, rng=seed)
    x = torch.stack([torch.from_numpy(minmax(im, (-1.0, 1.0))) for im in images])[:, None]
    y = torch.from_numpy(labels.astype("int64"))
    return list(zip(x.split(batch_size), y.split(batch_size), strict=True))


def main(argv=None):
    from models import build_model  # examples/models.py

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", default="32-true",
                        help="Lightning precision, e.g. 32-true or bf16-mixed (default: 32-true)")
    args = parser.parse_args(argv)

    torch.manual_seed(0)
    batches = tiny_batches(3)
    print("plain loop:")
    plain_loop(build_model("unet", NUM_CLASSES, width=8), batches)

    print(f"LightningModule, lightning.Trainer, precision {args.precision}:")
    module = LitSegmenter(build_model("unet", NUM_CLASSES, width=8))
    fit_lightning(module, batches, precision=args.precision)
    for loss in module.losses:
        print(f"loss {loss:.4f}")
    return module


if __name__ == "__main__":
    main()

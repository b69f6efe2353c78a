"""Add SAM-CL to a segmentation trainer you already have: three lines.

1. build the loss once, next to your pixel loss, and move it to the device;
2. give its parameters to the optimiser (none with the default fixed auxiliary network; the
   learned one, ``aux="joint"``, has some) -- harmless either way;
3. add ``0.5 * samcl(logits, target)`` to the loss. `logits` are the raw (N, C, H, W) scores,
   `target` the (N, H, W) integer labels (``ignore_index`` marks unlabelled pixels).

Below: the plain PyTorch loop (run this file to see it train a few steps) and the same change in
a PyTorch Lightning ``LightningModule`` -- written as a plain ``nn.Module`` here so that this file
does not need Lightning; in your project, derive from ``lightning.pytorch.LightningModule``.

Run::

    python examples/drop_in.py
"""

import torch
from torch import nn

from samcl_loss import SAMCLLoss

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


class LitSegmenter(nn.Module):  # with Lightning: class LitSegmenter(L.LightningModule)
    """The Lightning pattern: the SAM-CL loss is a submodule, so Lightning moves it to the
    device, stores it in checkpoints and (with ``aux="joint"``) optimises and DDP-synchronises its
    auxiliary network together with the segmenter -- nothing else to do."""

    def __init__(self, model, num_classes=NUM_CLASSES, samcl_weight=0.5):
        super().__init__()
        self.model = model
        self.pixel_loss = nn.CrossEntropyLoss(ignore_index=255)
        self.samcl = SAMCLLoss(num_classes, ignore_index=255)  # SAM-CL (1)
        self.samcl_weight = samcl_weight

    def forward(self, x):
        return self.model(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        pixel = self.pixel_loss(logits, y)
        samcl = self.samcl(logits, y)
        # With Lightning: self.log_dict({"train/pixel": pixel, "train/samcl": samcl})
        return pixel + self.samcl_weight * samcl  # SAM-CL (3)

    def configure_optimizers(self):
        # self.parameters() includes self.samcl's (SAM-CL (2)).
        return torch.optim.SGD(self.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)


def tiny_batches(n, batch_size=2, size=(48, 64), seed=0):
    """A few batches of synthetic thermal faces, min-max normalised to [-1, 1]."""
    from tiaug.datasets import synthetic_faces
    from tiaug.normalize import minmax

    images, labels, _ = synthetic_faces(n * batch_size, size, rng=seed)
    x = torch.stack([torch.from_numpy(minmax(im, (-1.0, 1.0))) for im in images])[:, None]
    y = torch.from_numpy(labels.astype("int64"))
    return list(zip(x.split(batch_size), y.split(batch_size), strict=True))


def main():
    from models import build_model  # examples/models.py

    torch.manual_seed(0)
    batches = tiny_batches(3)
    print("plain loop:")
    plain_loop(build_model("unet", NUM_CLASSES, width=8), batches)

    print("Lightning-style module (training_step + configure_optimizers, driven by hand):")
    module = LitSegmenter(build_model("unet", NUM_CLASSES, width=8))
    optimizer = module.configure_optimizers()
    for batch_idx, batch in enumerate(batches):
        loss = module.training_step(batch, batch_idx)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"loss {loss.item():.4f}")


if __name__ == "__main__":
    main()

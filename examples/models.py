"""Two small segmentation networks for thermal frames: UNet and Attention UNet.

The paper trains both from scratch (Xavier-uniform initialisation, no pretrained weights) on
single-channel temperature frames. These are compact versions (``width`` channels at full
resolution, doubled at each of ``depth`` poolings; the paper's UNet has width 64 and depth 4) that
train on a CPU. Any frame size works: the decoder resizes to the skip connection's size, so H and W
need not be multiples of ``2**depth``.

Use::

    from models import build_model          # with examples/ on sys.path
    model = build_model("attention_unet", num_classes=6, width=16, depth=3)
    logits = model(x)                       # x (N, 1, H, W) -> logits (N, 6, H, W)
"""

import torch
import torch.nn.functional as F
from torch import nn


def conv_block(in_channels, out_channels):
    """Two 3x3 convolutions, each followed by batch norm and ReLU (the UNet building block)."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class AttentionGate(nn.Module):
    """Additive attention gate (Oktay et al., 2018): the decoder picks the skip pixels that pass."""

    def __init__(self, skip_channels, gate_channels, inter_channels):
        super().__init__()
        self.skip = nn.Conv2d(skip_channels, inter_channels, 1, bias=False)
        self.gate = nn.Conv2d(gate_channels, inter_channels, 1)
        self.psi = nn.Sequential(nn.Conv2d(inter_channels, 1, 1), nn.Sigmoid())

    def forward(self, skip, gate):
        alpha = self.psi(F.relu(self.skip(skip) + self.gate(gate)))
        return skip * alpha


class UNet(nn.Module):
    """UNet with `depth` poolings; ``attention=True`` gates every skip connection (Attention UNet).

    Parameters
    ----------
    num_classes : int
        Output channels (logits).
    in_channels : int
        Input channels (1 for a temperature frame).
    width : int
        Channels of the first block; block ``k`` has ``width * 2**k``.
    attention : bool
        Insert an attention gate on each skip connection.
    depth : int
        Number of poolings (resolution levels minus one), at least 1.
    """

    def __init__(self, num_classes=6, in_channels=1, width=16, attention=False, depth=4):
        super().__init__()
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        chans = [width * 2**k for k in range(depth + 1)]
        self.encoders = nn.ModuleList(
            [conv_block(in_channels, chans[0])]
            + [conv_block(chans[k - 1], chans[k]) for k in range(1, depth + 1)]
        )
        self.ups = nn.ModuleList(
            [nn.ConvTranspose2d(chans[k + 1], chans[k], 2, stride=2) for k in range(depth)]
        )
        self.decoders = nn.ModuleList([conv_block(2 * chans[k], chans[k]) for k in range(depth)])
        self.gates = (
            nn.ModuleList([AttentionGate(chans[k], chans[k], chans[k] // 2)
                           for k in range(depth)])
            if attention
            else None
        )
        self.head = nn.Conv2d(chans[0], num_classes, 1)
        self.reset_parameters()

    def reset_parameters(self):
        # The paper trains from scratch with Xavier-uniform initialisation.
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        skips = []
        for k, encoder in enumerate(self.encoders):
            x = encoder(x if k == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        x = skips.pop()
        for k in reversed(range(len(self.decoders))):
            skip = skips[k]
            x = self.ups[k](x)
            # Odd sizes lose a row/column when pooled; resize back to the skip's exact size.
            if x.shape[-2:] != skip.shape[-2:]:
                x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            if self.gates is not None:
                skip = self.gates[k](skip, x)
            x = self.decoders[k](torch.cat([skip, x], dim=1))
        return self.head(x)


MODELS = ("unet", "attention_unet")


def build_model(name="unet", num_classes=6, in_channels=1, width=16, depth=4):
    """Build a segmentation network by name.

    Parameters
    ----------
    name : {"unet", "attention_unet"}
        Architecture.
    num_classes : int
        Number of classes (logit channels).
    in_channels : int
        Input channels.
    width : int
        Channels at full resolution (16 trains on a CPU; the paper-sized UNet uses 64).
    depth : int
        Number of poolings (4 in the paper; 3 is enough for faces of 100-200 pixels).

    Returns
    -------
    torch.nn.Module
        Maps (N, in_channels, H, W) to logits (N, num_classes, H, W).
    """
    if name not in MODELS:
        raise ValueError(f"name must be one of {', '.join(map(repr, MODELS))}, got {name!r}")
    return UNet(num_classes, in_channels, width, attention=name == "attention_unet", depth=depth)

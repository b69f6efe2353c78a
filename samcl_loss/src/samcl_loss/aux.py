"""The auxiliary network of SAM-CL: down-scales anchor, positive and negative maps."""

import torch
import torch.nn.functional as F
from torch import nn

from ._validation import MAX_CLASSES, MAX_SCALES, check_choice, check_int

AUX_MODES = ("joint", "frozen")
# Negative slope of the joint network's activation: keeps every unit alive (no dead-ReLU state).
_SLOPE = 0.2


class AuxiliaryNetwork(nn.Module):
    """Stack of stride-2 3x3 layers with ``num_classes`` channels; one output per layer.

    Parameters
    ----------
    num_classes : int
        Channels of the input and of every layer, 1 to 65536.
    num_layers : int
        Number of layers, i.e. of down-scaled maps returned, 0 to 31.
    mode : {"frozen", "joint"}, optional
        ``"frozen"`` (default, as in `SAMCLLoss`): a fixed 3x3 box filter with stride 2 per
        channel (anti-aliased down-sampling of the class maps). No parameters or buffers; it
        cannot collapse.
        ``"joint"``: learnable 3x3 stride-2 convolutions mixing the classes, trained jointly
        with the segmenter on the same SAM-CL loss (cooperative, as in the paper). Each output
        channel's filter is normalised to unit L2 norm in every forward pass (a weight
        constraint: weight decay cannot shrink the outputs) and layers are separated by
        LeakyReLU(0.2) (no dead units). Initialised with orthonormal filters.

    Notes
    -----
    Layer k maps (B, C, H, W) to (B, C, ceil(H / 2), ceil(W / 2)) (kernel 3, padding 1, no bias):
    an all-zero input region gives an all-zero output, so zeroed (ignored) pixels contribute
    nothing.

    Examples
    --------
    >>> import torch
    >>> from samcl_loss import AuxiliaryNetwork
    >>> aux = AuxiliaryNetwork(6, 3, "joint")
    >>> [tuple(y.shape) for y in aux(torch.rand(2, 6, 32, 40))]
    [(2, 6, 16, 20), (2, 6, 8, 10), (2, 6, 4, 5)]
    """

    def __init__(self, num_classes, num_layers, mode="frozen"):
        super().__init__()
        self.num_classes = check_int(num_classes, "num_classes", low=1, high=MAX_CLASSES)
        self.num_layers = check_int(num_layers, "num_layers", low=0, high=MAX_SCALES - 1)
        self.mode = check_choice(mode, "mode", AUX_MODES)
        c = self.num_classes
        if self.mode == "joint":
            weights = []
            for _ in range(self.num_layers):
                w = torch.empty(c, c * 9)
                nn.init.orthogonal_(w)
                weights.append(nn.Parameter(w.view(c, c, 3, 3)))
            self.weights = nn.ParameterList(weights)

    def extra_repr(self):
        return f"num_classes={self.num_classes}, num_layers={self.num_layers}, mode={self.mode!r}"

    def forward(self, x):
        """Return the list of ``num_layers`` down-scaled maps of `x` (B, C, H, W).

        Raises
        ------
        TypeError
            If `x` is not a floating-point tensor.
        ValueError
            If `x` is not 4-D or has other than ``num_classes`` channels.
        """
        c = self.num_classes
        if not isinstance(x, torch.Tensor):
            raise TypeError(
                f"x must be a torch.Tensor of shape (B, {c}, H, W), got {type(x).__name__}"
            )
        if not x.dtype.is_floating_point:
            raise TypeError(f"x must be a floating-point tensor (B, {c}, H, W), got {x.dtype}")
        if x.ndim != 4:
            raise ValueError(f"x must have shape (B, {c}, H, W), got {tuple(x.shape)}")
        if x.shape[1] != c:
            raise ValueError(f"x must have num_classes={c} channels (dim 1), got {x.shape[1]}")
        outs = []
        for k in range(self.num_layers):
            if self.mode == "frozen":
                x = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True)
            else:
                v = self.weights[k]
                w = v / v.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, 1, 1, 1)
                x = F.leaky_relu(F.conv2d(x, w.to(x.dtype), stride=2, padding=1), _SLOPE)
            outs.append(x)
        return outs

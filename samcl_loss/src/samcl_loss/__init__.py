"""SAM-CL (self-adversarial multi-scale contrastive) and RMI segmentation losses for PyTorch.

>>> from samcl_loss import SAMCLLoss, RMILoss
"""

from .aux import AuxiliaryNetwork
from .rmi import RMILoss
from .samcl import SAMCLLoss
from .swap import class_swap

__all__ = ["AuxiliaryNetwork", "RMILoss", "SAMCLLoss", "class_swap"]
__version__ = "0.1.0"

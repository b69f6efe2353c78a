"""Precision helpers: losses compute in float32 (float64 inputs stay float64), never in half."""

import contextlib

import torch


def no_autocast(device):
    """Context in which autocast is off, so matmuls/convs of the loss run in the tensors' dtype."""
    if device.type in ("cpu", "cuda"):
        return torch.autocast(device_type=device.type, enabled=False)
    return contextlib.nullcontext()


def compute_dtype(dtype):
    """float64 stays float64; float32, float16 and bfloat16 are computed in float32."""
    return torch.float64 if dtype == torch.float64 else torch.float32

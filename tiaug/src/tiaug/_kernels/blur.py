"""Separable Gaussian blur with edge ("nearest") boundaries."""

import numpy as np

from . import jit


@jit
def gaussian_blur(image, weights, lo, hi, out):
    """Correlate `image` with the symmetric 1-D `weights` along axis 0, then axis 1, into `out`.

    `weights` (float64, odd length ``2r + 1``, positive, summing to 1) is applied first along
    axis 0, then along axis 1, as ``scipy.ndimage.gaussian_filter(mode="nearest")`` does. Sums are
    accumulated in the image's dtype (float32 frames vectorise twice as wide; the error is ~1e-5
    °C) and the result is clipped to ``[lo, hi]`` (the input's range), so rounding can never
    overshoot it. Each output row is finished while its column-pass row is still in cache.
    """
    h, w = image.shape
    r = weights.size // 2
    wt = weights.astype(image.dtype)
    # Column pass of one row, edge-padded by r on both sides for the row pass.
    padded = np.empty(w + 2 * r, image.dtype)
    col = padded[r:r + w]
    acc = np.empty(w, image.dtype)
    for i in range(h):
        row = image[i]
        for j in range(w):
            col[j] = wt[r] * row[j]
        for k in range(1, r + 1):
            up = image[max(i - k, 0)]
            down = image[min(i + k, h - 1)]
            wk = wt[r + k]
            for j in range(w):
                col[j] += wk * (up[j] + down[j])
        for j in range(r):
            padded[j] = col[0]
            padded[r + w + j] = col[w - 1]
        # Slices keep every index non-negative, so LLVM vectorises the taps.
        for j in range(w):
            acc[j] = wt[r] * col[j]
        for k in range(1, r + 1):
            wk = wt[r + k]
            left = padded[r - k:]
            right = padded[r + k:]
            for j in range(w):
                acc[j] += wk * (left[j] + right[j])
        row = out[i]
        for j in range(w):
            row[j] = min(max(acc[j], lo), hi)
    return out

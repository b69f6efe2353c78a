import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

from tiaug.blur import GaussianBlur, gaussian_blur


def reference_blur(image, sigma, clip=True):
    """Slow, obvious separable blur: edge padding, sums in the image's dtype (symmetric taps
    paired, as the kernel does), axis 0 then axis 1, clipped to the input's range."""
    radius = int(4.0 * sigma + 0.5)
    x = np.arange(-radius, radius + 1)
    w = np.exp(-0.5 * x**2 / sigma**2)
    w = (w / w.sum()).astype(image.dtype)
    out = image
    for axis in (0, 1):
        n = out.shape[axis]
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius, radius)
        padded = np.pad(out, pad, mode="edge")
        taps = [padded.take(np.arange(k, k + n), axis=axis) for k in range(2 * radius + 1)]
        acc = w[radius] * out
        for k in range(1, radius + 1):
            acc = acc + w[radius + k] * (taps[radius - k] + taps[radius + k])
        out = acc
    if clip:
        out = np.clip(out, image.min(), image.max())
    return out


@st.composite
def frames(draw, low=-50.0, high=500.0):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(st.tuples(st.integers(2, 40), st.integers(2, 40)))
    elements = st.floats(low, high, width=32 if dtype == np.float32 else 64)
    return draw(arrays(dtype, shape, elements=elements))


sigmas = st.floats(0.05, 6.0)


def tolerance(image, sigma=0.0):
    """A few roundings per tap of the largest value (the kernel sums in the image's dtype)."""
    taps = 2 * int(4.0 * sigma + 0.5) + 2
    return 2 * taps * np.finfo(image.dtype).eps * max(1.0, float(np.abs(image).max()))


@given(image=frames(), sigma=sigmas)
def test_kernel_matches_slow_reference(image, sigma):
    np.testing.assert_allclose(gaussian_blur(image, sigma)["image"], reference_blur(image, sigma),
                               rtol=0, atol=4 * np.finfo(image.dtype).eps * np.abs(image).max())


@given(image=frames(), sigma=sigmas)
def test_matches_scipy_gaussian_filter_nearest(image, sigma):
    expected = ndimage.gaussian_filter(image, sigma, mode="nearest", truncate=4.0)
    np.testing.assert_allclose(gaussian_blur(image, sigma)["image"], expected,
                               rtol=0, atol=tolerance(image, sigma))


@given(image=frames(low=-0.0009765625, high=0.0009765625) | frames(), sigma=sigmas)
def test_output_stays_within_input_range(image, sigma):
    out = gaussian_blur(image, sigma)["image"]
    assert out.min() >= image.min() and out.max() <= image.max()


@pytest.mark.parametrize(("dtype", "top", "sigma"), [(np.float64, 25.99, 1.56),
                                                    (np.float32, 32.31, 1.46)])
def test_range_kept_where_rounding_overshoots(dtype, top, sigma):
    # A plateau: without the final clip the rounded weighted sums exceed it.
    image = np.full((8, 8), top, dtype)
    image[0, 0] = top - 5
    assert reference_blur(image, sigma, clip=False).max() > image.max()
    assert gaussian_blur(image, sigma)["image"].max() <= image.max()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_constant_frame_unchanged_exactly(dtype):
    image = np.full((9, 7), 33.7, dtype)
    np.testing.assert_array_equal(gaussian_blur(image, 1.1)["image"], image)


def test_zero_sigma_returns_copy_and_non_contiguous_input():
    image = np.random.default_rng(0).uniform(20, 36, (20, 30))
    out = gaussian_blur(image, 0.0)["image"]
    np.testing.assert_array_equal(out, image)
    assert out is not image
    view = image.T[::2]
    np.testing.assert_array_equal(gaussian_blur(view, 1.2)["image"],
                                  gaussian_blur(view.copy(), 1.2)["image"])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_transform_blurs_image_only(dtype):
    image = np.random.default_rng(2).uniform(20, 36, (24, 30)).astype(dtype)
    mask = (image > 28).astype(np.uint8)
    before, mask_before = image.copy(), mask.copy()
    out = GaussianBlur(sigma=(1.0, 1.2))(image=image, mask=mask, rng=3)
    sigma = out["params"]["sigma"]
    assert 1.0 <= sigma <= 1.2
    assert out["image"].dtype == dtype
    np.testing.assert_array_equal(out["image"], gaussian_blur(image, sigma)["image"])
    np.testing.assert_array_equal(out["mask"], mask)
    assert not out["occluded"].any()
    np.testing.assert_array_equal(image, before)
    np.testing.assert_array_equal(mask, mask_before)


def test_replay_same_seed_and_pickle():
    image = np.random.default_rng(4).uniform(20, 36, (16, 16))
    t = GaussianBlur(sigma=(0.5, 3.0))
    out = t(image=image, rng=11)
    np.testing.assert_array_equal(t.replay(out["params"], image=image)["image"], out["image"])
    u = pickle.loads(pickle.dumps(t))
    np.testing.assert_array_equal(u(image=image, rng=11)["image"], out["image"])
    assert not np.array_equal(t(image=image, rng=12)["image"], out["image"])
    assert repr(t) == "GaussianBlur(p=1.0, sigma=(0.5, 3.0))"


@pytest.mark.parametrize(("sigma", "error", "match"), [
    (-1.0, ValueError, r"sigma\[0\] must be in \[0, inf\], got -1"),
    ((1.2, 1.0), ValueError, r"sigma must satisfy low <= high, got \(1.2, 1\)"),
    ("wide", TypeError, r"sigma must be a number or a \(low, high\) pair, got 'wide'"),
    ((1.0, float("inf")), ValueError, r"sigma\[1\] must be finite"),
])
def test_constructor_errors(sigma, error, match):
    with pytest.raises(error, match=match):
        GaussianBlur(sigma=sigma)


def test_functional_errors():
    with pytest.raises(ValueError, match=r"sigma must be in \[0, inf\], got -0.5"):
        gaussian_blur(np.zeros((4, 4)), -0.5)
    with pytest.raises(TypeError, match="sigma must be a real number, got tuple"):
        gaussian_blur(np.zeros((4, 4)), (1.0, 1.0))
    with pytest.raises(ValueError, match="image must be a 2-D"):
        gaussian_blur(np.zeros((2, 4, 4)), 1.0)

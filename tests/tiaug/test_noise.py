import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tiaug.noise import NETDNoise, _noise, add_noise

M64 = (1 << 64) - 1


def splitmix_uniform(seed, n):
    """SplitMix64 output for counters seed + i * golden, as floats in [0, 1), in plain Python."""
    out = np.empty(n)
    for i in range(n):
        z = (seed + i * 0x9E3779B97F4A7C15) & M64
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        z ^= z >> 31
        out[i] = (z >> 11) / 2.0**53
    return out


def reference_noise(image, amplitude, seed):
    """Slow, obvious version of the kernel: add, round, then step back inside the bound."""
    u = splitmix_uniform(seed, image.size).reshape(image.shape)
    out = (image.astype(np.float64) + amplitude * (2.0 * u - 1.0)).astype(image.dtype)
    for idx in zip(*np.nonzero(np.abs(out.astype(np.float64) - image) > amplitude), strict=True):
        while abs(np.float64(out[idx]) - np.float64(image[idx])) > amplitude:
            out[idx] = np.nextafter(out[idx], image[idx])
    return out


dtypes = st.sampled_from([np.float32, np.float64])
shapes = st.tuples(st.integers(2, 24), st.integers(2, 24))
seeds = st.integers(0, 2**63 - 1)


@st.composite
def frames(draw, max_abs=1e4):
    dtype = draw(dtypes)
    elements = st.floats(-max_abs, max_abs, width=32 if dtype == np.float32 else 64)
    return draw(arrays(dtype, draw(shapes), elements=elements))


@given(image=frames(), amplitude=st.floats(0.0, 10.0), seed=seeds)
def test_kernel_matches_reference(image, amplitude, seed):
    np.testing.assert_array_equal(_noise(image, amplitude, seed),
                                  reference_noise(image, amplitude, seed))


@given(image=frames(max_abs=1e7), netd=st.floats(0.0, 5.0), rng=st.integers(0, 2**32))
def test_transform_never_exceeds_netd(image, netd, rng):
    out = NETDNoise(netd=netd)(image=image, rng=rng)
    diff = np.abs(out["image"].astype(np.float64) - image.astype(np.float64))
    assert diff.max() <= netd
    assert out["params"]["amplitude"] <= netd


@pytest.mark.parametrize("value", [1e6, -3.0e5, 1000.0])
def test_bound_holds_where_float32_rounding_would_break_it(value):
    # Near 1e6 a float32 ulp is 0.0625: most noisy values round past a 0.05 bound unless
    # they are stepped back toward the input.
    image = np.full((32, 32), value, np.float32)
    out = add_noise(image, 0.05, rng=3)["image"]
    assert np.abs(out.astype(np.float64) - value).max() <= 0.05
    u = splitmix_uniform(7, image.size).reshape(image.shape)
    naive = (image.astype(np.float64) + 0.05 * (2 * u - 1)).astype(np.float32)
    if value != 1000.0:
        assert (np.abs(naive.astype(np.float64) - value) > 0.05).any()


def test_noise_is_uniform_on_plus_minus_amplitude():
    from scipy import stats

    image = np.full((256, 256), 30.0)
    noise = (add_noise(image, 0.08, rng=0)["image"] - 30.0).ravel() / 0.08
    assert noise.min() < -0.999 and noise.max() > 0.999
    assert abs(noise.mean()) < 0.01
    assert stats.kstest(noise, stats.uniform(-1, 2).cdf).pvalue > 1e-3


def test_amplitude_is_drawn_uniformly_below_netd():
    t = NETDNoise(netd=0.2)
    image = np.zeros((2, 2))
    amplitudes = [t(image=image, rng=s)["params"]["amplitude"] for s in range(300)]
    assert 0.0 <= min(amplitudes) < 0.01 and 0.19 < max(amplitudes) <= 0.2
    assert abs(np.mean(amplitudes) - 0.1) < 0.015


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept_labels_untouched_and_inputs_not_mutated(dtype):
    image = np.linspace(20, 36, 12 * 10, dtype=dtype).reshape(12, 10)
    mask = (image > 28).astype(np.uint8)
    before, mask_before = image.copy(), mask.copy()
    out = NETDNoise(0.1)(image=image, mask=mask, rng=1)
    assert out["image"].dtype == dtype
    np.testing.assert_array_equal(out["mask"], mask)
    assert out["mask"] is not mask and out["image"] is not image
    assert not out["occluded"].any()
    np.testing.assert_array_equal(image, before)
    np.testing.assert_array_equal(mask, mask_before)


def test_params_are_small_and_replay_exact():
    image = np.random.default_rng(0).uniform(20, 36, (40, 50)).astype(np.float32)
    t = NETDNoise(0.1)
    out = t(image=image, rng=5)
    assert set(out["params"]) == {"applied", "amplitude", "seed"}
    assert isinstance(out["params"]["seed"], int)
    again = t.replay(pickle.loads(pickle.dumps(out["params"])), image=image)
    np.testing.assert_array_equal(again["image"], out["image"])


def test_same_seed_same_output_and_seeds_differ():
    image = np.full((16, 16), 30.0, np.float32)
    t = NETDNoise(0.1)
    a, b, c = (t(image=image, rng=s)["image"] for s in (4, 4, 5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_generator_rng_is_advanced():
    image = np.full((8, 8), 30.0)
    rng = np.random.default_rng(0)
    t = NETDNoise(0.1)
    assert not np.array_equal(t(image=image, rng=rng)["image"], t(image=image, rng=rng)["image"])


def test_zero_amplitude_and_non_contiguous_input():
    image = np.arange(60.0).reshape(6, 10)
    np.testing.assert_array_equal(add_noise(image, 0.0, rng=0)["image"], image)
    view = image[:, ::2]
    out = add_noise(view, 0.5, rng=2)["image"]
    np.testing.assert_array_equal(out, add_noise(view.copy(), 0.5, rng=2)["image"])
    assert np.abs(out - view).max() <= 0.5


def test_skipped_transform_returns_copy():
    image = np.full((4, 4), 30.0)
    out = NETDNoise(0.1, p=0.0)(image=image, rng=0)
    assert out["params"] == {"applied": False}
    np.testing.assert_array_equal(out["image"], image)
    assert out["image"] is not image


def test_pickle_and_repr():
    t = NETDNoise(netd=0.05, p=0.5)
    u = pickle.loads(pickle.dumps(t))
    image = np.full((8, 8), 30.0)
    np.testing.assert_array_equal(t(image=image, rng=9)["image"], u(image=image, rng=9)["image"])
    assert repr(t) == "NETDNoise(p=0.5, netd=0.05)"


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"netd": -0.1}, ValueError, r"netd must be in \[0, inf\], got -0.1"),
    ({"netd": float("nan")}, ValueError, "netd must be finite"),
    ({"netd": "0.1"}, TypeError, "netd must be a real number, got str"),
    ({"p": 1.5}, ValueError, r"p must be in \[0, 1\], got 1.5"),
])
def test_constructor_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        NETDNoise(**kwargs)


def test_functional_errors():
    image = np.zeros((4, 4))
    with pytest.raises(ValueError, match=r"amplitude must be in \[0, inf\], got -1"):
        add_noise(image, -1.0, rng=0)
    with pytest.raises(TypeError, match="amplitude must be a real number"):
        add_noise(image, None, rng=0)
    with pytest.raises(TypeError, match="image has dtype uint16, but tiaug works on temperatures"):
        add_noise(np.zeros((4, 4), np.uint16), 0.1, rng=0)
    with pytest.raises(TypeError, match="rng must be None, a non-negative int seed"):
        add_noise(image, 0.1, rng="seed")

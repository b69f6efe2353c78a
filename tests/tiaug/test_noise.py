import pickle

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tiaug import GaussianBlur
from tiaug._validation import MAX_TEMPERATURE
from tiaug.noise import NETDNoise, _noise, add_noise

M32 = (1 << 32) - 1


def lowbias32(x):
    """C. Wellons' lowbias32 integer hash, in plain Python."""
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    return x ^ (x >> 16)


def noise_field(seed, amplitude, n):
    """The kernel's float32 noise of pixels 0..n-1, computed the slow, obvious way."""
    bound = np.float32(amplitude)
    if float(bound) > amplitude:
        bound = np.nextafter(bound, np.float32(0))
    lo, hi = seed & M32, seed >> 32
    u = np.array([lowbias32(((i ^ hi) + lo) & M32) >> 8 for i in range(n)], np.float32)
    with np.errstate(under="ignore"):
        return u * np.float32(float(bound) / 2**23) - bound


def reference_noise(image, amplitude, seed):
    """Slow, obvious version of the kernel: add, clip to the physical range, round, then step
    back inside the bound."""
    d = noise_field(seed, amplitude, image.size).reshape(image.shape)
    f = image.dtype.type
    out = np.clip((image + d.astype(image.dtype)).astype(image.dtype), f(-273.15), f(1e4))
    for idx in zip(*np.nonzero(np.abs(out.astype(np.float64) - image) > amplitude), strict=True):
        while abs(np.float64(out[idx]) - np.float64(image[idx])) > amplitude:
            out[idx] = np.nextafter(out[idx], image[idx])
    return out


def test_hash_is_lowbias32():
    from tiaug._kernels.noise import hash32

    # Words at both ends of the range, where the multiplies wrap.
    for x in (0, 1, 2, 12345, 0x7FFFFFFF, 0x80000000, M32):
        with np.errstate(over="ignore"):
            assert int(hash32(np.uint32(x))) == lowbias32(x)


def test_noise_is_the_same_field_for_float32_and_float64():
    image = np.full((6, 7), 30.0)
    a = add_noise(image.astype(np.float32), 0.1, rng=4)["image"]
    b = add_noise(image, 0.1, rng=4)["image"]
    np.testing.assert_allclose(a, b, atol=2e-6)


dtypes = st.sampled_from([np.float32, np.float64])
shapes = st.tuples(st.integers(2, 24), st.integers(2, 24))
seeds = st.integers(0, 2**63 - 1)


@st.composite
def frames(draw, low=-273.0, high=MAX_TEMPERATURE):
    dtype = draw(dtypes)
    elements = st.floats(low, high, width=32 if dtype == np.float32 else 64)
    image = draw(arrays(dtype, draw(shapes), elements=elements))
    image[0, 0] = min(image[0, 0], 20.0)  # a frame in °C shows something at room temperature
    return image


# An amplitude whose float32 rounds up: with that float32 as the bound, the noise of a float64
# frame could leave the bound by a float32 ulp and take 10**7 float64 steps to come back.
ROUNDS_UP = 1.5154773934429258


@given(image=frames(), amplitude=st.floats(0.0, 10.0), seed=seeds)
@example(image=np.zeros((2, 2)), amplitude=ROUNDS_UP, seed=0)
def test_kernel_matches_reference(image, amplitude, seed):
    np.testing.assert_array_equal(_noise(image, amplitude, seed),
                                  reference_noise(image, amplitude, seed))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_noise_keeps_a_frame_at_the_limits_physical(dtype):
    # Noise on a frame at absolute zero took it below (-273.21 °C), and the next transform
    # refused the frame the chain had made.
    image = np.full((16, 20), -273.15, dtype)
    image[4:8, 4:8] = 1e4
    out = NETDNoise(netd=0.1, p=1.0)(image=image, rng=0)["image"]
    assert float(out.min()) >= -273.15 and float(out.max()) <= 1e4
    assert np.abs(out.astype(np.float64) - image.astype(np.float64)).max() <= 0.1
    GaussianBlur(p=1.0)(image=out, rng=0)  # a valid frame for the next transform


@given(image=frames(), netd=st.floats(0.0, 5.0), rng=st.integers(0, 2**32))
def test_transform_never_exceeds_netd(image, netd, rng):
    out = NETDNoise(netd=netd)(image=image, rng=rng)
    diff = np.abs(out["image"].astype(np.float64) - image.astype(np.float64))
    assert diff.max() <= netd
    assert out["params"]["amplitude"] <= netd


@pytest.mark.parametrize("value, amplitude, naive_breaks", [
    (8000.0, 4e-4, True), (-250.0, 1e-5, True), (1000.0, 0.05, False)])
def test_bound_holds_where_float32_rounding_would_break_it(value, amplitude, naive_breaks):
    # Near 8000 a float32 ulp is 0.00049: most noisy values round past a 0.0004 bound unless
    # they are stepped back toward the input.
    image = np.full((32, 32), value, np.float32)
    image[0, 0] = 20.0  # a room in the frame: a constant 8000 °C frame is refused
    out = add_noise(image, amplitude, rng=3)["image"]
    assert np.abs(out.astype(np.float64) - image).max() <= amplitude
    d = noise_field(7, amplitude, image.size).reshape(image.shape)
    naive = (image + d).astype(np.float32)
    assert (np.abs(naive.astype(np.float64) - image) > amplitude).any() == naive_breaks


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
    ({"netd": -0.1}, ValueError, r"netd must be in \[0, 10000\], got -0.1"),
    ({"netd": 1e39}, ValueError, r"netd must be in \[0, 10000\], got 1e\+39"),
    ({"netd": float("nan")}, ValueError, "netd must be finite"),
    ({"netd": "0.1"}, TypeError, "netd must be a real number, got str"),
    ({"p": 1.5}, ValueError, r"p must be in \[0, 1\], got 1.5"),
])
def test_constructor_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        NETDNoise(**kwargs)


def test_functional_errors():
    image = np.zeros((4, 4))
    with pytest.raises(ValueError, match=r"amplitude must be in \[0, 10000\], got -1"):
        add_noise(image, -1.0, rng=0)
    with pytest.raises(TypeError, match="amplitude must be a real number"):
        add_noise(image, None, rng=0)
    with pytest.raises(TypeError, match="image has dtype uint16, but tiaug works on temperatures"):
        add_noise(np.zeros((4, 4), np.uint16), 0.1, rng=0)
    with pytest.raises(TypeError, match="rng must be None, a non-negative int seed"):
        add_noise(image, 0.1, rng="seed")


@pytest.mark.parametrize(("params", "error", "match"), [
    # A negative amplitude made the kernel's step-back loop run forever.
    ({"applied": True, "amplitude": -0.1, "seed": 0}, ValueError,
     r"params\['amplitude'\] must be in \[0, 10000\], got -0.1"),
    ({"applied": True, "amplitude": float("nan"), "seed": 0}, ValueError,
     r"params\['amplitude'\] must be finite"),
    ({"applied": True, "amplitude": 0.1, "seed": -1}, ValueError,
     r"params\['seed'\] must be an int in \[0, 2\*\*63\), got -1"),
    ({"applied": True, "amplitude": 0.1, "seed": 2**63}, ValueError,
     r"params\['seed'\] must be an int in \[0, 2\*\*63\)"),
    ({"applied": True, "amplitude": 0.1, "seed": 1.5}, TypeError,
     r"params\['seed'\] must be an int, got float"),
    ({"applied": True, "amplitude": 0.1}, TypeError, r"params must hold 'seed'"),
])
def test_replay_checks_edited_params(params, error, match):
    with pytest.raises(error, match=match):
        NETDNoise().replay(params, image=np.full((4, 4), 30.0))


def test_negative_zero_netd_is_zero():
    # -0.0 passed the ">= 0" check, then numpy's uniform(0.0, -0.0) raised "high - low < 0".
    t = NETDNoise(netd=-0.0)
    assert t.netd == 0.0 and str(t.netd) == "0.0"
    image = np.full((4, 4), 30.0)
    np.testing.assert_array_equal(t(image=image, rng=0)["image"], image)

"""ThermalCamera and its op: every kernel against a slow, obvious reference, and the properties
(labels aligned, uniform regions kept, the documented FPN spread, noise bounded by netd, values
on the quantisation grid, majority-vote labels, sizes in face units, exact replay, errors)."""

import collections
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import integrate, special

from tiaug import ThermalCamera
from tiaug import functional as F
from tiaug._kernels import camera as K
from tiaug.camera import (
    CAMERAS,
    CameraSpec,
    _edges,
    _grid,
    _psi_table,
    _stream_keys,
    _weights,
    reimage,
)
from tiaug.datasets import make_face
from tiaug.occlusion import scene_temperatures

M32 = (1 << 32) - 1


def lowbias32(x):
    """C. Wellons' lowbias32 integer hash, in plain Python."""
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    return x ^ (x >> 16)


def ideal(width, height, **fields):
    """A camera without any effect unless asked: no optics, noise, FPN, error or steps."""
    return CameraSpec("ideal", (width, height), pitch=12.0, f_number=fields.pop("f_number", 0.0),
                      netd=fields.pop("netd", 0.0), **fields)


# ---------------------------------------------------------------- slow references


def reference_psi(t, sigma):
    """``integral of Phi(x / sigma) from -inf to t``, in closed form with scipy's ndtr."""
    if sigma == 0:
        return max(t, 0.0)
    x = t / sigma
    return sigma * (x * special.ndtr(x) + math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi))


def reference_weights(n_in, n_out, sigma, truncate=4.0):
    """The dense (n_out, n_in) resampling matrix: each sensor pixel's box [c s, (c + 1) s)
    convolved with the Gaussian, integrated numerically over every input pixel that reaches into
    the box widened by `truncate` sigma, then normalised."""
    s = n_in / n_out
    reach = truncate * sigma
    out = np.zeros((n_out, n_in))
    for c in range(n_out):
        a, b = c * s, (c + 1) * s
        for j in range(n_in):
            if not (j + 1 > a - reach and j < b + reach):
                continue
            if sigma == 0:
                out[c, j] = max(0.0, min(j + 1.0, b) - max(float(j), a))
            else:
                out[c, j] = integrate.quad(
                    lambda x, a=a, b=b: special.ndtr((x - a) / sigma) - special.ndtr(
                        (x - b) / sigma), j, j + 1, epsabs=1e-13, epsrel=1e-12)[0]
        out[c] /= out[c].sum()
    return out


def dense(starts, weights, n_in):
    out = np.zeros((weights.shape[0], n_in))
    for c in range(weights.shape[0]):
        out[c, starts[c]:starts[c] + weights.shape[1]] = weights[c]
    return out


def reference_line(n, a, b, amplitude, dtype):
    t = np.dtype(dtype).type
    u = np.array([lowbias32(((i ^ b) + a) & M32) >> 8 for i in range(n)]).astype(dtype)
    return u * t(amplitude * 2.0**-23) - t(amplitude)


def reference_sense(grid, xr2, yr2, keys, p):
    """The sensor effects pixel by pixel, in the frame's dtype and the kernel's order of
    operations (so the result is bit-identical), with the hash in plain Python."""
    dtype = grid.dtype
    t = dtype.type
    f32 = np.float32
    w, h = grid.shape
    keys = [int(k) for k in keys]
    column = reference_line(w, keys[4], keys[5], p[K.COLUMN_FPN], dtype)
    row = reference_line(h, keys[6], keys[7], p[K.ROW_FPN], dtype)
    refl, contrast = t(p[K.REFLECTED]), t(p[K.CONTRAST] - 1.0)
    gain_amp, gain_step = t(p[K.GAIN_FPN]), t(p[K.GAIN_FPN] * 2.0**-15)
    pix_amp, pix_step = t(p[K.PIXEL_FPN]), t(p[K.PIXEL_FPN] * 2.0**-15)
    vig = t(p[K.VIGNETTING])
    bound, noise_step = f32(p[K.NOISE_BOUND]), f32(p[K.NOISE_BOUND] * 2.0**-23)
    offset, gain = t(p[K.OFFSET]), t(p[K.GAIN] - 1.0)
    step = p[K.STEP]
    out = np.empty_like(grid)
    for c in range(w):
        co = column[c] + vig * t(xr2[c])
        for r in range(h):
            i = (c + r * w) & M32
            hp = lowbias32(((i ^ keys[3]) + keys[2]) & M32)
            g = t(hp & 0xFFFF) * gain_step - gain_amp
            pix = t(hp >> 16) * pix_step - pix_amp
            v = grid[c, r]
            v = v + contrast * (v - refl)
            v = v + g * (v - refl) + ((co + (row[r] + vig * t(yr2[r]))) + pix)
            u = f32(lowbias32(((i ^ keys[1]) + keys[0]) & M32) >> 8)
            noisy = t(v + (u * noise_step - bound))
            while abs(float(noisy) - float(v)) > p[K.NOISE_LIMIT]:
                noisy = np.nextafter(noisy, v)
            v = noisy + offset + gain * (noisy - refl)
            if step > 0:
                grid0 = t(math.floor((p[K.REFLECTED] + 273.15) / step + 0.5) * step - 273.15)
                k = np.floor((v - grid0) * t(1.0 / step) + t(0.5))
                v = grid0 + k * t(step)
            out[c, r] = min(max(v, t(p[K.LOW])), t(p[K.HIGH]))
    return out


def reference_vote(mask, occluded, shape):
    """Each sensor pixel's input pixels by their centres, counted with a Counter."""
    (height, width), (h, w) = mask.shape, shape
    out_mask = np.empty(shape, mask.dtype)
    out_occ = np.empty(shape, bool)
    for r in range(h):
        for c in range(w):
            rows = [i for i in range(height) if int((i + 0.5) * h / height) == r]
            cols = [j for j in range(width) if int((j + 0.5) * w / width) == c]
            cells = [(i, j) for i in rows for j in cols]
            covered = 2 * sum(occluded[i, j] for i, j in cells) > len(cells)
            votes = collections.Counter(mask[i, j] for i, j in cells
                                        if occluded[i, j] == covered)
            most = max(votes.values())
            out_mask[r, c] = min(v for v, n in votes.items() if n == most)
            out_occ[r, c] = covered
    return out_mask, out_occ


# ---------------------------------------------------------------- kernels


@given(t=st.floats(-30.0, 30.0), sigma=st.one_of(st.just(0.0), st.floats(0.01, 6.0)))
def test_psi_matches_the_closed_form(t, sigma):
    # Cubic Hermite on steps of 1/128: error below 4e-12 sigma.
    assert K.psi(t, sigma, _psi_table()) == pytest.approx(reference_psi(t, sigma),
                                                           abs=1e-11 * max(sigma, 1.0), rel=0)


@settings(max_examples=25)
@given(n_in=st.integers(1, 24), data=st.data(),
       sigma=st.one_of(st.just(0.0), st.floats(0.05, 4.0)))
def test_weights_match_the_numerical_integral(n_in, data, sigma):
    n_out = data.draw(st.integers(1, n_in))
    starts, weights = _weights(n_in, n_out, sigma)
    assert ((starts >= 0) & (starts + weights.shape[1] <= n_in)).all()
    np.testing.assert_allclose(dense(starts, weights, n_in),
                               reference_weights(n_in, n_out, sigma), atol=1e-9)


def test_box_weights_are_exact_overlaps_and_the_identity():
    starts, weights = _weights(7, 7, 0.0)
    np.testing.assert_array_equal(dense(starts, weights, 7), np.eye(7))
    starts, weights = _weights(5, 2, 0.0)  # boxes of 2.5 pixels
    np.testing.assert_array_equal(dense(starts, weights, 5),
                                  [[0.4, 0.4, 0.2, 0, 0], [0, 0, 0.2, 0.4, 0.4]])


dtypes = st.sampled_from([np.float32, np.float64])


@st.composite
def frames(draw, low=2, high=20):
    dtype = draw(dtypes)
    shape = draw(st.tuples(st.integers(low, high), st.integers(low, high)))
    return draw(arrays(dtype, shape, elements=st.floats(-50.0, 80.0, width=32)))


@given(image=frames(), data=st.data(), sigma=st.floats(0.0, 3.0))
def test_resampling_passes_match_dense_products(image, data, sigma):
    h = data.draw(st.integers(1, image.shape[0]))
    starts, weights = _weights(image.shape[0], h, sigma)
    expected = dense(starts, weights, image.shape[0]) @ image.astype(np.float64)
    tol = 1e-4 if image.dtype == np.float32 else 1e-10
    rows = K.resample_rows(image, starts, weights, np.empty((h, image.shape[1]), image.dtype))
    np.testing.assert_allclose(rows, expected, atol=tol)
    rows_t = K.resample_rows_t(image, starts, weights,
                               np.empty((image.shape[1], h), image.dtype))
    np.testing.assert_array_equal(rows_t, rows.T)


@given(image=frames(1, 30))
def test_transpose_is_exact(image):
    np.testing.assert_array_equal(K.transpose(image, np.empty(image.shape[::-1], image.dtype)),
                                  image.T)


@given(image=frames(), data=st.data())
def test_bilinear_rows_match_numpy(image, data):
    n = data.draw(st.integers(1, 25))
    i0 = np.array(data.draw(st.lists(st.integers(0, image.shape[0] - 1), min_size=n,
                                     max_size=n)), np.intp)
    i1 = np.minimum(i0 + 1, image.shape[0] - 1)
    f = np.array(data.draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)), image.dtype)
    expected = image[i0] + f[:, None] * (image[i1] - image[i0])
    np.testing.assert_array_equal(
        K.lerp_rows(image, i0, i1, f, np.empty((n, image.shape[1]), image.dtype)), expected)
    np.testing.assert_array_equal(
        K.lerp_rows_t(image, i0, i1, f, np.empty((image.shape[1], n), image.dtype)), expected.T)


@given(n_in=st.integers(1, 700), n_out=st.integers(1, 1400), dtype=dtypes)
def test_bilinear_taps_match_numpy(n_in, n_out, dtype):
    u = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0.0, n_in - 1)
    i0 = np.floor(u).astype(np.intp)
    got_i0, got_i1, got_f = K.bilinear_taps(n_in, np.empty(n_out, np.intp),
                                            np.empty(n_out, np.intp), np.empty(n_out, dtype))
    np.testing.assert_array_equal(got_i0, i0)
    np.testing.assert_array_equal(got_i1, np.minimum(i0 + 1, n_in - 1))
    assert got_f.tobytes() == (u - i0).astype(dtype).tobytes()


@given(n=st.integers(1, 2000), scale=st.floats(0.01, 100.0), norm=st.floats(1.0, 2.0**31))
def test_centred_squares_match_numpy(n, scale, norm):
    expected = ((np.arange(n) + 0.5 - 0.5 * n) * scale) ** 2 / norm
    assert K.centred_squares(scale, norm, np.empty(n)).tobytes() == expected.tobytes()


@settings(max_examples=20)
@given(grid=frames(1, 9), seed=st.integers(0, 2**63 - 1), reflected=st.floats(-20.0, 40.0),
       contrast=st.floats(0.9, 1.1), fpn=st.tuples(*[st.floats(0.0, 0.3)] * 4),
       vig=st.floats(-1.0, 1.0), netd=st.floats(0.0, 0.5), offset=st.floats(-5.0, 5.0),
       gain=st.floats(0.9, 1.1), step=st.sampled_from([0.0, 0.01, 1 / 64, 0.4]),
       bounded=st.booleans())
def test_sense_matches_the_pixel_by_pixel_reference(grid, seed, reflected, contrast, fpn, vig,
                                                     netd, offset, gain, step, bounded):
    w, h = grid.shape
    rng = np.random.default_rng(seed % 1000)
    xr2, yr2 = rng.uniform(0, 1, w), rng.uniform(0, 1, h)
    bound = np.float32(netd)
    if float(bound) > netd:
        bound = np.nextafter(bound, np.float32(0))
    # An explicit netd bounds the noise exactly; the camera's own NETD (limit inf) does not.
    p = np.array([reflected, contrast, fpn[0], fpn[1], fpn[2], fpn[3], vig, float(bound),
                  netd if bounded else math.inf, offset, gain, step, -273.15, 1e4])
    keys = _stream_keys(seed)
    with np.errstate(over="ignore"):
        out = K.sense(grid, xr2, yr2, keys, p, np.empty_like(grid))
    np.testing.assert_array_equal(out, reference_sense(grid, xr2, yr2, keys, p))


def test_stream_keys_are_the_documented_hashes():
    seed = 0x0123456789ABCDEF
    lo, hi = seed & M32, seed >> 32
    expected = []
    for s in range(4):
        a = lowbias32((lo + (s + 1) * 0x9E3779B9) & M32)
        expected += [a, lowbias32(hi ^ a)]
    assert _stream_keys(seed).tolist() == expected
    assert len(set(_stream_keys(7).tolist())) == 8


@settings(max_examples=30)
@given(data=st.data(), shape=st.tuples(st.integers(2, 14), st.integers(2, 14)),
       dtype=st.sampled_from([np.uint8, np.int64, np.int8]))
def test_vote_matches_the_counter_reference(data, shape, dtype):
    h = data.draw(st.integers(1, shape[0]))
    w = data.draw(st.integers(1, shape[1]))
    mask = data.draw(arrays(dtype, shape, elements=st.integers(-3, 3) if dtype != np.uint8
                            else st.integers(0, 4)))
    occluded = data.draw(arrays(bool, shape))
    out_mask, out_occ = K.vote(mask, occluded.view(np.uint8), _edges(shape[0], h),
                               _edges(shape[1], w), np.empty((h, w), dtype),
                               np.empty((h, w), bool))
    ref_mask, ref_occ = reference_vote(mask, occluded, (h, w))
    np.testing.assert_array_equal(out_occ, ref_occ)
    np.testing.assert_array_equal(out_mask, ref_mask)


def test_edges_partition_the_input_by_pixel_centres():
    for n_in, n_out in [(10, 3), (7, 7), (640, 416), (3, 2), (512, 83)]:
        edges = _edges(n_in, n_out)
        assert edges[0] == 0 and edges[-1] == n_in and (np.diff(edges) >= 1).all()
        for r in range(n_out):
            for i in range(edges[r], edges[r + 1]):
                assert r * n_in / n_out <= i + 0.5 < (r + 1) * n_in / n_out


# ---------------------------------------------------------------- properties

FACES = [make_face((96, 120), subject=s, rng=s) for s in range(3)]
FACE, LABELS = make_face((128, 160), subject=1, rng=4)


@pytest.mark.parametrize("camera", sorted(CAMERAS))
def test_labels_occluded_and_shape_unchanged_at_the_input_size(camera):
    temps, labels = FACES[0]
    occluded = np.zeros(temps.shape, bool)
    occluded[20:40, 30:70] = True
    out = ThermalCamera(camera=camera)(image=temps, mask=labels, occluded=occluded, rng=3)
    assert out["image"].shape == temps.shape and out["image"].dtype == temps.dtype
    np.testing.assert_array_equal(out["mask"], labels)
    np.testing.assert_array_equal(out["occluded"], occluded)
    assert out["mask"] is not labels and out["occluded"] is not occluded
    assert np.isfinite(out["image"]).all()


@settings(max_examples=25)
@given(temperature=st.floats(-60.0, 200.0), dtype=dtypes, coverage=st.floats(0.05, 1.0),
       camera=st.sampled_from(sorted(CAMERAS)), shape=st.tuples(st.integers(2, 40),
                                                                st.integers(2, 40)),
       output=st.sampled_from(["input", "sensor"]))
def test_a_uniform_frame_keeps_its_temperature_through_the_optics(temperature, dtype, coverage,
                                                                   camera, shape, output):
    c = CAMERAS[camera]
    spec = ideal(*c.resolution, f_number=c.f_number, wavelength=c.wavelength)
    image = np.full(shape, temperature, dtype)
    out = reimage(image, spec, coverage, output=output)["image"]
    tol = 4e-6 * max(abs(temperature), 1.0) if dtype == np.float32 else 1e-12 * max(
        abs(temperature), 1.0)
    np.testing.assert_allclose(out, temperature, rtol=0, atol=tol)


@settings(max_examples=25)
@given(image=frames(2, 30), coverage=st.floats(0.05, 1.0),
       camera=st.sampled_from(sorted(CAMERAS)))
def test_optics_keep_the_mean_and_the_range(image, coverage, camera):
    c = CAMERAS[camera]
    spec = ideal(*c.resolution, f_number=c.f_number, wavelength=c.wavelength)
    out = reimage(image, spec, coverage, output="sensor")["image"].astype(np.float64)
    lo, hi = float(image.min()), float(image.max())
    slack = (2e-5 if image.dtype == np.float32 else 1e-12) * max(abs(lo), abs(hi), 1.0)
    assert out.min() >= lo - slack and out.max() <= hi + slack
    # Every input pixel's total weight is the grid's area over the input's (interior pixels):
    # the mean over the frame is kept up to the edge renormalisation of the PSF.
    box = ideal(*c.resolution)
    flat = reimage(image, box, coverage, output="sensor")["image"].astype(np.float64)
    assert flat.mean() == pytest.approx(image.astype(np.float64).mean(), abs=slack + 1e-9)


def test_box_resampling_averages_each_footprint():
    image = np.arange(48.0).reshape(6, 8)
    out = reimage(image, ideal(8, 6), 0.5, output="sensor")["image"]  # 4 x 3: 2x2 blocks
    np.testing.assert_allclose(out, image.reshape(3, 2, 4, 2).mean(axis=(1, 3)))


def test_the_psf_blurs_a_hot_spot_by_its_sigma():
    image = np.full((64, 64), 20.0)
    image[32, 32] = 120.0
    spec = ideal(64, 64, f_number=2.0)  # sigma = 0.42 * 10 * 2 / 12 = 0.7 pixels
    out = reimage(image, spec, 1.0)["image"] - 20.0
    assert out.sum() == pytest.approx(100.0)
    row = out[32] / out[32].sum()
    x = np.arange(64) - 32
    # The box (variance 1/12 twice: detector and input pixel) plus the PSF's variance.
    assert (row * x * x).sum() == pytest.approx(0.7**2 + 2 / 12, rel=0.02)


@pytest.mark.parametrize("field, size", [("fpn_pixel", (256, 256)), ("fpn_column", (64, 1024)),
                                         ("fpn_row", (1024, 64))])
def test_fixed_pattern_offsets_have_the_documented_spread(field, size):
    height, width = size
    spec = ideal(width, height, **{field: 0.1})
    image = np.full(size, 30.0)
    noise = reimage(image, spec, 1.0, seed=11)["image"] - 30.0
    sample = {"fpn_pixel": noise.ravel(), "fpn_column": noise[0], "fpn_row": noise[:, 0]}[field]
    if field != "fpn_pixel":  # one value per column / row
        axis = 0 if field == "fpn_column" else 1
        assert np.ptp(noise, axis=axis).max() < 1e-12
    assert sample.std() == pytest.approx(0.1, rel=0.08)
    assert abs(sample.mean()) < 0.02
    assert np.abs(sample).max() <= math.sqrt(3) * 0.1 + 1e-12  # uniform on +-sqrt(3) std


def test_pixel_gain_residual_scales_the_distance_to_the_reflected_temperature():
    spec = ideal(256, 256, fpn_gain=0.01)
    image = np.full((256, 256), 30.0)
    out = reimage(image, spec, 1.0, seed=2, reflected=20.0)["image"] - 30.0
    assert out.std() == pytest.approx(10 * 0.01, rel=0.05)
    at_reflected = reimage(np.full((64, 64), 20.0), ideal(64, 64, fpn_gain=0.01), 1.0,
                           reflected=20.0)["image"]
    np.testing.assert_array_equal(at_reflected, 20.0)


def test_temporal_noise_has_the_camera_netd_as_standard_deviation():
    image = np.full((256, 256), 30.0)
    noise = reimage(image, ideal(256, 256, netd=0.05), 1.0, seed=4)["image"] - 30.0
    assert noise.std() == pytest.approx(0.05, rel=0.03)
    assert np.abs(noise).max() <= math.sqrt(3) * 0.05 + 1e-12


@settings(max_examples=30)
@given(image=frames(2, 16), netd=st.floats(0.0, 2.0), seed=st.integers(0, 2**63 - 1))
def test_netd_bounds_the_noise_exactly(image, netd, seed):
    height, width = image.shape
    # Everything else off: the grid is the input's, no PSF, FPN, error, steps or vignetting.
    spec = ideal(width, height, netd=5.0)  # the camera's own NETD is overridden by netd=
    out = reimage(image, spec, 1.0, seed=seed, netd=netd)["image"]
    assert np.abs(out.astype(np.float64) - image.astype(np.float64)).max() <= netd
    t = ThermalCamera(camera=spec, coverage=1.0, netd=netd, emissivity=0.98,
                      emissivity_set=0.98)
    out = t(image=image, rng=seed % 2**32)["image"]
    assert np.abs(out.astype(np.float64) - image.astype(np.float64)).max() <= netd


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_without_any_effect_the_frame_is_returned_exactly(dtype):
    image = FACE.astype(dtype)
    out = reimage(image, ideal(160, 128), 1.0, seed=9, mask=LABELS, output="input")
    np.testing.assert_array_equal(out["image"], image)
    sensor = reimage(image, ideal(160, 128), 1.0, output="sensor", mask=LABELS)
    np.testing.assert_array_equal(sensor["image"], image)
    np.testing.assert_array_equal(sensor["mask"], LABELS)


@pytest.mark.parametrize("camera, step", [("lepton", 0.01), ("tc001", 1 / 64),
                                          ("cooled_mwir", 0.01)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_quantisation_puts_values_on_the_kelvin_grid(camera, step, dtype):
    out = reimage(FACE.astype(dtype), camera, 0.8, 1.3, 1.01, seed=5, output="sensor")["image"]
    steps = (out.astype(np.float64) + 273.15) / step
    tol = 5e-4 if dtype == np.float32 else 1e-9
    assert np.abs(steps - np.round(steps)).max() < tol
    assert len(np.unique(np.round(steps))) > 100


def test_emissivity_setting_scales_the_contrast_about_the_reflected_temperature():
    out = reimage(FACE, ideal(160, 128), 1.0, emissivity=(0.98, 0.95), reflected=21.0)["image"]
    np.testing.assert_allclose(out, 21.0 + 0.98 / 0.95 * (FACE - 21.0), atol=2e-5)
    # Skin read with the camera set to 0.95 reads warmer, the wall hardly changes.
    hotter = out - FACE
    assert hotter[LABELS > 0].mean() > 0.25
    assert hotter[LABELS > 0].mean() > 1.5 * hotter[LABELS == 0].mean() > 0


def test_offset_and_gain_errors():
    out = reimage(FACE, ideal(160, 128), 1.0, offset=-1.5, gain=1.02, reflected=20.0)["image"]
    np.testing.assert_allclose(out, FACE - 1.5 + 0.02 * (FACE - 20.0), atol=2e-5)


def test_vignetting_is_radial_from_the_sensor_centre():
    spec = ideal(100, 100)
    out = reimage(np.full((100, 100), 30.0), spec, 1.0, vignetting=0.6)["image"] - 30.0
    rows, cols = np.mgrid[:100, :100] + 0.5 - 50.0
    np.testing.assert_allclose(out, 0.6 * (rows**2 + cols**2) / (2 * 50.0**2), atol=1e-12)
    # A crop of half the sensor's width sees the inner part: a quarter of the shading.
    half = reimage(np.full((50, 50), 30.0), spec, 0.5, vignetting=0.6)["image"] - 30.0
    assert half.max() == pytest.approx(0.6 / 4, rel=0.06)


def test_temperatures_stay_physical():
    image = np.full((20, 30), -273.15)
    image[5:10, 5:10] = 1e4
    for camera in CAMERAS:
        out = reimage(image, camera, 0.7, offset=-4.0, gain=1.05, vignetting=-0.6,
                      seed=1)["image"]
        assert out.min() >= -273.15 and out.max() <= 1e4


# ---------------------------------------------------------------- grids, labels and sizes


def test_the_sensor_grid_is_coverage_times_the_sensor_width_never_finer_than_the_input():
    spec = CAMERAS["lepton"]
    assert _grid((480, 640), spec, 1.0) == (120, 160, 1.0)
    assert _grid((480, 640), spec, 0.5) == (60, 80, 1.0)
    h, w, per = _grid((60, 80), CAMERAS["boson640"], 1.0)  # input coarser than the sensor
    assert (h, w) == (60, 80) and per == pytest.approx(8.0)
    assert _grid((2, 9), spec, 0.01)[:2] == (2, 2)


@pytest.mark.parametrize("camera", ["lepton", "tc001", "boson640"])
def test_sensor_output_shapes_and_labels_agree_with_the_vote(camera):
    occluded = np.zeros(LABELS.shape, bool)
    occluded[30:60, 40:100] = True
    labels = np.where(occluded, 255, LABELS).astype(np.uint8)
    out = reimage(FACE, camera, 0.6, seed=3, output="sensor", mask=labels, occluded=occluded)
    h, w, _ = _grid(FACE.shape, CAMERAS[camera], 0.6)
    assert out["image"].shape == out["mask"].shape == out["occluded"].shape == (h, w)
    ref_mask, ref_occ = reference_vote(labels, occluded, (h, w))
    np.testing.assert_array_equal(out["mask"], ref_mask)
    np.testing.assert_array_equal(out["occluded"], ref_occ)
    # The occluder's label and the occlusion map agree pixel for pixel.
    np.testing.assert_array_equal(out["mask"] == 255, out["occluded"])


def test_sensor_output_without_labels_or_occlusion():
    out = reimage(FACE, "tc001", 0.5, output="sensor")
    assert set(out) == {"image", "occluded"} and not out["occluded"].any()
    # 0.5 of 256 columns across a 160-wide frame: 128 columns, and rows in proportion.
    assert out["image"].shape == out["occluded"].shape == (102, 128)


def test_sizes_and_blur_do_not_depend_on_the_input_resolution():
    # The same scene at two resolutions (each pixel of the small frame a 2x2 block of the large
    # one): the same sensor grid, and nearly the same sensor image (blur in face units).
    small = FACE
    large = np.kron(small, np.ones((2, 2), small.dtype))
    for camera in ("lepton", "tc001", "boson320"):
        c = CAMERAS[camera]
        spec = ideal(*c.resolution, f_number=c.f_number)
        a = reimage(small, spec, 0.5, output="sensor")["image"]
        b = reimage(large, spec, 0.5, output="sensor")["image"]
        assert a.shape == b.shape
        assert np.abs(a - b).max() < 0.05 * np.ptp(small)
        assert np.abs(a - b).mean() < 0.002 * np.ptp(small)
        # The transform's drawn grid at the input size: same relative blur in face units.
        up_a = reimage(small, spec, 0.5)["image"]
        up_b = reimage(large, spec, 0.5)["image"]
        assert np.abs(up_a - up_b[::2, ::2]).mean() < 0.05 * np.ptp(small)


def test_coverage_sets_the_blur_in_face_units():
    # A smaller coverage puts fewer sensor pixels across the face: a blurrier frame.
    spec = ideal(320, 256, f_number=1.0)  # Boson 320 optics, no noise

    def detail(coverage):
        out = ThermalCamera(spec, coverage=coverage)(image=FACE, rng=0)["image"]
        return np.abs(np.diff(out, axis=1)).mean()

    assert detail(0.2) < detail(0.4) < detail(1.0) < np.abs(np.diff(FACE, axis=1)).mean()


# ---------------------------------------------------------------- the transform


def test_transform_equals_the_op_with_the_drawn_params():
    occluded = LABELS == 5
    for seed in range(8):
        for output in ("input", "sensor"):
            t = ThermalCamera(output=output)
            out = t(image=FACE, mask=LABELS, occluded=occluded, rng=seed)
            p = out["params"]
            op = reimage(FACE, p["camera"], p["coverage"], p["offset"], p["gain"],
                         p["emissivity"], p["vignetting"], p["seed"], reflected=p["reflected"],
                         output=output, mask=LABELS, occluded=occluded)
            for key in ("image", "mask", "occluded"):
                np.testing.assert_array_equal(out[key], op[key])


def test_draws_stay_within_the_camera_specs():
    t = ThermalCamera(coverage=(0.4, 0.9))
    names = set()
    for seed in range(200):
        p = t(image=FACES[0][0], rng=seed)["params"]
        spec = CAMERAS[p["camera"]]
        names.add(p["camera"])
        assert 0.4 <= p["coverage"] <= 0.9
        assert abs(p["offset"]) <= spec.accuracy[0]
        assert abs(p["gain"] - 1.0) <= spec.accuracy[1]
        assert 0.97 <= p["emissivity"][0] <= 0.98 and 0.95 <= p["emissivity"][1] <= 1.0
        assert abs(p["vignetting"]) <= spec.vignetting
        assert isinstance(p["seed"], int) and 0 <= p["seed"] < 2**63
    assert names == set(CAMERAS)


def test_reflected_temperature_is_the_scene_ambient():
    temps, labels = FACES[1]
    p = ThermalCamera("lepton")(image=temps, mask=labels, rng=0)["params"]
    assert p["reflected"] == scene_temperatures(temps, labels)[0]
    p = ThermalCamera("lepton")(image=temps, rng=0)["params"]
    assert p["reflected"] == scene_temperatures(temps)[0]


def test_camera_choices():
    image = FACES[0][0]
    assert ThermalCamera("tc001")(image=image, rng=0)["params"]["camera"] == "tc001"
    pair = ThermalCamera(["lepton", "boson320"])
    assert {pair(image=image, rng=s)["params"]["camera"] for s in range(20)} == {"lepton",
                                                                                "boson320"}
    mine = ideal(64, 48, netd=0.1)
    out = ThermalCamera(mine)(image=image, rng=0)
    assert out["params"]["camera"] is mine
    again = ThermalCamera(mine).replay(pickle.loads(pickle.dumps(out["params"])), image=image)
    np.testing.assert_array_equal(again["image"], out["image"])


def test_params_are_small_replay_exact_and_pickling_keeps_behaviour():
    temps, labels = FACES[2]
    t = ThermalCamera(p=0.8)
    for seed in range(6):
        out = t(image=temps, mask=labels, rng=seed)
        assert set(out["params"]) <= {"applied", "camera", "coverage", "offset", "gain",
                                      "emissivity", "vignetting", "seed", "reflected"}
        params = pickle.loads(pickle.dumps(out["params"]))
        again = t.replay(params, image=temps, mask=labels)
        np.testing.assert_array_equal(again["image"], out["image"])
        clone = pickle.loads(pickle.dumps(t))
        np.testing.assert_array_equal(clone(image=temps, mask=labels, rng=seed)["image"],
                                      out["image"])


def test_seeds_same_output_different_seeds_differ_and_generators_advance():
    image = FACES[0][0]
    t = ThermalCamera("lepton")
    a, b, c = (t(image=image, rng=s)["image"] for s in (4, 4, 5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    rng = np.random.default_rng(0)
    assert not np.array_equal(t(image=image, rng=rng)["image"], t(image=image, rng=rng)["image"])
    # The seed alone changes the noise and the fixed pattern.
    p = t(image=image, rng=4)["params"]
    other = t.replay({**p, "seed": p["seed"] + 1}, image=image)["image"]
    assert not np.array_equal(other, a)


def test_an_edited_param_is_replayed():
    image = FACES[0][0]
    t = ThermalCamera("lepton")
    out = t(image=image, rng=0)
    warmer = t.replay({**out["params"], "offset": out["params"]["offset"] + 3.0}, image=image)
    assert (warmer["image"] - out["image"]).mean() == pytest.approx(3.0, abs=0.02)


def test_skipped_transform_and_inputs_untouched():
    image, labels = FACES[0]
    before, mask_before = image.copy(), labels.copy()
    out = ThermalCamera(output="sensor", p=0.0)(image=image, mask=labels, rng=0)
    assert out["params"] == {"applied": False}
    np.testing.assert_array_equal(out["image"], image)
    assert out["image"] is not image
    ThermalCamera(output="sensor")(image=image, mask=labels, rng=0)
    np.testing.assert_array_equal(image, before)
    np.testing.assert_array_equal(labels, mask_before)


def test_float64_and_float32_frames_give_close_results():
    a = reimage(FACE, "boson320", 0.7, seed=3)["image"]
    b = reimage(FACE.astype(np.float64), "boson320", 0.7, seed=3)["image"]
    assert a.dtype == np.float32 and b.dtype == np.float64
    # The same noise (drawn in float32); rounding may put a value one step to either side.
    assert np.abs(a - b).max() <= 0.0101 and np.abs(a - b).mean() < 1e-3


def test_functional_reexport_and_repr():
    assert F.reimage is reimage
    t = ThermalCamera("lepton", coverage=0.5, netd=0.1)
    assert repr(t) == ("ThermalCamera(p=1.0, camera=('lepton',), coverage=(0.5, 0.5), "
                       "output='input', netd=0.1, emissivity=(0.97, 0.98), "
                       "emissivity_set=(0.95, 1.0))")


# ---------------------------------------------------------------- presets


def test_presets_cover_the_cameras_and_cite_their_sources():
    assert {"lepton", "flir_one_pro", "tc001", "boson320", "boson640", "a655sc",
            "cooled_mwir"} <= set(CAMERAS)
    lepton = CAMERAS["lepton"]
    assert (lepton.resolution, lepton.pitch, lepton.f_number, lepton.netd, lepton.accuracy[0],
            lepton.step) == ((160, 120), 12.0, 1.1, 0.05, 5.0, 0.01)
    tc001 = CAMERAS["tc001"]
    assert tc001.resolution == (256, 192) and tc001.step == 1 / 64
    assert tc001.accuracy == (2.0, 0.02)
    assert CAMERAS["boson320"].resolution == (320, 256)
    assert CAMERAS["boson640"].resolution == (640, 512)
    for name, spec in CAMERAS.items():
        assert spec.sources and any("assumption" in s for s in spec.sources), name
        assert spec.vignetting <= 0.6  # bracketed by FFI's 0.6 K
        # FPN assumptions relative to NETD: spatial below ~1.3 NETD in all.
        total = math.sqrt(spec.fpn_column**2 + spec.fpn_row**2 + spec.fpn_pixel**2)
        assert 0 < total <= 1.35 * spec.netd, name
    import tiaug.camera

    for name in CAMERAS:  # the docstring's table lists every preset
        assert f"\n{name} " in tiaug.camera.__doc__


def test_psf_sigma():
    assert CAMERAS["lepton"].psf_sigma == pytest.approx(0.42 * 10 * 1.1 / 12)
    assert CAMERAS["cooled_mwir"].psf_sigma == pytest.approx(0.42 * 4 * 2.5 / 15)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"camera": "lepton3"}, ValueError, r"camera must be one of 'lepton', .* or a CameraSpec, "
                                        r"got 'lepton3'"),
    ({"camera": 3}, TypeError, r"camera must be None, a name of tiaug.camera.CAMERAS, a "
                               r"CameraSpec or a sequence of them, got int"),
    ({"camera": []}, ValueError, r"camera must name at least one camera"),
    ({"camera": ["lepton", 1]}, TypeError, r"camera\[1\] must be a name of "
                                           r"tiaug.camera.CAMERAS or a CameraSpec, got int"),
    ({"coverage": 0.0}, ValueError, r"coverage\[0\] must be in \(0, 1\], got 0"),
    ({"coverage": (0.5, 1.5)}, ValueError, r"coverage\[1\] must be in \(0, 1\], got 1.5"),
    ({"coverage": (0.9, 0.5)}, ValueError, r"coverage must satisfy low <= high"),
    ({"output": "grid"}, ValueError, r"output must be one of 'input', 'sensor', got 'grid'"),
    ({"netd": -0.1}, ValueError, r"netd must be in \[0, 10000\], got -0.1"),
    ({"netd": "0.1"}, TypeError, r"netd must be a real number, got str"),
    ({"emissivity": (0.9, 1.1)}, ValueError, r"emissivity\[1\] must be in \(0, 1\], got 1.1"),
    ({"emissivity_set": 0.0}, ValueError, r"emissivity_set\[0\] must be in \(0, 1\], got 0"),
    ({"p": 2.0}, ValueError, r"p must be in \[0, 1\], got 2"),
])
def test_constructor_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        ThermalCamera(**kwargs)


@pytest.mark.parametrize(("args", "kwargs", "error", "match"), [
    (("boson",), {}, ValueError, r"camera must be one of 'lepton'"),
    ((None,), {}, TypeError, r"camera must be a name of tiaug.camera.CAMERAS or a CameraSpec, "
                             r"got NoneType"),
    (("lepton", 0.0), {}, ValueError, r"coverage must be in \(0, 1\], got 0"),
    (("lepton", 1.0, float("nan")), {}, ValueError, r"offset must be finite"),
    (("lepton", 1.0, 0.0, 0.0), {}, ValueError, r"gain must be in \(0, 10\], got 0"),
    (("lepton", 1.0, 0.0, 1.0, 0.98), {}, TypeError,
     r"emissivity must be a \(surface, setting\) pair of emissivities, got 0.98"),
    (("lepton", 1.0, 0.0, 1.0, (0.98, 0.0)), {}, ValueError,
     r"emissivity\[1\] must be in \(0, 1\], got 0"),
    (("lepton", 1.0, 0.0, 1.0, (0.98, 0.98), 2e4), {}, ValueError,
     r"vignetting must be in \[-10000, 10000\], got 20000"),
    (("lepton", 1.0, 0.0, 1.0, (0.98, 0.98), 0.0, -1), {}, ValueError,
     r"seed must be an int in \[0, 2\*\*63\), got -1"),
    (("lepton", 1.0, 0.0, 1.0, (0.98, 0.98), 0.0, 1.5), {}, TypeError,
     r"seed must be an int, got float"),
    (("lepton",), {"reflected": -300.0}, ValueError,
     r"reflected must be in \[-273.15, 10000\], got -300"),
    (("lepton",), {"netd": -1.0}, ValueError, r"netd must be in \[0, 10000\], got -1"),
    (("lepton",), {"output": "both"}, ValueError, r"output must be one of 'input', 'sensor'"),
])
def test_op_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        reimage(np.full((8, 8), 30.0), *args, **kwargs)


@pytest.mark.parametrize(("params", "error", "match"), [
    ({"camera": "nope"}, ValueError, r"params\['camera'\] must be one of 'lepton'"),
    ({"coverage": 1.5}, ValueError, r"params\['coverage'\] must be in \(0, 1\], got 1.5"),
    ({"offset": float("inf")}, ValueError, r"params\['offset'\] must be finite"),
    ({"gain": -1.0}, ValueError, r"params\['gain'\] must be in \(0, 10\], got -1"),
    ({"emissivity": 0.98}, TypeError, r"params\['emissivity'\] must be a \(surface, setting\)"),
    ({"vignetting": "x"}, TypeError, r"params\['vignetting'\] must be a real number, got str"),
    ({"seed": 2**63}, ValueError, r"params\['seed'\] must be an int in \[0, 2\*\*63\)"),
    ({"reflected": None}, TypeError, r"params\['reflected'\] must be a real number"),
])
def test_replay_checks_edited_params(params, error, match):
    image = np.full((8, 8), 30.0)
    t = ThermalCamera("lepton")
    good = t(image=image, rng=0)["params"]
    with pytest.raises(error, match=match):
        t.replay({**good, **params}, image=image)
    missing = {k: v for k, v in good.items() if k != "seed"}
    with pytest.raises(TypeError, match=r"params must hold 'seed'"):
        t.replay(missing, image=image)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"resolution": (160, 1)}, ValueError, r"resolution must hold sizes in \[2, 32768\]"),
    ({"resolution": (160.0, 120)}, TypeError, r"resolution must be a \(width, height\) pair"),
    ({"pitch": 0.0}, ValueError, r"pitch must be in \(0, 1000\], got 0"),
    ({"f_number": -1.0}, ValueError, r"f_number must be in \[0, 100\], got -1"),
    ({"netd": float("nan")}, ValueError, r"netd must be finite"),
    ({"accuracy": (2.0, 1.0)}, ValueError, r"accuracy\[1\] must be in \[0, 1\), got 1"),
    ({"accuracy": 2.0}, TypeError, r"accuracy must be a \(°C, fraction\) pair"),
    ({"fpn_gain": 0.9}, ValueError, r"fpn_gain must be in \[0, 0.5\], got 0.9"),
    ({"wavelength": 0.0}, ValueError, r"wavelength must be in \(0, 100\], got 0"),
    ({"sources": "a paper"}, TypeError, r"sources must be a tuple of str"),
    ({"name": 1}, TypeError, r"name must be a str, got int"),
])
def test_camera_spec_errors(kwargs, error, match):
    fields = {"name": "x", "resolution": (160, 120), "pitch": 12.0, "f_number": 1.0,
              "netd": 0.05, **kwargs}
    with pytest.raises(error, match=match):
        CameraSpec(**fields)

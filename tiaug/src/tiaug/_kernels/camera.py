"""Re-imaging a frame as another thermal camera (see :mod:`tiaug.camera`).

Separable resampling onto the sensor grid with weights that integrate the optics' Gaussian PSF
convolved with the detector pixel's box over each input pixel, the sensor effects per sensor pixel
(emissivity, fixed-pattern noise, vignetting, temporal noise, radiometric error, quantisation), and
bilinear interpolation back to the input's grid; majority votes of the labels over each sensor
pixel's footprint. Every loop is an explicit numba loop (no BLAS), so results do not depend on the
machine's linear-algebra library.

Both resampling passes are weighted sums of whole rows, which vectorise: the row pass writes its
result transposed (:func:`resample_rows_t`), so the column pass runs on rows too, and the sensor
grid stays transposed, ``(w, h)``, through the sensor effects (:func:`sense`) until the bilinear
interpolation writes it back (:func:`lerp_rows_t`, then :func:`lerp_rows`). On one AMD EPYC
thread the column pass of a 512x640 frame onto a 640x512 grid took several times less than
per-pixel gathers along the rows (0.2-0.3 against 1.4 ms).

Random fields come from the counter-based lowbias32 hash of :mod:`tiaug._kernels.noise`: the value
of stream ``s`` at counter ``i`` is ``h((i XOR b_s) + a_s)`` with per-call keys ``(a_s, b_s)``
derived from one integer seed, so replay is exact and no buffer of random numbers is drawn.
"""

import math

import numpy as np

from . import jit, select_max, select_min
from .noise import hash32

_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_S8 = np.uint32(8)
_S16 = np.uint32(16)
_LOW16 = np.uint32(0xFFFF)
_KELVIN = 273.15

# Indices into the float64 parameter vector of `sense`.
REFLECTED, CONTRAST, GAIN_FPN, PIXEL_FPN, COLUMN_FPN, ROW_FPN, VIGNETTING, NOISE_BOUND, \
    NOISE_LIMIT, OFFSET, GAIN, STEP, LOW, HIGH = range(14)


#: The table of :func:`psi_table`: ``x`` from ``-TABLE_RANGE`` to ``TABLE_RANGE`` in steps of
#: ``1 / TABLE_STEPS``.
TABLE_RANGE = 8.0
TABLE_STEPS = 128


def psi_table():
    """``(2, n + 1)`` float64: ``Psi(x) = x Phi(x) + phi(x)`` (the integral of the standard normal
    CDF ``Phi``) and its derivative ``Phi(x)`` at ``x = -8, -8 + 1/128, ..., 8``, the nodes of
    :func:`psi`'s cubic Hermite interpolation."""
    n = int(2 * TABLE_RANGE * TABLE_STEPS)
    table = np.empty((2, n + 1))
    for k in range(n + 1):
        x = -TABLE_RANGE + k / TABLE_STEPS
        cdf = 0.5 * math.erfc(-x / _SQRT2)
        table[0, k] = x * cdf + _INV_SQRT_2PI * math.exp(-0.5 * x * x)
        table[1, k] = cdf
    return table


@jit
def psi(t, sigma, table):
    """``integral from -inf to t of Phi(x / sigma) dx`` (Phi the standard normal CDF), which is
    ``sigma Psi(t / sigma)``: interpolated in `table` (:func:`psi_table`) by cubic Hermite
    polynomials, whose error is below 1e-11 sigma; 0 below ``-8 sigma`` and ``t`` above ``8 sigma``
    (both within 1e-14 sigma). For ``sigma = 0``, ``max(t, 0)``."""
    if sigma <= 0.0:
        return t if t > 0.0 else 0.0
    x = t / sigma
    if x <= -TABLE_RANGE:
        return 0.0
    if x >= TABLE_RANGE:
        return t
    y = (x + TABLE_RANGE) * TABLE_STEPS
    k = min(int(y), table.shape[1] - 2)
    u = y - k
    u2 = u * u
    u3 = u2 * u
    h = 1.0 / TABLE_STEPS
    value = ((2.0 * u3 - 3.0 * u2 + 1.0) * table[0, k] + (u3 - 2.0 * u2 + u) * h * table[1, k]
             + (3.0 * u2 - 2.0 * u3) * table[0, k + 1] + (u3 - u2) * h * table[1, k + 1])
    return sigma * value


@jit
def _reached(c, s, reach, n_in):
    """First and last input pixel within the frame that sensor pixel `c`, ``[c s, (c + 1) s)``,
    reaches with a PSF that reaches `reach` input pixels beyond it."""
    return (max(int(math.floor(c * s - reach)), 0),
            min(int(math.ceil((c + 1) * s + reach)) - 1, n_in - 1))


@jit
def footprint_weights(n_in, sigma, truncate, table, starts, weights):
    """Resampling weights of ``n_out = len(starts)`` sensor pixels spanning ``n_in`` input pixels.

    Sensor pixel ``c`` covers ``[a, b) = [c s, (c + 1) s)`` with ``s = n_in / n_out`` in input
    coordinates (input pixel ``j`` covers ``[j, j + 1)``); its response is the box ``[a, b)``
    convolved with a Gaussian of standard deviation `sigma` input pixels, ``Phi((x - a) / sigma) -
    Phi((x - b) / sigma)``, and input pixel ``j`` weighs its integral over ``[j, j + 1)`` (from
    :func:`psi` at the pixel edges, `table` from :func:`psi_table`). Pixels that reach into ``(a -
    r, b + r)``, ``r = truncate * sigma``, within the frame are kept, and the weights are
    normalised to sum to 1, so a uniform region keeps its temperature (the PSF is truncated and
    renormalised at the frame's edges). ``weights[c, k]`` belongs to input pixel ``starts[c] +
    k``; `weights` (float64, ``(n_out, taps)``) must have ``taps >= ceil(s + 2 r) + 2`` columns
    (or ``n_in``). Returns `weights`.
    """
    n_out, taps = weights.shape
    s = n_in / n_out
    reach = truncate * sigma
    # Sensor pixel c's weight of input pixel j is D_c(j) - D_{c+1}(j), with D_m(j) the integral
    # of Phi((x - e_m) / sigma) over [j, j + 1) at the boundary e_m = m s between two sensor
    # pixels: each boundary's values serve both of its pixels, on the input pixels either reaches
    # (fewer than 2 s + 2 reach + 2 of them; one more for rounding).
    edge = np.empty((n_out + 1, int(math.ceil(2.0 * s + 2.0 * reach)) + 3))
    base = np.empty(n_out + 1, np.int64)
    for m in range(n_out + 1):
        e = m * s
        lo = _reached(max(m - 1, 0), s, reach, n_in)[0]
        base[m] = lo
        prev = psi(lo - e, sigma, table)
        for j in range(lo, _reached(min(m, n_out - 1), s, reach, n_in)[1] + 1):
            nxt = psi(j + 1.0 - e, sigma, table)
            edge[m, j - lo] = nxt - prev
            prev = nxt
    for c in range(n_out):
        j0, j1 = _reached(c, s, reach, n_in)
        start = min(j0, n_in - taps)
        starts[c] = start
        for k in range(taps):
            weights[c, k] = 0.0
        total = 0.0
        for j in range(j0, j1 + 1):
            # >= 0 exactly (Psi is convex); rounding may dip below
            w = max(edge[c, j - base[c]] - edge[c + 1, j - base[c + 1]], 0.0)
            weights[c, j - start] = w
            total += w
        for k in range(taps):
            weights[c, k] /= total
    return weights


@jit
def _weighted_row(image, base, weights, out):
    """``out = sum_k weights[k] * image[base + k]``, vectorised along the row, four taps per pass
    (``(w0 x0 + w1 x1) + (w2 x2 + w3 x3)`` added to `out`), then one at a time."""
    n = weights.size
    k = 0
    first = True
    while k + 4 <= n:
        w0, w1, w2, w3 = weights[k], weights[k + 1], weights[k + 2], weights[k + 3]
        s0, s1 = image[base + k], image[base + k + 1]
        s2, s3 = image[base + k + 2], image[base + k + 3]
        if first:
            for j in range(out.size):
                out[j] = (w0 * s0[j] + w1 * s1[j]) + (w2 * s2[j] + w3 * s3[j])
        else:
            for j in range(out.size):
                out[j] += (w0 * s0[j] + w1 * s1[j]) + (w2 * s2[j] + w3 * s3[j])
        first = False
        k += 4
    while k < n:
        wk = weights[k]
        src = image[base + k]
        if first:
            for j in range(out.size):
                out[j] = wk * src[j]
        else:
            for j in range(out.size):
                out[j] += wk * src[j]
        first = False
        k += 1


@jit
def _put8(buf, o, stride, offset):
    """``o[j * stride + offset + q] = buf[q, j]`` for the eight rows ``q`` of `buf`: eight rows
    written transposed, eight contiguous values per output row."""
    b0, b1, b2, b3 = buf[0], buf[1], buf[2], buf[3]
    b4, b5, b6, b7 = buf[4], buf[5], buf[6], buf[7]
    for j in range(buf.shape[1]):
        d = o[j * stride + offset:j * stride + offset + 8]
        d[0] = b0[j]
        d[1] = b1[j]
        d[2] = b2[j]
        d[3] = b3[j]
        d[4] = b4[j]
        d[5] = b5[j]
        d[6] = b6[j]
        d[7] = b7[j]


@jit
def _put_rows(buf, o, stride, offset, m):
    """``o[j * stride + offset + q] = buf[q, j]`` for the first `m` (at most 8) rows of `buf`."""
    if m == 8:
        _put8(buf, o, stride, offset)
        return
    for q in range(m):
        row = buf[q]
        for j in range(row.size):
            o[j * stride + offset + q] = row[j]


@jit
def resample_rows(image, starts, weights, out):
    """``out[r] = sum_k weights[r, k] * image[starts[r] + k]``: a pass onto the sensor grid along
    axis 0, each output row a weighted sum of whole input rows (:func:`_weighted_row`), with the
    weights cast to the image's dtype. Returns `out`."""
    wt = weights.astype(image.dtype)
    for r in range(weights.shape[0]):
        _weighted_row(image, starts[r], wt[r], out[r])
    return out


@jit
def resample_rows_t(image, starts, weights, out):
    """:func:`resample_rows` written transposed: ``out[:, r]`` (``out`` is ``(W, h)``) is sensor
    row ``r``, computed eight rows at a time and stored eight contiguous values per output row
    (the transpose costs no pass of its own). Returns `out`."""
    h = weights.shape[0]
    wt = weights.astype(image.dtype)
    buf = np.empty((8, image.shape[1]), image.dtype)
    o = out.ravel()
    for r0 in range(0, h, 8):
        n = min(8, h - r0)
        for q in range(n):
            _weighted_row(image, starts[r0 + q], wt[r0 + q], buf[q])
        _put_rows(buf, o, h, r0, n)
    return out


@jit
def transpose(a, out):
    """``out = a.T`` for C-contiguous 2-D `a` and `out`: eight rows of `a` at a time, eight
    contiguous values per output row (4x faster than numpy's strided copy). Returns `out`."""
    h, w = a.shape
    o = out.ravel()
    i0 = 0
    while i0 + 8 <= h:
        _put8(a[i0:i0 + 8], o, h, i0)
        i0 += 8
    for i in range(i0, h):
        row = a[i]
        for j in range(w):
            o[j * h + i] = row[j]
    return out


@jit
def uniform_line(n, a, b, amplitude, out):
    """``out[i] = u(i) * 2 amplitude - amplitude``, ``u`` from the 24 high bits of ``h((i XOR b)
    + a)`` over 2**24: one fixed-pattern offset per column or row. Returns `out`."""
    t = out.dtype.type
    step = t(amplitude * 2.0 ** -23)
    amp = t(amplitude)
    for i in range(n):
        u = t(np.int32(hash32(np.uint32((np.uint32(i) ^ b) + a)) >> _S8))
        out[i] = u * step - amp
    return out


@jit
def centred_squares(scale, norm, out):
    """``out[i] = ((i + 0.5 - n / 2) scale)**2 / norm`` for ``n = len(out)`` pixels: each one's
    squared distance from the middle of the row, in units of `scale`, over `norm`. Returns
    `out`."""
    middle = 0.5 * out.size
    for i in range(out.size):
        d = (i + 0.5 - middle) * scale
        out[i] = d * d / norm
    return out


@jit
def sense(grid, xr2, yr2, keys, p, out):
    """Every sensor effect on the sensor-grid frame, stored transposed: ``grid[c, r]`` is sensor
    pixel ``(r, c)`` (``(w, h)``); writes `out` in the same layout.

    `xr2[c]` and `yr2[r]` are the squared distance of each sensor column and row from the
    sensor's centre over its squared half-diagonal; `keys` (uint32) the stream keys ``a, b`` of
    the temporal noise, the pixel FPN (offset and gain), the column and the row offsets; `p` the
    float64 parameters indexed by this module's constants. Per sensor pixel, with ``T`` its
    value, ``R`` the reflected temperature and ``i = r w + c`` its counter::

        T += (contrast - 1) (T - R)                          emissivity setting
        T += g_i (T - R) + col_c + row_r + pix_i + vig rho2  FPN and vignetting
        T += n_i, |n_i| <= noise limit                       temporal noise (where rounding
                                                             overshoots a finite limit, stepped
                                                             back one ulp at a time, as
                                                             tiaug.noise)
        T += offset + (gain - 1) (T - R)                     radiometric error
        T = T0 + round((T - T0) / step) step                 quantisation (step > 0), T0 =
                                                             round((R + 273.15) / step) step
                                                             - 273.15
        T = clip(T, low, high)

    ``g_i`` and ``pix_i`` come from the low and high 16 bits of one hash of the pixel FPN stream,
    ``n_i`` (float32) from the 24 high bits of one hash of the noise stream, ``col_c`` and
    ``row_r`` from :func:`uniform_line`; each is uniform on ``[-amplitude, amplitude)``. Sums are
    computed in `out`'s dtype (the frame's). Returns `out`.
    """
    w, h = grid.shape
    t = out.dtype.type
    column = uniform_line(w, keys[4], keys[5], p[COLUMN_FPN], np.empty(w, out.dtype))
    row = uniform_line(h, keys[6], keys[7], p[ROW_FPN], np.empty(h, out.dtype))
    vals = np.empty(h, out.dtype)
    noisy = np.empty(h, out.dtype)
    refl = t(p[REFLECTED])
    contrast = t(p[CONTRAST] - 1.0)
    gain_amp = t(p[GAIN_FPN])
    gain_step = t(p[GAIN_FPN] * 2.0 ** -15)
    pix_amp = t(p[PIXEL_FPN])
    pix_step = t(p[PIXEL_FPN] * 2.0 ** -15)
    vig = t(p[VIGNETTING])
    bound = np.float32(p[NOISE_BOUND])
    noise_step = np.float32(p[NOISE_BOUND] * 2.0 ** -23)
    limit = p[NOISE_LIMIT]
    offset = t(p[OFFSET])
    gain = t(p[GAIN] - 1.0)
    step = p[STEP]
    # Quantised relative to the grid point nearest the reflected temperature, in the frame's
    # dtype: differences from it are small, so float32 keeps the grid as well as float64 would.
    q = t(step)
    inv_step = t(1.0 / step if step > 0.0 else 0.0)
    grid0 = t(math.floor((p[REFLECTED] + _KELVIN) / step + 0.5) * step - _KELVIN
              if step > 0.0 else 0.0)
    half = t(0.5)
    low = t(p[LOW])
    high = t(p[HIGH])
    na, nb, fa, fb = keys[0], keys[1], keys[2], keys[3]
    vy = np.empty(h, out.dtype)
    for r in range(h):
        vy[r] = row[r] + vig * t(yr2[r])
    stride = np.uint32(w)
    for c in range(w):
        src = grid[c]
        cc = np.uint32(c)
        co = column[c] + vig * t(xr2[c])
        for r in range(h):
            i = np.uint32(cc + np.uint32(r) * stride)
            hp = hash32(np.uint32((i ^ fb) + fa))
            g = t(np.int32(hp & _LOW16)) * gain_step - gain_amp
            pix = t(np.int32(hp >> _S16)) * pix_step - pix_amp
            v = src[r]
            v = v + contrast * (v - refl)
            v = v + g * (v - refl) + ((co + vy[r]) + pix)
            vals[r] = v
            u = np.float32(np.int32(hash32(np.uint32((i ^ nb) + na)) >> _S8))
            noisy[r] = v + (u * noise_step - bound)
        # The bound check in a pass of its own, as in tiaug._kernels.noise: fused, the float64
        # comparison keeps the loop above from vectorising. Only for a finite limit (an explicit
        # netd): a third of the kernel's time on a full-size grid.
        outside = 0
        if limit < math.inf:
            for r in range(h):
                outside += abs(np.float64(noisy[r]) - np.float64(vals[r])) > limit
        if outside:
            for r in range(h):
                while abs(np.float64(noisy[r]) - np.float64(vals[r])) > limit:
                    noisy[r] = np.nextafter(noisy[r], vals[r])
        o = out[c]
        if step > 0.0:
            for r in range(h):
                v = noisy[r]
                v = v + offset + gain * (v - refl)
                k = np.floor((v - grid0) * inv_step + half)
                o[r] = select_max(select_min(grid0 + k * q, high), low)
        else:
            for r in range(h):
                v = noisy[r]
                o[r] = select_max(select_min(v + offset + gain * (v - refl), high), low)
    return out


@jit
def bilinear_taps(n_in, i0, i1, f):
    """The two samples ``i0[x]``, ``i1[x]`` and the fraction ``f[x]`` of each of ``n_out =
    len(f)`` pixels interpolated from `n_in` samples, pixel centres aligned: pixel ``x`` samples
    ``u = (x + 0.5) n_in / n_out - 0.5`` clamped to ``[0, n_in - 1]``, ``i0 = floor(u)``, ``i1 =
    min(i0 + 1, n_in - 1)`` and ``f = u - i0`` (computed in float64, stored in `f`'s dtype).
    Returns ``(i0, i1, f)``."""
    t = f.dtype.type
    scale = n_in / f.size
    top = n_in - 1
    for x in range(f.size):
        u = min(max((x + 0.5) * scale - 0.5, 0.0), np.float64(top))
        k = int(math.floor(u))
        i0[x] = k
        i1[x] = min(k + 1, top)
        f[x] = t(u - k)
    return i0, i1, f


@jit
def _lerp_row(a, b, f, out):
    for x in range(out.size):
        out[x] = a[x] + f * (b[x] - a[x])


@jit
def lerp_rows(src, i0, i1, f, out):
    """``out[y] = src[i0[y]] + f[y] (src[i1[y]] - src[i0[y]])``, whole rows (vectorised): linear
    interpolation between rows; a fraction of 0 copies the row exactly. Returns `out`."""
    for y in range(out.shape[0]):
        _lerp_row(src[i0[y]], src[i1[y]], f[y], out[y])
    return out


@jit
def lerp_rows_t(src, i0, i1, f, out):
    """:func:`lerp_rows` written transposed: ``out[:, y]`` (``out`` is ``(src.shape[1], n)``,
    ``n = len(f)``) is the interpolated row ``y``, eight at a time. Returns `out`."""
    n = f.size
    buf = np.empty((8, src.shape[1]), src.dtype)
    o = out.ravel()
    for y0 in range(0, n, 8):
        m = min(8, n - y0)
        for q in range(m):
            y = y0 + q
            _lerp_row(src[i0[y]], src[i1[y]], f[y], buf[q])
        _put_rows(buf, o, n, y0, m)
    return out


@jit
def vote(mask, occluded, row_edges, col_edges, out_mask, out_occluded):
    """Labels and occlusion of each sensor pixel by majority over its footprint.

    Sensor pixel ``(r, c)`` owns the input pixels of rows ``row_edges[r]:row_edges[r + 1]`` and
    columns ``col_edges[c]:col_edges[c + 1]`` (uint8 `occluded`, 0 or 1). It is occluded when more
    than half of them are; its label is the most frequent label among its occluded pixels if it is
    occluded, else among the others (ties: the smallest label). `mask` may have no pixels (shape
    ``(0, 0)``): then only `out_occluded` is written. Returns ``(out_mask, out_occluded)``.
    """
    h = row_edges.size - 1
    w = col_edges.size - 1
    labelled = mask.shape[0] > 0
    most = 0
    for r in range(h):
        for c in range(w):
            most = max(most, (row_edges[r + 1] - row_edges[r]) * (col_edges[c + 1] - col_edges[c]))
    buf = np.empty(most, mask.dtype)
    for r in range(h):
        for c in range(w):
            n = 0
            hit = 0
            for i in range(row_edges[r], row_edges[r + 1]):
                for j in range(col_edges[c], col_edges[c + 1]):
                    n += 1
                    hit += occluded[i, j]
            covered = 2 * hit > n
            out_occluded[r, c] = covered
            if not labelled:
                continue
            m = 0
            same = True
            for i in range(row_edges[r], row_edges[r + 1]):
                for j in range(col_edges[c], col_edges[c + 1]):
                    if (occluded[i, j] != 0) == covered:
                        buf[m] = mask[i, j]
                        same = same and buf[m] == buf[0]
                        m += 1
            if same:
                out_mask[r, c] = buf[0]
                continue
            values = np.sort(buf[:m])
            best = values[0]
            best_n = 0
            run = 0
            for k in range(m):
                run = run + 1 if k > 0 and values[k] == values[k - 1] else 1
                if run > best_n:  # strictly more: the smallest label wins a tie
                    best_n = run
                    best = values[k]
            out_mask[r, c] = best
    return out_mask, out_occluded

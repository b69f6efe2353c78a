"""Another thermal camera: a frame re-imaged by a Lepton, a phone attachment, a USB camera, ...

Datasets are recorded with one camera and models deployed on others. Uncooled cameras differ in
resolution and optics, in the fixed-pattern noise (FPN) left after non-uniformity correction, in
vignetting, absolute accuracy, quantisation and temporal noise (NETD). :func:`reimage` renders a
°C frame as a given camera (:class:`CameraSpec`) would see it, with every random value explicit;
:class:`ThermalCamera` draws the camera and those values per frame. The effects, in order:

1. **Emissivity setting.** Skin has ε 0.97-0.98; a camera set to ``ε_set`` reads ``T_refl +
   (ε/ε_set) (T - T_refl)``, a contrast scaling about the reflected temperature ``T_refl`` (the
   scene's ambient, :func:`tiaug.scene.scene_temperatures`).
2. **Optics and detector.** The diffraction PSF, a Gaussian of ``σ = 0.42 λ F#`` (λ = 10 µm for
   LWIR) in units of the pixel pitch, convolved with the detector pixel's box footprint and
   integrated over each input pixel (area-weighted), onto the *effective sensor grid*: the frame
   spans ``coverage`` of the sensor's width (a face crop fills part of the field of view), so
   ``round(coverage * sensor_width)`` sensor columns, never more than the input has. The weights
   of every sensor pixel sum to 1: a uniform region keeps its temperature.
3. **Fixed-pattern noise and vignetting** on the sensor grid: an offset per column, per row and
   per pixel and a gain residual per pixel (scaling ``T - T_refl``), and a smooth radial offset,
   ``vignetting * rho**2`` with ``rho`` the distance from the sensor's centre over its
   half-diagonal (the frame sits in the centre of the sensor).
4. **Temporal noise**, uniform with standard deviation NETD (or bounded by an explicit ``netd``,
   exactly, as :class:`tiaug.NETDNoise` does).
5. **Radiometric error**: ``T + offset + (gain - 1) (T - T_refl)``, offset and gain within the
   camera's absolute accuracy.
6. **Quantisation** to the camera's radiometric step (in kelvin: 0.01 K for TLinear output,
   1/64 K for the 256x192 USB cameras), and clipping to [-273.15, 10000] °C.
7. **Back to the input's grid** by bilinear interpolation (labels and ``occluded`` unchanged, so
   they stay aligned), or, with ``output="sensor"``, the sensor-grid frame with labels and
   ``occluded`` by majority over each sensor pixel's footprint.

Emissivity and resampling are both linear, so the emissivity scaling is applied on the sensor
grid (the same result, at a fraction of the cost).

Presets (:data:`CAMERAS`). "assumed" marks values without a source; the residual FPN after
non-uniformity correction and the centre-to-corner shading were not found for any named camera
and are assumptions throughout: column and row offsets about 0.5 NETD and pixel offsets 0.3 NETD
for the good cores (spatial noise below the temporal noise after a NUC, as Gross et al.'s
correctability < 1 describes), larger for the cheapest; vignetting bracketed by the up to 0.6 K
large-scale non-uniformity FFI measured after calibration (Thomassen & van Rheenen, SPIE 2020).

==============  =========  =====  ====  =========  ==============  ======  ==================  =====
name            sensor     pitch  F#    NETD (°C)  accuracy        step    FPN col/row/pix     vign.
                                                   (°C, fraction)  (K)     (°C), gain          (°C)
==============  =========  =====  ====  =========  ==============  ======  ==================  =====
lepton          160x120    12     1.1   0.050      5, 0.05 [d]     0.01    .025/.025/.015,     0.6
                                                                           0.5 %
flir_one_pro    160x120    12     1.1   0.070      3, 0.05 [b]     0.01    .07/.05/.035, 1 %   0.6
                [a]        [a]    [a]   [a]                        [a]
tc001           256x192    12     1.0   0.100 [c]  2, 0.02         1/64    .10/.07/.05, 1 %    0.6
                           [a]    [a]
boson320        320x256    12     1.0   0.040      5, 0.05 [a]     0.01    .02/.02/.012,       0.4
                                                                   [a]     0.3 %
boson640        640x512    12     1.0   0.040      5, 0.05 [a]     0.01    .02/.02/.012,       0.4
                                                                   [a]     0.3 %
a655sc          640x480    17     1.0   0.030 [a]  2, 0.02         0.01    .015/.015/.009,     0.3
                                  [a]                                      0.3 %
cooled_mwir     640x512    15     2.5   0.020      1, 0.01 [a]     0.01    .006/.006/.01,      0.2
                [a]        [a]    [a]                                      0.2 %
==============  =========  =====  ====  =========  ==============  ======  ==================  =====

[a] assumed. [b] ±3 °C from the FLIR One Pro's measured bias (-1.4 °C) and ~6 °C-wide limits of
agreement (Ramesh et al., Sensors 2026) and "usually ±3 °C" for low-cost cameras (Oz et al.,
arXiv 2307.12130); 5 % assumed. [c] the vendor's "differences as small as 0.1 °C" (a third-party
README); a datasheet NETD was not found. [d] ±5 °C in high gain from the datasheet, 5 % assumed.
FPN and vignetting are assumed throughout (see above). The ``cooled_mwir`` preset is a cooled
InSb science camera (FLIR X6900sc / A6751sc class) at λ = 4 µm. Every preset's ``sources``
(:class:`CameraSpec`) lists the sources of its values.
"""

import math
import numbers
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ._base import Transform, drawn_value, result
from ._validation import (
    ABSOLUTE_ZERO,
    MAX_DIFFERENCE,
    MAX_SIDE,
    MAX_TEMPERATURE,
    check_choice,
    check_image,
    check_mask,
    check_number,
    check_occluded,
    check_range,
    check_temperature,
)
from .noise import _SEED_HIGH, _check_seed

__all__ = ["CAMERAS", "CameraSpec", "ThermalCamera", "reimage"]

#: What :func:`reimage` returns: the frame on the input's grid or on the sensor's.
OUTPUTS = ("input", "sensor")
# The diffraction PSF as a Gaussian: sigma = 0.42 lambda F# (the Airy disc's best Gaussian fit).
_PSF_SIGMA = 0.42
# The PSF is truncated this many sigmas beyond the detector's footprint (then renormalised).
_TRUNCATE = 4.0
_SQRT3 = math.sqrt(3.0)
_M32 = 0xFFFFFFFF
_GOLDEN32 = 0x9E3779B9
# Largest gain error a replay accepts (a factor in (0, _MAX_GAIN]).
_MAX_GAIN = 10.0


@dataclass(frozen=True)
class CameraSpec:
    """What :func:`reimage` needs to know about a thermal camera.

    Parameters
    ----------
    name : str
        What the camera is, for titles and reprs.
    resolution : (int, int)
        Sensor ``(width, height)`` in pixels, each in [2, 32768].
    pitch : float
        Pixel pitch in µm, in (0, 1000].
    f_number : float
        The lens's f-number, in [0, 100]; 0 leaves out the diffraction PSF (the detector's box
        footprint alone).
    netd : float
        Noise-equivalent temperature difference in °C, the standard deviation of the temporal
        noise, in [0, 10000].
    accuracy : (float, float), optional
        Absolute accuracy as on datasheets, "± °C or ± fraction of the reading": offsets are
        drawn within the first, gain errors within the second (in [0, 1)).
    step : float, optional
        Radiometric quantisation step in K (0.01 for TLinear output); 0 for none.
    fpn_column, fpn_row, fpn_pixel : float, optional
        Standard deviations in °C of the residual fixed-pattern offsets per column, per row and
        per pixel.
    fpn_gain : float, optional
        Standard deviation of the residual pixel gain (a fraction of ``T - T_refl``), in
        [0, 0.5].
    vignetting : float, optional
        Largest centre-to-corner shading in °C (drawn in ``[-vignetting, vignetting]``).
    wavelength : float, optional
        Wavelength of the PSF in µm, in (0, 100]: 10 for LWIR, about 4 for MWIR.
    sources : tuple of str, optional
        Where the values come from; "assumption" for those without a source.

    Raises
    ------
    TypeError
        If a field has the wrong type.
    ValueError
        If a field is outside its range.

    Examples
    --------
    >>> from tiaug.camera import CAMERAS, CameraSpec
    >>> CAMERAS["lepton"].resolution, CAMERAS["lepton"].netd
    ((160, 120), 0.05)
    >>> mine = CameraSpec("my core", (384, 288), pitch=17.0, f_number=1.0, netd=0.05)
    >>> mine.step, mine.fpn_column
    (0.0, 0.0)
    """

    name: str
    resolution: tuple
    pitch: float
    f_number: float
    netd: float
    accuracy: tuple = (0.0, 0.0)
    step: float = 0.0
    fpn_column: float = 0.0
    fpn_row: float = 0.0
    fpn_pixel: float = 0.0
    fpn_gain: float = 0.0
    vignetting: float = 0.0
    wavelength: float = 10.0
    sources: tuple = ()

    def __post_init__(self):
        def put(field, value):
            object.__setattr__(self, field, value)

        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {type(self.name).__name__}")
        res = self.resolution
        if (not isinstance(res, (tuple, list)) or len(res) != 2
                or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                           for v in res)):
            raise TypeError(f"resolution must be a (width, height) pair of ints, got {res!r:.80}")
        if not all(2 <= v <= MAX_SIDE for v in res):
            raise ValueError(f"resolution must hold sizes in [2, {MAX_SIDE}], got {tuple(res)}")
        put("resolution", (int(res[0]), int(res[1])))
        put("pitch", check_number(self.pitch, "pitch", low=0.0, high=1000.0,
                                  low_inclusive=False))
        put("f_number", check_number(self.f_number, "f_number", low=0.0, high=100.0))
        put("wavelength", check_number(self.wavelength, "wavelength", low=0.0, high=100.0,
                                       low_inclusive=False))
        for field in ("netd", "step", "fpn_column", "fpn_row", "fpn_pixel", "vignetting"):
            put(field, check_number(getattr(self, field), field, low=0.0, high=MAX_DIFFERENCE))
        put("fpn_gain", check_number(self.fpn_gain, "fpn_gain", low=0.0, high=0.5))
        acc = self.accuracy
        if not isinstance(acc, (tuple, list)) or len(acc) != 2:
            raise TypeError(f"accuracy must be a (°C, fraction) pair, got {acc!r:.80}")
        put("accuracy", (check_number(acc[0], "accuracy[0]", low=0.0, high=MAX_DIFFERENCE),
                         check_number(acc[1], "accuracy[1]", low=0.0, high=1.0,
                                      high_inclusive=False)))
        src = self.sources
        if isinstance(src, str) or not isinstance(src, (tuple, list)) or not all(
                isinstance(s, str) for s in src):
            raise TypeError(f"sources must be a tuple of str, got {src!r:.80}")
        put("sources", tuple(src))

    @property
    def psf_sigma(self):
        """Standard deviation of the diffraction PSF in pixels: ``0.42 λ F# / pitch``."""
        return _PSF_SIGMA * self.wavelength * self.f_number / self.pitch


# Residual FPN after NUC, as fractions of NETD (assumed; see the module docstring).
def _fpn(netd, column, row, pixel, gain):
    return {"fpn_column": round(column * netd, 6), "fpn_row": round(row * netd, 6),
            "fpn_pixel": round(pixel * netd, 6), "fpn_gain": gain}


_GOOD = (0.5, 0.5, 0.3)
_CHEAP = (1.0, 0.7, 0.5)
_FPN_NOTE = ("assumption: residual FPN after NUC not found for named cores; set relative to NETD "
             "(column/row/pixel {0}/{1}/{2} x NETD)")
_VIGNETTING_NOTE = ("assumption: centre-to-corner shading not found; bracketed by FFI's <= 0.6 K "
                    "large-scale non-uniformity after calibration (Thomassen & van Rheenen, SPIE "
                    "2020)")
_LEPTON_DS = "FLIR Lepton Engineering Datasheet 500-0659-00-09 Rev 203/204"

#: The presets, by name: see the module docstring for the table of values and sources.
CAMERAS = {
    "lepton": CameraSpec(
        "FLIR Lepton 3.5 (radiometric, high gain)", (160, 120), pitch=12.0, f_number=1.1,
        netd=0.05, accuracy=(5.0, 0.05), step=0.01, **_fpn(0.05, *_GOOD, 0.005), vignetting=0.6,
        sources=(f"{_LEPTON_DS}: 160x120, 12 um, f/1.1, NETD < 50 mK, +-5 C high gain, TLinear "
                 "0.01 K", "assumption: the 5 % gain error", _FPN_NOTE.format(*_GOOD),
                 _VIGNETTING_NOTE)),
    "flir_one_pro": CameraSpec(
        "FLIR One Pro (phone attachment)", (160, 120), pitch=12.0, f_number=1.1, netd=0.07,
        accuracy=(3.0, 0.05), step=0.01, **_fpn(0.07, *_CHEAP, 0.01), vignetting=0.6,
        sources=("assumption: 160x120 Lepton-class core (a shop listing of the Pro LT); pitch, "
                 "f-number, NETD and quantisation not found",
                 "Ramesh et al., Sensors 2026;26(4):1295: bias -1.42 C, 95 % limits of agreement "
                 "about 6 C wide; Oz et al., arXiv 2307.12130: low-cost cameras usually +-3 C",
                 "assumption: the 5 % gain error", _FPN_NOTE.format(*_CHEAP), _VIGNETTING_NOTE)),
    "tc001": CameraSpec(
        "TOPDON TC001 / InfiRay P2 Pro (USB)", (256, 192), pitch=12.0, f_number=1.0, netd=0.1,
        accuracy=(2.0, 0.02), step=1 / 64, **_fpn(0.1, *_CHEAP, 0.01), vignetting=0.6,
        sources=("leswright1977/PyThermalCamera and LeoDJ/P2Pro-Viewer: 256x192, T = raw/64 - "
                 "273.15 (1/64 K steps)",
                 "P2 Pro spec table (third-party, samer-buraei/Project-swarm): +-2 C or +-2 %",
                 "vendor claim 'differences as small as 0.1 C' (third-party README) as NETD",
                 "assumption: 12 um pitch, f/1.0", _FPN_NOTE.format(*_CHEAP), _VIGNETTING_NOTE)),
    "boson320": CameraSpec(
        "FLIR Boson 320", (320, 256), pitch=12.0, f_number=1.0, netd=0.04, accuracy=(5.0, 0.05),
        step=0.01, **_fpn(0.04, *_GOOD, 0.003), vignetting=0.4,
        sources=("FLIR Boson datasheet 102-2013-40 Rel 340 (2021): 320x256, NETD as low as "
                 "< 40 mK at f/1.0", "12 um pitch: third-party table (vikas-rajpoot/Ego-Motion)",
                 "assumption: accuracy (not found; Lepton's figure) and 0.01 K output",
                 _FPN_NOTE.format(*_GOOD), _VIGNETTING_NOTE)),
    "boson640": CameraSpec(
        "FLIR Boson 640", (640, 512), pitch=12.0, f_number=1.0, netd=0.04, accuracy=(5.0, 0.05),
        step=0.01, **_fpn(0.04, *_GOOD, 0.003), vignetting=0.4,
        sources=("FLIR Boson datasheet 102-2013-40 Rel 340 (2021): 640x512, NETD as low as "
                 "< 40 mK at f/1.0", "12 um pitch: third-party table (vikas-rajpoot/Ego-Motion)",
                 "assumption: accuracy (not found; Lepton's figure) and 0.01 K output",
                 _FPN_NOTE.format(*_GOOD), _VIGNETTING_NOTE)),
    "a655sc": CameraSpec(
        "FLIR A655sc", (640, 480), pitch=17.0, f_number=1.0, netd=0.03, accuracy=(2.0, 0.02),
        step=0.01, **_fpn(0.03, *_GOOD, 0.003), vignetting=0.3,
        sources=("FLIR SC655 datasheet (terraref/reference-data): 640x480, 17 um",
                 "thermalvisiondirect.co.uk: FLIR thermography cameras +-2 C or +-2 %",
                 "NI forum: A655sc IRFormat 0.01 K", "assumption: NETD 30 mK and f/1.0 (not "
                 "found)", _FPN_NOTE.format(*_GOOD), _VIGNETTING_NOTE)),
    "cooled_mwir": CameraSpec(
        "Cooled MWIR science camera (InSb, FLIR X6900sc / A6751sc class)", (640, 512),
        pitch=15.0, f_number=2.5, netd=0.02, accuracy=(1.0, 0.01), step=0.01,
        fpn_column=0.006, fpn_row=0.006, fpn_pixel=0.01, fpn_gain=0.002, vignetting=0.2,
        wavelength=4.0,
        sources=("holo3.com: MWIR (2-5 um) thermography camera, 20 mK resolution",
                 "pyFlir (PyPI) on the FLIR A6751sc: TemperatureLinear10mK output (0.01 K)",
                 "assumption: 640x512, 15 um, f/2.5 cold stop, lambda 4 um; accuracy +-1 C or "
                 "1 % (FLIR SC660's figure, the best found)",
                 "assumption: FPN column/row/pixel 0.3/0.3/0.5 x NETD, gain 0.2 %",
                 "assumption: narcissus (mainly in cooled systems: Howard & Abel, Appl Opt 1982), "
                 "0.2 C")),
}


# ---------------------------------------------------------------- the op
def reimage(image, camera="lepton", coverage=1.0, offset=0.0, gain=1.0, emissivity=(0.98, 0.98),
            vignetting=0.0, seed=0, *, reflected=None, netd=None, output="input", mask=None,
            occluded=None):
    """Re-image a frame as `camera` would: optics, sensor grid, FPN, noise, error, quantisation.

    Parameters
    ----------
    image : ndarray of float32 or float64, shape (H, W)
        Temperatures in °C.
    camera : str or CameraSpec, optional
        A name of :data:`CAMERAS` or a :class:`CameraSpec`.
    coverage : float, optional
        Fraction of the sensor's width the frame spans, in (0, 1]: the sensor grid across the
        frame has ``round(coverage * width)`` columns (at least 2, at most the input's ``W``)
        and as many rows as keep the frame's aspect ratio.
    offset : float, optional
        Radiometric offset error in °C, in [-10000, 10000].
    gain : float, optional
        Radiometric gain (1: none), in (0, 10]: a reading ``T`` becomes ``T + (gain - 1) (T -
        T_refl)``.
    emissivity : (float, float), optional
        The surface's emissivity and the camera's setting, each in (0, 1]; equal: no error.
    vignetting : float, optional
        Shading in °C at the sensor's corners relative to its centre, in [-10000, 10000].
    seed : int, optional
        Seed of the fixed-pattern and temporal noise fields, in [0, 2**63).
    reflected : float, optional
        The reflected (ambient) temperature in °C about which emissivity and gain errors scale;
        None estimates it as the ambient of :func:`tiaug.scene.scene_temperatures` (`image`,
        `mask`).
    netd : float, optional
        None: temporal noise uniform with standard deviation ``camera.netd``. A number in [0,
        10000]: noise uniform in ``[-netd, netd]``, so that no pixel changes by more than `netd`
        through it (exact in float64, as :func:`tiaug.functional.add_noise`).
    output : {"input", "sensor"}, optional
        ``"input"``: the frame interpolated back to the input's grid (bilinear), labels and
        ``occluded`` unchanged. ``"sensor"``: the sensor-grid frame, labels by majority vote over
        each sensor pixel's footprint and ``occluded`` True where most of it is occluded.
    mask : ndarray of int, shape (H, W), optional
        Labels.
    occluded : ndarray of bool, shape (H, W), optional
        Pixels occluded so far.

    Returns
    -------
    dict
        ``"image"``, ``"mask"`` (only when `mask` is given) and ``"occluded"``, all new arrays;
        see :mod:`tiaug.functional`. The image has `image`'s dtype, temperatures in [-273.15,
        10000] °C.

    Raises
    ------
    TypeError
        If `image` is not a float array, `camera` not a name or a CameraSpec, a parameter not a
        number (`emissivity` not a pair, `seed` not an int), or `mask` / `occluded` not an
        integer / bool array.
    ValueError
        If `image` is not a finite 2-D frame, `camera` is an unknown name, a parameter is outside
        its range, `output` is not "input" or "sensor", or `mask` / `occluded` has another shape.

    See Also
    --------
    ThermalCamera : draws the camera and every parameter per frame.

    Notes
    -----
    Pixel ``(r, c)`` of the sensor grid covers input rows ``[r H/h, (r + 1) H/h)`` and columns
    ``[c W/w, (c + 1) W/w)``; its value is the input integrated against that box convolved with
    the PSF (a Gaussian of ``camera.psf_sigma`` sensor pixels, truncated 4 sigma beyond the box),
    with weights normalised to 1, computed separably (rows, then columns) in the frame's dtype.
    Where the input is coarser than the sensor (``coverage * width > W``), the grid is the
    input's and the PSF is scaled to it. The majority vote of ``output="sensor"`` gives each
    sensor pixel the input pixels whose centres fall in its box; it is occluded when more than
    half of them are, and takes the most frequent label among the occluded ones (else among the
    others; ties go to the smaller label), so the labels and ``occluded`` agree.

    Examples
    --------
    A uniform 30 °C frame keeps its temperature up to the noise, the fixed pattern and the
    quantisation; at the sensor's resolution, a 160-wide Lepton frame is 160x120.

    >>> import numpy as np
    >>> from tiaug.functional import reimage
    >>> temps = np.full((240, 320), 30.0, np.float32)
    >>> out = reimage(temps, "lepton", 1.0, seed=0)["image"]
    >>> bool(np.abs(out - 30.0).max() < 0.3)
    True
    >>> reimage(temps, "lepton", output="sensor")["image"].shape
    (120, 160)
    """
    image = check_image(image)
    spec = _check_camera_arg(camera, "camera")
    coverage = _check_coverage(coverage, "coverage")
    offset = _check_offset(offset, "offset")
    gain = _check_gain(gain, "gain")
    emissivity = _check_emissivity(emissivity, "emissivity")
    vignetting = _check_offset(vignetting, "vignetting")
    seed = _check_seed(seed, "seed")
    reflected = None if reflected is None else check_temperature(reflected, "reflected")
    netd = _check_netd(netd)
    output = check_choice(output, "output", OUTPUTS)
    mask = check_mask(mask, image.shape)
    occluded = check_occluded(occluded, image.shape)
    if reflected is None:
        from .scene import _scene_temperatures

        reflected = _scene_temperatures(image, mask)[0]
    out = _reimage(image, mask, occluded, spec, coverage, offset, gain, emissivity, vignetting,
                   seed, reflected, netd, output)
    return result(*out, image, mask, occluded)


def _check_camera_arg(camera, name):
    """The CameraSpec of a preset's name or a CameraSpec."""
    if isinstance(camera, CameraSpec):
        return camera
    if not isinstance(camera, str):
        raise TypeError(f"{name} must be a name of tiaug.camera.CAMERAS or a CameraSpec, got "
                        f"{type(camera).__name__}")
    if camera not in CAMERAS:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, CAMERAS))} or a "
                         f"CameraSpec, got {camera!r:.40}")
    return CAMERAS[camera]


def _check_coverage(value, name):
    return check_number(value, name, low=0.0, high=1.0, low_inclusive=False)


def _check_offset(value, name):
    return check_number(value, name, low=-MAX_DIFFERENCE, high=MAX_DIFFERENCE)


def _check_gain(value, name):
    return check_number(value, name, low=0.0, high=_MAX_GAIN, low_inclusive=False)


def _check_emissivity(value, name):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a (surface, setting) pair of emissivities, got "
                        f"{value!r:.80}")
    return tuple(check_number(v, f"{name}[{k}]", low=0.0, high=1.0, low_inclusive=False)
                 for k, v in enumerate(value))


def _check_netd(netd):
    return None if netd is None else check_number(netd, "netd", low=0.0, high=MAX_DIFFERENCE)


# ---------------------------------------------------------------- the computation
def _grid(shape, spec, coverage):
    """``(h, w, per)``: the sensor grid across a frame of `shape`, and how many sensor pixels
    one grid pixel spans (1, unless the input is coarser than the sensor)."""
    height, width = shape
    span = coverage * spec.resolution[0]  # sensor columns across the frame
    w = min(max(int(math.floor(span + 0.5)), 2), width)
    h = min(max(int(math.floor(height * w / width + 0.5)), 2), height)
    per = span / w if span > width else 1.0
    return h, w, per


def _lowbias32(x):
    x ^= x >> 16
    x = (x * 0x7FEB352D) & _M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & _M32
    return x ^ (x >> 16)


def _stream_keys(seed):
    """The keys ``(a_s, b_s)`` of the kernel's four random streams (temporal noise, pixel FPN,
    column and row offsets): ``a_s = h(lo + (s + 1) * 0x9E3779B9)``, ``b_s = h(hi XOR a_s)``,
    with ``lo``, ``hi`` the seed's 32-bit halves and ``h`` lowbias32."""
    lo, hi = seed & _M32, seed >> 32
    keys = []
    for s in range(4):
        a = _lowbias32((lo + (s + 1) * _GOLDEN32) & _M32)
        keys += [a, _lowbias32(hi ^ a)]
    return np.array(keys, np.uint32)


@lru_cache(maxsize=1)
def _psi_table():
    from ._kernels.camera import psi_table

    table = psi_table()
    table.flags.writeable = False
    return table


@lru_cache(maxsize=256)
def _weights(n_in, n_out, sigma):
    """``(starts, weights)`` of the resampling of `n_in` input pixels onto `n_out` sensor pixels
    with a PSF of `sigma` input pixels (cached: a camera and grid give the same ones)."""
    from ._kernels.camera import footprint_weights

    reach = _TRUNCATE * sigma
    taps = min(n_in, int(math.ceil(n_in / n_out + 2.0 * reach)) + 2)
    starts = np.empty(n_out, np.intp)
    weights = footprint_weights(n_in, sigma, _TRUNCATE, _psi_table(), starts,
                                np.empty((n_out, taps)))
    starts.flags.writeable = False
    weights.flags.writeable = False
    return starts, weights


@lru_cache(maxsize=256)
def _bilinear(n_in, n_out, dtype):
    """``(i0, i1, f)``: the two sensor samples and the fraction of each of `n_out` output pixels
    (pixel centres aligned: output ``x`` samples sensor coordinate ``(x + 0.5) n_in / n_out -
    0.5``, clamped to the sensor)."""
    from ._kernels.camera import bilinear_taps

    i0, i1, f = bilinear_taps(n_in, np.empty(n_out, np.intp), np.empty(n_out, np.intp),
                              np.empty(n_out, dtype))
    for a in (i0, i1, f):
        a.flags.writeable = False
    return i0, i1, f


def _edges(n_in, n_out):
    """First input pixel of each of `n_out` sensor pixels (and `n_in`): input pixel ``i``, centre
    ``i + 0.5``, belongs to sensor pixel ``floor((i + 0.5) n_out / n_in)``, in integers."""
    owner = ((2 * np.arange(n_in) + 1) * n_out) // (2 * n_in)
    return np.searchsorted(owner, np.arange(n_out + 1)).astype(np.intp)


def _reimage(image, mask, occluded, spec, coverage, offset, gain, emissivity, vignetting, seed,
             reflected, netd, output):
    """The op on checked arguments; returns ``(image, mask, occluded)``."""
    from ._kernels import camera as kernels

    image = np.ascontiguousarray(image)
    height, width = image.shape
    h, w, per = _grid(image.shape, spec, coverage)
    sx_in, sy_in = width / w, height / h  # grid pixel in input pixels
    sigma = spec.psf_sigma / per * sx_in  # PSF in input pixels
    starts_y, weights_y = _weights(height, h, sigma)
    starts_x, weights_x = _weights(width, w, sigma)
    dtype = image.dtype
    # Scratch of the input's size whatever the grid's: buffers whose size changed from call to
    # call made malloc hand memory back to the OS and fault it in again (~1 ms per 512x640 frame).
    scratch = np.empty(2 * height * width, dtype)
    first, second = scratch[:height * width], scratch[height * width:]
    # Rows, then columns: the column pass runs on the transposed frame, so that both passes
    # are weighted sums of whole rows (vectorised), and the sensor grid stays transposed, (w, h),
    # until it is interpolated back or returned.
    tmp = kernels.resample_rows_t(image, starts_y, weights_y, first[:width * h].reshape(width, h))
    grid = kernels.resample_rows(tmp, starts_x, weights_x, second[:w * h].reshape(w, h))

    # Squared distance from the sensor's centre over its squared half-diagonal, in sensor pixels.
    half_diag2 = 0.25 * (spec.resolution[0] ** 2 + spec.resolution[1] ** 2)
    xr2 = kernels.centred_squares(per, half_diag2, np.empty(w))
    yr2 = kernels.centred_squares(per * sy_in / sx_in, half_diag2, np.empty(h))

    amplitude = _SQRT3 * spec.netd if netd is None else netd
    bound = np.float32(amplitude)
    if float(bound) > amplitude:  # as tiaug.noise: the float32 at or below the amplitude
        bound = np.nextafter(bound, np.float32(0.0))
    p = np.empty(14)
    p[kernels.REFLECTED] = reflected
    p[kernels.CONTRAST] = emissivity[0] / emissivity[1]
    # Uniform fields with the specs' standard deviations: half-widths sqrt(3) std.
    p[kernels.GAIN_FPN] = _SQRT3 * spec.fpn_gain
    p[kernels.PIXEL_FPN] = _SQRT3 * spec.fpn_pixel
    p[kernels.COLUMN_FPN] = _SQRT3 * spec.fpn_column
    p[kernels.ROW_FPN] = _SQRT3 * spec.fpn_row
    p[kernels.VIGNETTING] = vignetting
    p[kernels.NOISE_BOUND] = bound
    # Only an explicit netd is a bound the result keeps exactly.
    p[kernels.NOISE_LIMIT] = math.inf if netd is None else netd
    p[kernels.OFFSET] = offset
    p[kernels.GAIN] = gain
    p[kernels.STEP] = spec.step
    p[kernels.LOW] = ABSOLUTE_ZERO
    p[kernels.HIGH] = MAX_TEMPERATURE
    # Without JIT the kernel runs on numpy uint32 scalars, whose intended wrap-around would warn.
    with np.errstate(over="ignore"):
        grid = kernels.sense(grid, xr2, yr2, _stream_keys(seed), p, grid)
    if output == "sensor":
        sensor = kernels.transpose(grid, np.empty((h, w), dtype))
        rows, cols = _edges(height, h), _edges(width, w)
        occ = (np.zeros((height, width), np.uint8) if occluded is None
               else np.ascontiguousarray(occluded).view(np.uint8))
        labels = np.zeros((0, 0), np.uint8) if mask is None else mask
        out_mask = np.empty((h, w) if mask is not None else (0, 0), labels.dtype)
        out_mask, out_occ = kernels.vote(labels, occ, rows, cols, out_mask,
                                         np.empty((h, w), np.bool_))
        return sensor, (None if mask is None else out_mask), out_occ
    if (h, w) == (height, width):  # the interpolation would be the identity
        return kernels.transpose(grid, np.empty((h, w), dtype)), mask, occluded
    # Bilinear: along the columns on the transposed grid (written back untransposed),
    # then along the rows.
    x0, x1, fx = _bilinear(w, width, dtype)
    y0, y1, fy = _bilinear(h, height, dtype)
    tmp = kernels.lerp_rows_t(grid, x0, x1, fx, first[:h * width].reshape(h, width))
    out = kernels.lerp_rows(tmp, y0, y1, fy, np.empty_like(image))
    return out, mask, occluded


# ---------------------------------------------------------------- the transform
class ThermalCamera(Transform):
    """The frame as another thermal camera would record it.

    Per frame, draws a camera (:data:`CAMERAS`, or the ones given), how much of its sensor's
    width the frame spans, a radiometric offset and gain error within the camera's accuracy, the
    surface's emissivity and the camera's emissivity setting, the vignetting, and one seed for the
    fixed-pattern and temporal noise; then applies them with :func:`tiaug.functional.reimage`
    (see :mod:`tiaug.camera` for the effects and their order). The reflected temperature is the
    scene's ambient (:func:`tiaug.scene.scene_temperatures`, with the labels when given).

    Parameters
    ----------
    camera : None, str, CameraSpec or sequence of them, optional
        None: any of :data:`CAMERAS`, drawn uniformly per frame; a name or a
        :class:`CameraSpec`: that camera; a sequence: one of them, drawn uniformly.
    coverage : float or (float, float), optional
        Range of the fraction of the sensor's width the frame spans, within (0, 1], drawn
        uniformly: a face crop fills part of the field of view (1: the whole sensor's width).
    output : {"input", "sensor"}, optional
        ``"input"``: the frame interpolated back to its own grid, labels and ``occluded``
        unchanged. ``"sensor"``: the sensor-grid frame (its size varies with the camera and the
        coverage), labels and ``occluded`` by majority over each sensor pixel's footprint.
    netd : float, optional
        None: temporal noise uniform with the camera's NETD as standard deviation. A number in
        [0, 10000]: noise uniform in ``[-netd, netd]``, never more than `netd` per pixel.
    emissivity : float or (float, float), optional
        Range of the surface's emissivity, within (0, 1] (skin: 0.97-0.98).
    emissivity_set : float or (float, float), optional
        Range of the camera's emissivity setting, within (0, 1].
    p : float, optional
        Probability of applying the transform. A skipped transform returns its input, also with
        ``output="sensor"``.

    Raises
    ------
    TypeError
        If `camera` is not None, a name, a CameraSpec or a sequence of them, a range is not a
        number or a pair, or `netd` / `p` is not a real number.
    ValueError
        If `camera` is an unknown name or an empty sequence, an end of `coverage` or of an
        emissivity range is outside (0, 1], ``low > high``, `output` is not "input" or
        "sensor", `netd` is outside [0, 10000], or `p` outside [0, 1].

    See Also
    --------
    tiaug.functional.reimage : the operation with explicit parameters.
    tiaug.NETDNoise : noise alone, bounded by a NETD.

    Notes
    -----
    The offset is drawn uniformly within ``± accuracy[0]`` °C and the gain within ``1 ±
    accuracy[1]``: each within its datasheet figure, so that their sum at a reading far from the
    reflected temperature may exceed the datasheet's "whichever is greater". The vignetting is
    drawn within ``± vignetting`` °C.

    ``params`` holds the camera (its name, or the CameraSpec given), ``"coverage"``,
    ``"offset"``, ``"gain"``, ``"emissivity"`` (surface, setting), ``"vignetting"``, ``"seed"``
    and ``"reflected"``; the noise fields are generated from the seed, so replay is exact while
    params stay small.

    Examples
    --------
    >>> from tiaug import ThermalCamera
    >>> from tiaug.datasets import make_face
    >>> temps, labels = make_face((128, 160), subject=0, rng=0)
    >>> out = ThermalCamera(camera="lepton", coverage=0.5)(image=temps, mask=labels, rng=0)
    >>> out["image"].shape, bool((out["mask"] == labels).all())
    ((128, 160), True)
    >>> out = ThermalCamera("lepton", coverage=0.5, output="sensor")(image=temps, mask=labels,
    ...                                                              rng=0)
    >>> out["image"].shape, out["mask"].shape
    ((64, 80), (64, 80))
    """

    def __init__(self, camera=None, coverage=(0.3, 1.0), output="input", netd=None,
                 emissivity=(0.97, 0.98), emissivity_set=(0.95, 1.0), p=1.0):
        super().__init__(p)
        self.camera = _check_cameras(camera)
        self.coverage = check_range(coverage, "coverage", low=0.0, high=1.0, low_inclusive=False)
        self.output = check_choice(output, "output", OUTPUTS)
        self.netd = _check_netd(netd)
        self.emissivity = check_range(emissivity, "emissivity", low=0.0, high=1.0,
                                      low_inclusive=False)
        self.emissivity_set = check_range(emissivity_set, "emissivity_set", low=0.0, high=1.0,
                                          low_inclusive=False)

    def sample(self, image, mask, rng):
        from .scene import _scene_temperatures

        camera = self.camera[int(rng.integers(len(self.camera)))]
        spec = _check_camera_arg(camera, "camera")
        error, fraction = spec.accuracy
        return {
            "camera": camera,
            "coverage": float(rng.uniform(*self.coverage)),
            "offset": float(rng.uniform(-error, error)) + 0.0,
            "gain": float(rng.uniform(1.0 - fraction, 1.0 + fraction)),
            "emissivity": (float(rng.uniform(*self.emissivity)),
                           float(rng.uniform(*self.emissivity_set))),
            "vignetting": float(rng.uniform(-spec.vignetting, spec.vignetting)) + 0.0,
            "seed": int(rng.integers(_SEED_HIGH)),
            "reflected": _scene_temperatures(image, mask)[0],
        }

    def _check_drawn(self, params):
        camera = drawn_value(params, "camera")
        _check_camera_arg(camera, "params['camera']")
        return {
            **params,
            "coverage": _check_coverage(drawn_value(params, "coverage"), "params['coverage']"),
            "offset": _check_offset(drawn_value(params, "offset"), "params['offset']"),
            "gain": _check_gain(drawn_value(params, "gain"), "params['gain']"),
            "emissivity": _check_emissivity(drawn_value(params, "emissivity"),
                                            "params['emissivity']"),
            "vignetting": _check_offset(drawn_value(params, "vignetting"),
                                        "params['vignetting']"),
            "seed": _check_seed(drawn_value(params, "seed"), "params['seed']"),
            "reflected": check_temperature(drawn_value(params, "reflected"),
                                           "params['reflected']"),
        }

    def apply(self, params, image, mask, occluded):
        spec = _check_camera_arg(params["camera"], "params['camera']")
        return _reimage(image, mask, occluded, spec, params["coverage"], params["offset"],
                        params["gain"], params["emissivity"], params["vignetting"],
                        params["seed"], params["reflected"], self.netd, self.output)


def _check_cameras(camera):
    """`camera` of ThermalCamera as a non-empty tuple of preset names and CameraSpecs."""
    if camera is None:
        return tuple(CAMERAS)
    if isinstance(camera, (str, CameraSpec)):
        camera = (camera,)
    if not isinstance(camera, (tuple, list)):
        raise TypeError(f"camera must be None, a name of tiaug.camera.CAMERAS, a CameraSpec or a "
                        f"sequence of them, got {type(camera).__name__}")
    if not camera:
        raise ValueError("camera must name at least one camera, got an empty sequence")
    for k, c in enumerate(camera):
        _check_camera_arg(c, f"camera[{k}]" if len(camera) > 1 else "camera")
    return tuple(camera)

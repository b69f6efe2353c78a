"""Synthetic thermal face frames in °C with 6-class labels, for examples, tests and smoke training.

The frames imitate a frontal LWIR recording in the style of the Thermal Face Database (Kopaczka et
al., 2018/2019), on which the SAM-CL paper trains, framed as a close-up face dataset frames it: a
subject in front of a wall at room temperature, the face (cheekbone to cheekbone) about 45 % of the
frame's width, the whole head and the neck in view.

Labels (``labelling="landmarks"``, the default) are derived as the paper derives its masks from the
68 facial landmarks: each region is the filled convex hull of its landmark group, painted in the
order chin (the 17 jaw-line points, so "chin" is the lower face from the eyes down), mouth (the 12
outer-lip points), eyes (6 each), eyebrows (5 each, along the brow) and nose (4 down the bridge,
5 along the base); everything else is background. ``labelling="anatomical"`` instead labels each
feature's own outline, with "chin" the region between the lower lip and the jaw.

Class pixel fractions, mean over 64 frames of 16 subjects at any frame size (measured), next to
what the same hull derivation gives for adult anthropometric means (Farkas, 1994: bizygomatic width
13.5 cm, eye fissure 3.1 x 1.0 cm, mouth 5.0 x 1.8 cm, nose 3.4 cm wide and 5.0 cm high, brows
5 cm long) at the same framing (a 31 x 25 cm field of view; derived, not measured):

==============  ========  =================================
class           measured  anthropometric hulls (derived)
==============  ========  =================================
background      86.0 %    86.5 %
chin            11.7 %    10.5 %
mouth           0.78 %    0.80 %
eyes (both)     0.39 %    0.48 %
eyebrows        0.49 %    0.61 %
nose            0.70 %    1.1 %
==============  ========  =================================

The previous convention (``"anatomical"``) gave chin 1.4 % and all five face classes 2.6 %.

Physical model (all temperatures in °C, float32):

========================  =====================================================================
region                    temperature
========================  =====================================================================
background (wall)         ambient 18-26 per frame, linear gradient up to 1.5 and smooth texture
face skin                 33.3-34.6 per subject (+0.12 per °C ambient above 22); forehead
                          +0.4 warmer; cheeks and jaw cool by up to 1.6 towards the outline
inner eye corners         35.6-36.4 per subject at 22 °C ambient (medial canthi, close to core
                          temperature; half the skin's ambient drift); the open eye (ocular
                          surface, cooled by the tear film) 1-2 below them, the lids and
                          periorbital region in between
eyebrows                  1-2 cooler than the skin over the brow (hair insulates)
nose                      tip 1.5-4 cooler than the skin (breathing and exposure), warm creases
                          beside the nostrils
mouth / chin              lips +0.4, an open mouth near core temperature; chin tip cooler
hair, ears, clothing      hair 45-75 % of the way from ambient to skin; ears 1 °C cooler than
                          the face, coldest at the rim; clothing 5-9 above ambient; neck warm
sensor                    3x3 binomial optics blur, Gaussian noise with std 0.05 (NETD ~50 mK)
========================  =====================================================================

A *subject* fixes the head shape, the layout of the features and the skin, eye-corner and
nose temperatures; each frame draws the ambient, pose (roll ±15°, yaw ±15°, position and size
jitter), expression (mouth opening, smile, blink, brow raise) and the textures. Split train,
validation and test sets by subject (as the paper does) with :func:`subject_split` or by passing
disjoint `subjects` to :func:`synthetic_faces`.

*Conditions* (``condition=`` of :func:`make_face` and :func:`synthetic_faces`) render the same
frames *with the face model* in another room or physiological state, for robustness studies
(parameters of the physical model, not an augmentation of the lab frames). The random draws are
the lab's, in the same order; a condition only maps a draw's position in its lab range linearly
onto its own range. The frame keeps everything else (subject, pose, expression, textures, noise
and, bit for bit, the labels), so a test set rendered under a condition pairs frame by frame with
the lab test set of the same seed. ``None`` and ``"lab"`` give the lab frames unchanged.

===============  ===========================  ===================================================
condition        parameters (°C)              physiology and source
===============  ===========================  ===================================================
``"lab"``        ambient 18-26, nose tip      the model above (``condition=None``)
                 1.5-4 below the skin
``"cold_room"``  ambient 10-16                room physics below: nose tip and cheeks cool
                                              fastest, the eyes slowest (Briggs et al., Int J
                                              Biometeorol 2017)
``"hot_room"``   ambient 30-35                room physics below: the face stands out less from
                                              the wall, the nose tip is barely cooler than skin
``"warm_nose"``  lab ambient, nose tip 0 to   vasodilation at rest or after alcohol: the nose
                 1.5 *warmer* than the skin   "almost always hotter than the forehead" after
                                              drinking (Koukiou & Anastassopoulos 2012)
``"cold_nose"``  lab ambient, nose tip 5-7    nose-tip cooling under social stress, 3-6 °C
                 below the skin               (Theroude et al., PLOS One 2026,
                                              doi:10.1371/journal.pone.0338108, from press
                                              reports), one step beyond the lab's range
dict             ``{"ambient": (lo, hi),``    custom ranges, either key optional; ``"nose"``:
                 ``"nose": (lo, hi)}``        nose tip relative to the skin (negative =
                                              cooler); ambient within [-30, 36)
===============  ===========================  ===================================================

Room physics, when a condition sets the ambient (the lab keeps the formulas above): the skin
follows the room by 0.12 °C per °C as within the lab, the eyes (inner corners) by half that, and
the exposed regions more: the nose-tip drop, the cooling of cheeks and jaw towards the head
outline and the tear film's cooling of the open eye below the inner corner are heat losses
proportional to the core-to-air difference, multiplied by ``(37 - ambient) / (37 - 22)`` (a third
of the lab's in a 32 °C room, 1.8 times in a 10 °C room). The ocular surface thus follows the
room by about 0.16 °C per °C, as measured by Shah & Galor (Clin Optom 2021). Ears, hair and
clothing stay at their fractions of the way from ambient to skin. A ``"nose"`` range sets the nose
tip directly (still times the breathing factor 0.8-1.15), also when the dict sets an
``"ambient"``.

*Cameras* (``camera=`` and ``coverage=`` of :func:`make_face` and :func:`synthetic_faces`) render
the same frames as another camera records them, as test frames of "another camera" made by the
face model: independent of the augmentation :class:`tiaug.ThermalCamera` (whose code is not used),
only a preset's numbers (:data:`tiaug.camera.CAMERAS` or a :class:`tiaug.camera.CameraSpec`) are
read. The frame spans `coverage` of the sensor's width, so the face model renders the scene on a
sensor grid of ``round(coverage * width)`` columns (at least 16, at most the frame's own width: a
finer sensor gives the frame's grid) and as many rows as keep the frame's aspect ratio. There

1. the face model's 3x3 binomial blur stands for the camera's optics, and its Gaussian noise of
   :data:`NOISE_STD` is topped up to the camera's NETD;
2. the camera adds its fixed pattern (Gaussian offsets per column, row and pixel, and a per-pixel
   gain residual on ``T - ambient``), a radial shading ``v * rho**2`` (``v`` uniform within
   ±``vignetting``, ``rho`` the distance from the grid's centre over its half-diagonal), the
   radiometric error ``T + offset + (gain - 1) (T - ambient)`` (uniform within the accuracy) and
   quantisation to its ``step``, with ``ambient`` the frame's room temperature;
3. the sensor frame is interpolated bilinearly back to the frame's grid (float32).

The labels are the lab frame's, bit for bit, and the random stream advances as in the lab: the
camera's frame is rendered from generators derived from the stream's state (the same textures,
pose and expression; its own draws for the camera), so a set recorded by a camera pairs frame by
frame with the lab set of the same seed, under a condition too. On the frame's own grid the
camera's frame keeps the lab frame's noise under its own. Not modelled: each camera's optics
(F-number, pitch and wavelength are not read: the lab's blur, applied on the sensor grid, stands
for every camera's), the detector's area integration, noise below the lab's (a quieter camera
keeps :data:`NOISE_STD`), emissivity settings and clipping; the shading is centred on the frame,
not on the whole sensor.
"""

import math
import numbers
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from . import _faces, _sensors
from ._validation import check_choice, check_number, check_rng

__all__ = ["CLASS_NAMES", "CONDITIONS", "NOISE_STD", "FaceDataset", "make_face",
           "synthetic_faces", "subject_split"]

#: Names of the label values 0 to 5 of the synthetic faces, in order.
CLASS_NAMES = _faces.CLASS_NAMES
#: Standard deviation (°C) of the Gaussian sensor noise in every lab frame (a camera tops it up
#: to its NETD, see ``camera=``).
NOISE_STD = _faces.NOISE_STD
#: Names of the rooms and physiological states that ``condition=`` accepts (see the table above).
CONDITIONS = tuple(_faces.CONDITIONS)
_CONDITION_KEYS = ("ambient", "nose")
# A room must stay below the 37 °C core (the exposed skin's heat loss scales with core - ambient).
_AMBIENT_LIMITS = (-30.0, 36.0)
_MIN_SIZE = 32


class FaceDataset(NamedTuple):
    """Frames from :func:`synthetic_faces`: unpacks as ``images, labels, subjects``."""

    images: np.ndarray
    """(n, H, W) float32 temperatures in °C."""
    labels: np.ndarray
    """(n, H, W) uint8 class labels, indices into :data:`CLASS_NAMES`."""
    subjects: np.ndarray
    """(n,) int64 subject id of each frame."""


def _check_shape(shape):
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in shape)):
        raise TypeError(f"shape must be a (height, width) pair of ints, got {shape!r}")
    if min(shape) < _MIN_SIZE:
        raise ValueError(
            f"shape must be at least {_MIN_SIZE}x{_MIN_SIZE} pixels, got {tuple(shape)}"
        )
    return int(shape[0]), int(shape[1])


def _check_subject(subject, name="subject"):
    if isinstance(subject, bool) or not isinstance(subject, numbers.Integral):
        raise TypeError(
            f"{name} must be a non-negative int subject id, got {type(subject).__name__}"
        )
    if subject < 0:
        raise ValueError(f"{name} must be a non-negative int subject id, got {subject}")
    return int(subject)


def _check_condition(condition):
    """The condition as a dict of (low, high) ranges, or None for the lab."""
    names = ", ".join(repr(c) for c in CONDITIONS)
    keys = " and ".join(repr(k) for k in _CONDITION_KEYS)
    if condition is None:
        return None
    if isinstance(condition, str):
        if condition not in CONDITIONS:
            raise ValueError(
                f"condition must be one of {names} or a dict with optional keys {keys}, "
                f"got {condition!r}"
            )
        return _faces.CONDITIONS[condition] or None
    if not isinstance(condition, Mapping):
        raise TypeError(
            f"condition must be None, one of {names} or a dict with optional keys {keys}, "
            f"got {type(condition).__name__}"
        )
    unknown = [k for k in condition if k not in _CONDITION_KEYS]
    if unknown:
        raise ValueError(
            f"condition has unknown keys {', '.join(repr(k) for k in unknown)}; the accepted "
            f"keys are {keys}, each a (low, high) pair in °C"
        )
    ranges = {}
    for key in _CONDITION_KEYS:
        if key not in condition:
            continue
        pair = condition[key]
        if (not isinstance(pair, (tuple, list)) or len(pair) != 2
                or not all(isinstance(x, numbers.Real) and not isinstance(x, bool)
                           for x in pair)):
            raise TypeError(f"condition[{key!r}] must be a (low, high) pair of numbers in °C, "
                            f"got {pair!r}")
        low, high = float(pair[0]), float(pair[1])
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise ValueError(f"condition[{key!r}] must be a finite range with low <= high, "
                             f"got {tuple(pair)}")
        if key == "ambient" and not _AMBIENT_LIMITS[0] <= low <= high < _AMBIENT_LIMITS[1]:
            raise ValueError(
                f"condition['ambient'] must lie within [{_AMBIENT_LIMITS[0]:g}, "
                f"{_AMBIENT_LIMITS[1]:g}) °C, below the 37 °C body core, got {tuple(pair)}"
            )
        ranges[key] = (low, high)
    return ranges or None


def _check_camera(camera, coverage):
    """The camera as a (CameraSpec, coverage) pair, or None for the lab."""
    from .camera import _check_camera_arg

    coverage = check_number(coverage, "coverage", low=0.0, high=1.0, low_inclusive=False)
    return None if camera is None else (_check_camera_arg(camera, "camera"), coverage)


def _render(shape, ident, fr, rng, labelling, camera):
    """The lab frame's labels and the image, the lab's or as `camera` records it.

    The lab frame is rendered with `rng` (advancing it exactly as without a camera); the camera's
    frame is rendered from generators derived from `rng`'s state before that, so it shows the same
    scene and the same seed gives the same camera frame.
    """
    if camera is None:
        return _faces.render(shape, ident, fr, rng, labelling)
    sensor = _sensors.record(shape, ident, fr, rng, *camera, labelling)
    return _sensors.to_frame(sensor, shape), _faces.render(shape, ident, fr, rng, labelling)[1]


def _identity(subject, rng):
    if subject is None:
        return _faces.identity(rng)
    return _faces.identity(np.random.default_rng([_faces._SALT, subject]))


def make_face(shape=(256, 320), *, subject=None, labelling="landmarks", rng=None,
              condition=None, camera=None, coverage=0.5):
    """Render one synthetic thermal face frame and its label map.

    Parameters
    ----------
    shape : tuple of int, optional
        ``(height, width)`` of the frame, at least 32x32. The head spans about 80 % of the
        height; below roughly 96 pixels the eyes and eyebrows cover only a few pixels.
    subject : int or None, optional
        Identity of the subject: the same id always gives the same head shape, feature layout and
        skin temperatures, while pose, expression, ambient and noise vary with `rng`. None draws a
        new identity from `rng`.
    labelling : {"landmarks", "anatomical"}, optional
        How the labels are derived (see :mod:`tiaug.datasets`): ``"landmarks"``, the paper's
        convex hulls of the 68-point landmark groups (chin = hull of the jaw line), or
        ``"anatomical"``, the features' own outlines (chin = the region under the lower lip).
    rng : None, int or numpy.random.Generator, optional
        Source of the frame's randomness (SPEC 7). The same seed gives the same frame.
    condition : None, str or dict, optional
        Room or physiological state, one of :data:`CONDITIONS` (``"lab"``, ``"cold_room"``,
        ``"hot_room"``, ``"warm_nose"``, ``"cold_nose"``) or a dict with optional keys
        ``"ambient"`` and ``"nose"``, each a ``(low, high)`` range in °C (``"nose"``: nose tip
        relative to the skin, negative = cooler; ambient within [-30, 36)). The frame of a seed
        is the same frame under every condition (subject, pose, expression, textures, noise,
        identical labels), only in another room or state; None and ``"lab"`` give the lab frame
        bit for bit. See :mod:`tiaug.datasets` for the physics and sources.
    camera : None, str or tiaug.camera.CameraSpec, optional
        The camera that records the frame: a name of :data:`tiaug.camera.CAMERAS` (``"lepton"``,
        ``"flir_one_pro"``, ``"tc001"``, ``"boson320"``, ``"boson640"``, ``"a655sc"``,
        ``"cooled_mwir"``) or a :class:`~tiaug.camera.CameraSpec`. The face model renders the same
        frame (also under `condition`) on the camera's sensor grid with its noise, fixed pattern,
        shading, radiometric error and quantisation, interpolated back to `shape`; the labels are
        the lab frame's bit for bit (see :mod:`tiaug.datasets`, "Cameras"). Independent of
        :class:`tiaug.ThermalCamera`. None gives the lab frame bit for bit.
    coverage : float, optional
        Fraction of the camera sensor's width the frame spans, in (0, 1]: the sensor grid has
        ``round(coverage * width)`` columns across the frame (at least 16, at most the frame's
        width). Only used with a `camera` (checked always).

    Returns
    -------
    image : ndarray of float32, shape (H, W)
        Temperatures in °C.
    labels : ndarray of uint8, shape (H, W)
        Class of each pixel, an index into :data:`CLASS_NAMES`
        (0 background, 1 chin, 2 mouth, 3 eyes, 4 eyebrows, 5 nose).

    Raises
    ------
    TypeError
        If `shape` is not a pair of ints, `subject` is not an int, `rng` is of the wrong type,
        `condition` is neither a name nor a dict of (low, high) pairs of numbers, `camera` is
        neither a name nor a CameraSpec or `coverage` is not a real number.
    ValueError
        If `shape` is smaller than 32x32, `subject` is negative, `condition` is an unknown
        name, has an unknown key, a range with low > high or non-finite bounds, or an ambient
        outside [-30, 36), `camera` is an unknown name or `coverage` is outside (0, 1].

    See Also
    --------
    synthetic_faces : many frames with subject ids.

    Notes
    -----
    The physical model is described in :mod:`tiaug.datasets`. Every pixel is computed with
    vectorised array operations: a 256x320 frame takes a few milliseconds.

    Examples
    --------
    >>> from tiaug.datasets import make_face, CLASS_NAMES
    >>> image, labels = make_face((256, 320), subject=3, rng=0)
    >>> image.dtype, labels.dtype, image.shape
    (dtype('float32'), dtype('uint8'), (256, 320))
    >>> sorted(CLASS_NAMES[c] for c in set(labels.flat))
    ['background', 'chin', 'eyebrows', 'eyes', 'mouth', 'nose']
    >>> bool(image[labels == 0].mean() < image[labels == 1].mean())  # the room is cooler
    True

    The same frame after a drink (a warm nose) and in a hot room, with the same labels:

    >>> warm, warm_labels = make_face((256, 320), subject=3, rng=0, condition="warm_nose")
    >>> bool((warm_labels == labels).all())
    True
    >>> nose = labels == 5
    >>> bool(warm[nose].mean() > image[nose].mean() + 1.0)  # the nose tip is warmer than in the lab
    True
    >>> hot, _ = make_face((256, 320), subject=3, rng=0, condition="hot_room")
    >>> bool(hot[labels == 0].mean() > 29.0)
    True

    The same frame recorded by a FLIR Lepton (160x120) whose sensor it spans half of: 80x64
    pixels across the frame, a different fixed pattern and calibration, the same labels:

    >>> lepton, lepton_labels = make_face((256, 320), subject=3, rng=0, camera="lepton",
    ...                                   coverage=0.5)
    >>> lepton.shape, bool((lepton_labels == labels).all())
    ((256, 320), True)
    >>> bool(abs((lepton - image).mean()) < 5.5)  # within the Lepton's ±5 °C (or 5 %) accuracy
    True
    """
    shape = _check_shape(shape)
    if subject is not None:
        subject = _check_subject(subject)
    condition = _check_condition(condition)
    camera = _check_camera(camera, coverage)
    rng = check_rng(rng)
    ident = _identity(subject, rng)
    labelling = check_choice(labelling, "labelling", _faces.LABELLINGS)
    return _render(shape, ident, _faces.frame(rng, ident, condition), rng, labelling, camera)


def synthetic_faces(n, shape=(256, 320), *, subjects=None, labelling="landmarks", rng=None,
                    condition=None, camera=None, coverage=0.5):
    """Render `n` frames of synthetic thermal faces with labels and subject ids.

    Parameters
    ----------
    n : int
        Number of frames, at least 1.
    shape : tuple of int, optional
        ``(height, width)`` of every frame, at least 32x32.
    subjects : sequence of int or None, optional
        Subject ids to cycle through: frame ``i`` shows subject ``subjects[i % len(subjects)]``.
        None gives every frame its own subject, ids ``0 .. n-1``.
    labelling : {"landmarks", "anatomical"}, optional
        How the labels are derived (see :mod:`tiaug.datasets`): ``"landmarks"``, the paper's
        convex hulls of the 68-point landmark groups (chin = hull of the jaw line), or
        ``"anatomical"``, the features' own outlines (chin = the region under the lower lip).
    rng : None, int or numpy.random.Generator, optional
        Source of the per-frame randomness (SPEC 7). The same seed gives the same frames.
    condition : None, str or dict, optional
        Room or physiological state of every frame, one of :data:`CONDITIONS` (``"lab"``,
        ``"cold_room"``, ``"hot_room"``, ``"warm_nose"``, ``"cold_nose"``) or a dict with
        optional keys ``"ambient"`` and ``"nose"``, each a ``(low, high)`` range in °C (see
        :func:`make_face`). Frame ``i`` is the lab's frame ``i`` of the same seed (subject,
        pose, expression, textures, noise, identical labels) in that room or state, so a test set
        under a condition pairs frame by frame with the lab test set. None and ``"lab"`` give the
        lab frames bit for bit.
    camera : None, str or tiaug.camera.CameraSpec, optional
        The camera that records every frame, a name of :data:`tiaug.camera.CAMERAS` or a
        :class:`~tiaug.camera.CameraSpec` (see :func:`make_face`). Frame ``i`` is the lab's frame
        ``i`` of the same seed (under `condition` if given) as that camera records it, with the
        lab's labels bit for bit, so a test set recorded by a camera pairs frame by frame with the
        lab test set. None gives the lab frames bit for bit.
    coverage : float, optional
        Fraction of the camera sensor's width each frame spans, in (0, 1] (see :func:`make_face`).
        Only used with a `camera` (checked always).

    Returns
    -------
    FaceDataset
        Named tuple ``(images, labels, subjects)``: ``(n, H, W)`` float32 °C, ``(n, H, W)`` uint8
        labels and ``(n,)`` int64 subject ids.

    Raises
    ------
    TypeError
        If `n` is not an int, `subjects` is not a sequence of ints, or `shape` / `rng` /
        `condition` / `camera` / `coverage` is invalid.
    ValueError
        If `n` < 1, `subjects` is empty or holds a negative id, `shape` is smaller than 32x32,
        `condition` is an unknown name or holds an unknown key or an invalid range, `camera` is
        an unknown name or `coverage` is outside (0, 1].

    See Also
    --------
    make_face : one frame.
    subject_split : split frames into sets with disjoint subjects.

    Examples
    --------
    Training and validation sets that share no subject:

    >>> from tiaug.datasets import synthetic_faces
    >>> train = synthetic_faces(8, (64, 80), subjects=range(4), rng=0)
    >>> val = synthetic_faces(2, (64, 80), subjects=[100], rng=1)
    >>> train.images.shape, train.labels.shape, train.subjects.tolist()
    ((8, 64, 80), (8, 64, 80), [0, 1, 2, 3, 0, 1, 2, 3])
    >>> images, labels, subject_ids = val  # a plain tuple too

    A test set in a cold room, paired frame by frame with the lab test set of the same seed:

    >>> test = synthetic_faces(4, (64, 80), subjects=[100, 101], rng=2)
    >>> cold = synthetic_faces(4, (64, 80), subjects=[100, 101], rng=2, condition="cold_room")
    >>> bool((cold.labels == test.labels).all())
    True
    >>> (test.images - cold.images)[:, 0, 0].round(1)  # the wall: 8-10 °C colder, frame by frame
    array([8.5, 9.1, 8.4, 9.6], dtype=float32)
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be an int number of frames, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    shape = _check_shape(shape)
    labelling = check_choice(labelling, "labelling", _faces.LABELLINGS)
    condition = _check_condition(condition)
    camera = _check_camera(camera, coverage)
    if subjects is None:
        ids = list(range(n))
    else:
        if isinstance(subjects, (str, bytes)) or not hasattr(subjects, "__iter__"):
            raise TypeError(
                f"subjects must be None or a sequence of int subject ids, "
                f"got {type(subjects).__name__}"
            )
        ids = [_check_subject(s, "subjects[]") for s in subjects]
        if not ids:
            raise ValueError("subjects must hold at least one subject id, got an empty sequence")
    rng = check_rng(rng)
    subject_ids = np.array([ids[i % len(ids)] for i in range(n)], dtype=np.int64)
    images = np.empty((n, *shape), dtype=np.float32)
    labels = np.empty((n, *shape), dtype=np.uint8)
    identities = {s: _identity(s, None) for s in set(ids)}
    for i, s in enumerate(subject_ids.tolist()):
        ident = identities[s]
        images[i], labels[i] = _render(shape, ident, _faces.frame(rng, ident, condition), rng,
                                       labelling, camera)
    return FaceDataset(images, labels, subject_ids)


def subject_split(subjects, fractions=(0.7, 0.15, 0.15), *, rng=None):
    """Split frames into sets whose subjects are disjoint (train / validation / test).

    Parameters
    ----------
    subjects : array_like of int, shape (n,)
        Subject id of each frame, e.g. ``synthetic_faces(...).subjects``.
    fractions : sequence of float, optional
        Share of the *subjects* (not frames) in each set; positive, summing to 1. The paper splits
        85 % / 15 % by subject: ``fractions=(0.85, 0.15)``.
    rng : None, int or numpy.random.Generator, optional
        Decides which subjects go where (SPEC 7).

    Returns
    -------
    tuple of ndarray of int64
        One array of frame indices per fraction, each sorted. Every subject lands in exactly one
        set, and every set gets at least one subject.

    Raises
    ------
    TypeError
        If `subjects` is not 1-D integer or `fractions` is not a sequence of numbers.
    ValueError
        If a fraction is not positive, they do not sum to 1, or there are fewer distinct subjects
        than sets.

    Examples
    --------
    >>> from tiaug.datasets import synthetic_faces, subject_split
    >>> data = synthetic_faces(12, (64, 64), subjects=range(6), rng=0)
    >>> train, val = subject_split(data.subjects, (0.85, 0.15), rng=0)
    >>> len(train) + len(val)
    12
    >>> set(data.subjects[train]) & set(data.subjects[val])
    set()
    """
    ids = np.asarray(subjects)
    if ids.ndim != 1 or ids.dtype.kind not in "iu":
        raise TypeError(
            f"subjects must be a 1-D sequence of int subject ids, got dtype {ids.dtype} "
            f"and shape {ids.shape}"
        )
    if not isinstance(fractions, (tuple, list)) or not all(
            isinstance(f, numbers.Real) and not isinstance(f, bool) for f in fractions):
        raise TypeError(f"fractions must be a sequence of numbers, got {fractions!r}")
    fr = np.asarray(fractions, dtype=float)
    if fr.size < 1 or not np.all(fr > 0) or abs(fr.sum() - 1.0) > 1e-6:
        raise ValueError(f"fractions must be positive and sum to 1, got {tuple(fractions)}")
    unique = np.unique(ids)
    if unique.size < fr.size:
        raise ValueError(
            f"subjects must hold at least {fr.size} distinct ids to fill {fr.size} sets, "
            f"got {unique.size}"
        )
    rng = check_rng(rng)
    order = rng.permutation(unique)
    # Largest-remainder rounding of the subject counts, then at least one subject per set.
    want = fr * unique.size
    counts = np.floor(want).astype(int)
    counts[np.argsort(counts - want)[: unique.size - counts.sum()]] += 1
    while (counts == 0).any():
        counts[np.argmax(counts)] -= 1
        counts[np.argmin(counts)] += 1
    bounds = np.concatenate([[0], np.cumsum(counts)])
    return tuple(
        np.flatnonzero(np.isin(ids, order[a:b])).astype(np.int64)
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    )

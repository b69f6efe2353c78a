"""Real-world occluders with their LWIR temperatures: eyeglasses, a held cup, a hand."""

import numbers

from .._validation import (
    ABSOLUTE_ZERO,
    MAX_DIFFERENCE,
    MAX_TEMPERATURE,
    check_number,
    check_probability,
    check_range,
)
from . import _shapes as shapes_
from ._draw import _Occluding
from ._format import physical

_OFFSET = dict(low=-MAX_DIFFERENCE, high=MAX_DIFFERENCE)
_TEMPERATURE = dict(low=ABSOLUTE_ZERO, high=MAX_TEMPERATURE)


class Eyeglasses(_Occluding):
    """Eyeglasses: two opaque lenses below skin temperature and a thin frame.

    The lenses are centred on the two eyes of the mask (pixels labelled `eye_label`, split along
    the line through them, so any in-plane rotation works) and scaled by the eye distance. The
    mask is required: without labels there is no telling where a frame's eyes are. A frame whose
    mask labels no eyes (out of view, cropped away) gets no glasses (``params`` then holds an
    empty list of occluders).

    Parameters
    ----------
    lens_offset : float or (float, float), optional
        Lens temperature relative to the warmest pixel of the frame, °C.
    frame_offset : float or (float, float), optional
        Frame (rims, bridge, temples) temperature relative to the warmest pixel, °C.
    lens_size : float or (float, float), optional
        Lens semi-axis along the eye line, as a fraction of the eye distance, in (0, 0.5].
    lens_aspect : float or (float, float), optional
        Lens height over width, in (0, 1].
    frame_width : float or (float, float), optional
        Rim and bridge width, fraction of the eye distance (temples are 80 % of it).
    eye_label : int, optional
        Class of the eyes in the mask (3 in the 6-class scheme background, chin, mouth, eyes,
        eyebrows, nose).
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of covered pixels, as in :class:`ThermalOcclusion`.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``.
    p : float, optional
        Probability of applying the transform.

    Raises
    ------
    TypeError, ValueError
        For parameters of the wrong type or out of range; a ValueError when called without a
        mask.

    Notes
    -----
    Glass and common lens polymers are opaque in the long-wave infrared (8-14 µm): a thermal
    camera sees the lens surface itself, not the eye behind it. The lens sits 1-2 cm in front of
    the face, is cooled by the air and reflects the (cooler) surroundings, so it appears several
    °C below the periorbital skin: the default is 3-8 °C below the warmest pixel, which in a face
    frame is the inner eye corner (~35-37 °C). Frames rest on the nose and temples and run warmer
    than the lenses (1-5 °C below the warmest pixel). Lens width is about 0.8x the interpupillary
    distance (~50 mm lenses at ~63 mm), height 0.6-0.85x the width, rims 2-4 mm wide.
    With a 6-class mask the labels are otherwise kept (``label_policy="keep"``): the eyes are
    still behind the lenses, which is what a segmenter should learn.

    The frame's warmest pixel is the reference, so apply :class:`Eyeglasses` before
    :class:`ThermalOcclusion` (a hot synthetic object would otherwise become the reference).

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.occlusion import Eyeglasses
    >>> temps = np.full((64, 80), 34.0, np.float32)
    >>> labels = np.zeros((64, 80), np.uint8)
    >>> labels[28:32, 20:28] = labels[28:32, 52:60] = 3
    >>> out = Eyeglasses()(image=temps, mask=labels, rng=0)
    >>> bool(out["occluded"][labels == 3].mean() > 0.9)
    True
    """

    def __init__(self, lens_offset=(-8.0, -3.0), frame_offset=(-5.0, -1.0),
                 lens_size=(0.38, 0.46), lens_aspect=(0.6, 0.85), frame_width=(0.03, 0.07),
                 eye_label=3, label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(label_policy, ignore_index, p)
        self.lens_offset = check_range(lens_offset, "lens_offset", **_OFFSET)
        self.frame_offset = check_range(frame_offset, "frame_offset", **_OFFSET)
        self.lens_size = check_range(lens_size, "lens_size", low=0.0, high=0.5,
                                     low_inclusive=False)
        self.lens_aspect = check_range(lens_aspect, "lens_aspect", low=0.0, high=1.0,
                                       low_inclusive=False)
        self.frame_width = check_range(frame_width, "frame_width", low=0.0, high=0.5,
                                       low_inclusive=False)
        if isinstance(eye_label, bool) or not isinstance(eye_label, numbers.Integral):
            raise TypeError(f"eye_label must be an int, got {type(eye_label).__name__}")
        self.eye_label = int(eye_label)

    def sample(self, image, mask, rng):
        if mask is None:
            raise ValueError(
                f"Eyeglasses places the lenses on the eyes labelled eye_label={self.eye_label} "
                "in the mask; call it with mask= (a label map with the eyes)"
            )
        eyes = shapes_.eye_centres(mask, self.eye_label)
        if eyes is None:
            return {"occluders": []}
        warmest = float(image.max())
        lenses, frame = shapes_.eyeglasses(*eyes, rng.uniform(*self.lens_size),
                                           rng.uniform(*self.lens_aspect),
                                           rng.uniform(*self.frame_width), rng.uniform(0.3, 0.6))
        return {"occluders": [
            {"shapes": lenses, "temperature": physical(warmest + rng.uniform(*self.lens_offset))},
            {"shapes": frame, "temperature": physical(warmest + rng.uniform(*self.frame_offset))},
        ]}


class HeldCup(_Occluding):
    """A cup with a handle, hot or cold drink, rising into the frame from the bottom border.

    Parameters
    ----------
    hot : float or (float, float), optional
        Outer wall temperature of a cup holding a hot drink, °C.
    cold : float or (float, float), optional
        Outer wall temperature of a cup holding a cold drink, °C.
    p_hot : float, optional
        Probability that the drink is hot.
    width : float or (float, float), optional
        Rim width as a fraction of ``min(H, W)``; the height is 1-1.4x the width.
    gradient : float, optional
        Largest difference in °C between base and rim: the rim, above the liquid, is closer to
        room temperature (cooler for a hot drink, warmer for a cold one).
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of covered pixels, as in :class:`ThermalOcclusion`.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``.
    p : float, optional
        Probability of applying the transform.

    Notes
    -----
    The outer wall of a ceramic or paper cup with fresh coffee or tea reads ~45-65 °C, far above
    skin (~34-36 °C); a cup with an iced drink ~5-12 °C. Both are common in front of faces
    (drinking, video calls) and saturate a per-image min-max normalisation, which is what makes
    them hard. The cup is upright (tilted up to 20 degrees), 15-30 % of the short side wide, its
    base at or below the bottom border; the handle is on a random side.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.occlusion import HeldCup
    >>> temps = np.full((48, 64), 30.0)
    >>> out = HeldCup(p_hot=1.0)(image=temps, rng=0)
    >>> bool(out["image"][out["occluded"]].min() >= 45.0 - 3.0)
    True
    """

    def __init__(self, hot=(45.0, 65.0), cold=(5.0, 12.0), p_hot=0.5, width=(0.15, 0.3),
                 gradient=3.0, label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(label_policy, ignore_index, p)
        self.hot = check_range(hot, "hot", **_TEMPERATURE)
        self.cold = check_range(cold, "cold", **_TEMPERATURE)
        self.p_hot = check_probability(p_hot, "p_hot")
        self.width = check_range(width, "width", low=0.0, high=1.0, low_inclusive=False)
        self.gradient = check_number(gradient, "gradient", low=0.0, high=MAX_DIFFERENCE)

    def sample(self, image, mask, rng):
        is_hot = rng.random() < self.p_hot
        t_base = rng.uniform(*(self.hot if is_hot else self.cold))
        shapes, base, top = shapes_.cup(rng, image.shape, rng.uniform(*self.width)
                                        * min(image.shape))
        t_rim = physical(t_base + (-1.0 if is_hot else 1.0) * rng.uniform(0.0, self.gradient))
        return {"occluders": [{"shapes": shapes, "temperature": (t_base, t_rim),
                               "axis": (tuple(base), tuple(top))}]}


class HandOcclusion(_Occluding):
    """A hand (palm, four fingers, thumb) on a forearm entering from the bottom, left or right.

    Parameters
    ----------
    offset : float or (float, float), optional
        Temperature of the palm relative to the warmest pixel of the frame, °C.
    fingertip_drop : float or (float, float), optional
        How much cooler the fingertips are than the wrist, °C (a linear gradient).
    size : float or (float, float), optional
        Hand length (wrist to fingertip), fraction of ``min(H, W)``.
    label_policy : {"keep", "ignore", "background"}, optional
        Labels of covered pixels, as in :class:`ThermalOcclusion`.
    ignore_index : int, optional
        Label for ``label_policy="ignore"``.
    p : float, optional
        Probability of applying the transform.

    Notes
    -----
    Hands are the most frequent occluder of faces (chin or cheek resting on a hand, covering the
    mouth) and the hardest for a thermal segmenter: skin on skin, the hand reads ~32-35 °C, only
    1-4 °C below the face core (the default offset from the warmest pixel, the inner eye corner),
    and the fingers cool towards the tips (vasoconstriction; default 0-2 °C). A hand is about as
    long as a face is high, hence 40-80 % of the short side of a face crop.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug.occlusion import HandOcclusion
    >>> temps = np.full((48, 64), 35.0)
    >>> out = HandOcclusion()(image=temps, rng=0)
    >>> bool(out["image"][out["occluded"]].max() < 35.0)
    True
    """

    def __init__(self, offset=(-4.0, -1.0), fingertip_drop=(0.0, 2.0), size=(0.4, 0.8),
                 label_policy="keep", ignore_index=255, p=1.0):
        super().__init__(label_policy, ignore_index, p)
        self.offset = check_range(offset, "offset", **_OFFSET)
        self.fingertip_drop = check_range(fingertip_drop, "fingertip_drop", low=0.0,
                                          high=MAX_DIFFERENCE)
        self.size = check_range(size, "size", low=0.0, high=2.0, low_inclusive=False)

    def sample(self, image, mask, rng):
        t_wrist = physical(float(image.max()) + rng.uniform(*self.offset))
        t_tip = physical(t_wrist - rng.uniform(*self.fingertip_drop))
        shapes, wrist, tip = shapes_.hand(rng, image.shape, rng.uniform(*self.size)
                                          * min(image.shape))
        return {"occluders": [{"shapes": shapes, "temperature": (t_wrist, t_tip),
                               "axis": (tuple(wrist), tuple(tip))}]}

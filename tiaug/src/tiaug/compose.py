"""Chaining transforms: ``Compose`` (with one resampling per run of geometric transforms) and the
``TiAug`` preset."""

from ._base import Transform, skipped
from ._validation import check_probability, fitting_label
from .ambience import DEFAULT_CLASSES, ThermalAmbience, _check_classes
from .blur import GaussianBlur
from .camera import ThermalCamera
from .geometry import (
    GeometricTransform,
    HorizontalFlip,
    RandomScale,
    Rotate,
    VerticalFlip,
    _Flip,
    warp,
)
from .noise import NETDNoise
from .occlusion import RandomOccluders, ThermalOcclusion


class Compose(Transform):
    """Apply transforms in order, each with its own probability, resampling geometry once.

    Parameters
    ----------
    transforms : sequence of Transform
        Applied in order. Each child keeps its own ``p``; a skipped child draws only its coin.
    p : float, optional
        Probability of applying the whole chain (one coin before anything else is drawn).

    Raises
    ------
    TypeError
        If `transforms` is not a list or tuple of :class:`tiaug.Transform` instances.
    ValueError
        If `p` is outside [0, 1].

    Notes
    -----
    **One call path.** ``Compose`` reaches its children only through public methods: a call
    ``t(image=..., mask=..., occluded=..., rng=...)`` or ``t.replay(params, ...)`` as a user
    makes them, :meth:`~tiaug.Transform.skip` for a child its coin skips,
    :meth:`~tiaug.Transform.check_params` for the params it replays itself, and for fused geometry
    the hooks :meth:`~tiaug.geometry.GeometricTransform.sample_geometry`,
    :meth:`~tiaug.geometry.GeometricTransform.affine` and
    :meth:`~tiaug.geometry.GeometricTransform.skip_affine`. Every child draws from `rng` exactly
    what it would draw if it were called alone at its place in the chain. ``Compose`` draws a
    child's coin (its ``p``) itself, as it does for fused geometry, and does not call a child
    the coin skips: the child would return its input. A child that overrides how a call draws
    (``__call__`` or the base class's private drawing methods) is always called.

    **Fusion.** Consecutive geometric transforms (flips, :class:`tiaug.Rotate`,
    :class:`tiaug.RandomScale`, any :class:`tiaug.geometry.GeometricTransform` that samples
    from the shape alone) with the same ``fill`` and ``mask_fill`` (flips join any run: they
    never look outside the frame) are sampled in order on the running frame shape; their affine
    matrices are multiplied and the frame, labels and ``occluded`` are resampled *once*. One
    bilinear interpolation instead of one per operation keeps the frame sharper and costs one
    pass, so the result differs slightly (by interpolation error only) from applying the same
    transforms one by one. A run with a single applied transform is that transform's own
    replay. A geometric transform that overrides ``sample`` (its parameters depend on the
    frame's content or labels) or ``apply`` (it does more than resample) is not fused: it is
    called on the current frame like any other transform.

    **Occlusion map.** ``occluded`` is threaded through the chain (and may be passed in with
    ``occluded=``): an occlusion ORs its new occluders into it and later geometry carries it
    along (nearest neighbour; pixels from outside the frame are not occluded). Other transforms
    pass it through.

    **Params.** ``{"applied": bool, "transforms": [child params, ...]}``, one entry per child
    (``{"applied": False}`` for a skipped one); :meth:`replay` reproduces the output exactly.

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import Compose, HorizontalFlip, Rotate, NETDNoise
    >>> temps = np.full((32, 40), 30.0, np.float32)
    >>> aug = Compose([HorizontalFlip(p=0.5), Rotate(angle=(-10, 10)), NETDNoise(0.1)])
    >>> out = aug(image=temps, rng=0)
    >>> again = aug.replay(out["params"], image=temps)
    >>> np.array_equal(out["image"], again["image"])
    True
    """

    def __init__(self, transforms, p=1.0):
        super().__init__(p)
        self.transforms = _check_transforms(transforms)

    def _forward(self, image, mask, occluded, *, rng=None, params=None):
        if params is None:
            if skipped(self.p, rng):
                return *self.skip(image, mask, occluded), {"applied": False}
            image, mask, occluded, drawn = self._run(image, mask, occluded, rng, None)
            return image, mask, occluded, {"applied": True, "transforms": drawn}
        return super()._forward(image, mask, occluded, params=params)

    def _check_drawn(self, params):
        children = params.get("transforms")
        if not isinstance(children, (list, tuple)) or len(children) != len(self.transforms):
            raise ValueError(
                f"params['transforms'] must hold one params dict per transform "
                f"({len(self.transforms)}), got {children!r:.200}"
            )
        return {**params, "transforms": [t.check_params(c)
                                         for t, c in zip(self.transforms, children)]}

    def apply(self, params, image, mask, occluded):
        return self._run(image, mask, occluded, None, params["transforms"])[:3]

    def skip(self, image, mask, occluded):
        # A skipped chain still gives its fixed output size, if a child has one.
        for t in self.transforms:
            image, mask, occluded = t.skip(image, mask, occluded)
        return image, mask, occluded

    def _run(self, image, mask, occluded, rng, children):
        # `children` is None to draw (from `rng`), else the params to replay. Children are
        # reached only through their public methods: a call or replay, or, inside a fused run,
        # the geometry hooks sample_geometry / affine.
        drawn = []
        i = 0
        while i < len(self.transforms):
            if _fusable(self.transforms[i]):
                j, fill, mask_fill = _geometric_run_end(self.transforms, i)
                given = None if children is None else children[i:j]
                image, mask, occluded, group_params = _geometric_run(
                    self.transforms[i:j], image, mask, occluded, rng, given, fill, mask_fill)
                drawn.extend(group_params)
                i = j
            else:
                t = self.transforms[i]
                # A child the coin skips is not called, in a replay as in the call: a replay of
                # a call that succeeded must not fail on checks the call never made.
                if _skips(t, rng) if children is None else _skipped_in(t, children[i]):
                    image, mask, occluded = t.skip(image, mask, occluded)
                    drawn.append({"applied": False})
                    i += 1
                    continue
                if children is None:
                    out = t(image=image, mask=mask, occluded=occluded, rng=rng)
                else:
                    out = t.replay(children[i], image=image, mask=mask, occluded=occluded)
                image, mask, occluded = out["image"], out.get("mask"), out["occluded"]
                drawn.append(out["params"])
                i += 1
        return image, mask, occluded, drawn

    def _repr_args(self):
        return {"transforms": self.transforms, "p": self.p}


def _skips(t, rng):
    """Draw `t`'s coin as its own call would first: True when `t` is skipped.

    A skipped child is not called: checking and copying the frame only to hand it back cost a
    tenth of a millisecond per child on a 512x640 frame. When the coin says "apply", the
    generator is rewound, so the child's call draws that coin itself. Only for children whose
    call draws the coin before anything else (they override none of the base class's calling
    machinery); any other child is always called.
    """
    if t.p >= 1.0 or not _coin_first(type(t)):
        return False
    state = rng.bit_generator.state
    if skipped(t.p, rng):
        return True
    rng.bit_generator.state = state
    return False


def _skipped_in(t, params):
    """Whether replayed `params` say that the coin skipped `t` (a child not called by the call)."""
    return _coin_first(type(t)) and not params["applied"]


def _coin_first(cls):
    return all(getattr(cls, name) is getattr(Transform, name)
               for name in ("__call__", "_forward", "_draw", "_skipped"))


def _fusable(t):
    """A geometric transform that is known to be the affine map it declares: its sampling sees
    only the shape (it did not override sample) and its apply is one of tiaug's resamplings
    through affine (a subclass that overrides apply does more, and is called on its own)."""
    return (isinstance(t, GeometricTransform) and type(t).sample is GeometricTransform.sample
            and type(t).apply in _AFFINE_APPLY)


def _geometric_run_end(transforms, start):
    """Return ``(stop, fill, mask_fill)`` of the run of fusable geometric transforms at `start`.

    Flips never look outside the frame, so their own fill does not matter: they join any run.
    Other transforms join while their ``(fill, mask_fill)`` equals the run's.
    """
    key = None
    stop = start
    while stop < len(transforms) and _fusable(transforms[stop]):
        t = transforms[stop]
        if not isinstance(t, (HorizontalFlip, VerticalFlip)):
            own = (t.fill, t.mask_fill)
            if key is None:
                key = own
            elif own != key:
                break
        stop += 1
    if key is None:
        return stop, transforms[start].fill, transforms[start].mask_fill
    return stop, key[0], key[1]


def _geometric_run(group, image, mask, occluded, rng, given, fill, mask_fill):
    """Sample (or take `given`) params for a run of geometric transforms and resample once.

    Each transform samples through its public shape-only hook with the shape the frame has at
    its place in the run, exactly what it would see if it were called alone there.
    """
    if mask is not None:  # on every call, also when no transform of the run applies
        fitting_label(mask_fill, mask.dtype, "mask_fill")
    drawn = []
    applied = []
    shape = image.shape
    matrix = None
    for k, t in enumerate(group):
        if given is not None:
            params = given[k]
        elif skipped(t.p, rng):
            params = {"applied": False}
        else:
            params = {"applied": True, **t.sample_geometry(shape, rng)}
        drawn.append(params)
        step = t.affine(params, shape) if params["applied"] else t.skip_affine(shape)
        if step is not None:
            a, shape = step
            matrix = a if matrix is None else a @ matrix
            applied.append((t, params))
    if len(applied) == 1:
        t, params = applied[0]
        out = t.replay(params, image=image, mask=mask, occluded=occluded)
        image, mask, occluded = out["image"], out.get("mask"), out["occluded"]
    elif applied:
        image, mask, occluded = warp(image, mask, occluded, matrix, shape, fill, mask_fill)
    return image, mask, occluded, drawn


def _check_transforms(transforms):
    if not isinstance(transforms, (list, tuple)):
        raise TypeError(
            f"transforms must be a list of tiaug transforms, got {type(transforms).__name__}"
        )
    for k, t in enumerate(transforms):
        if not isinstance(t, Transform):
            raise TypeError(
                f"transforms[{k}] must be a tiaug Transform (e.g. tiaug.Rotate()), "
                f"got {type(t).__name__}"
            )
    return list(transforms)


# The apply methods that resample exactly through the transform's affine().
_AFFINE_APPLY = (GeometricTransform.apply, _Flip.apply)

# TiAug's occluders: RandomOccluders' families, or the paper's ThermalOcclusion.
OCCLUDERS = ("paper", "families")
# TiAug's parameters, fixed once its children are built (its `p` is the chain's own, as in
# every Compose).
_PRESET = ("netd", "occluders", "families", "temperature", "label_policy", "ignore_index", "fill",
           "mask_fill", "angle", "scale", "p_geometry", "p_blur", "p_occlusion", "p_noise",
           "p_ambience", "p_camera", "classes", "vflip", "size")


class TiAug(Compose):
    """The recommended thermal augmentation pipeline (after SAM-CL, BMVC 2022, Sec. 3.2) as one
    transform; :meth:`paper` builds the paper's own.

    In order: :class:`~tiaug.ThermalAmbience` (another room and physiological state, with
    probability `p_ambience`), :class:`~tiaug.HorizontalFlip` (p=0.5), then (with ``vflip=True``)
    :class:`~tiaug.VerticalFlip` (p=0.5), :class:`~tiaug.Rotate` and :class:`~tiaug.RandomScale`
    (each with probability `p_geometry`) -- fused into one resampling -- then
    :class:`~tiaug.GaussianBlur` (sigma 1.0-1.2 px, with probability `p_blur`: off by default),
    the occluders (with probability `p_occlusion`): :class:`~tiaug.RandomOccluders` (hands,
    drinks, glasses, masks, scarves, phones, hair, ... with temperature fields from physics) or,
    with ``occluders="paper"``, the paper's :class:`~tiaug.ThermalOcclusion`, and
    :class:`~tiaug.NETDNoise` (with probability `p_noise`), since the paper adds the sensor
    noise after occlusion (Eq. 4), and :class:`~tiaug.ThermalCamera` (another camera, with
    probability `p_camera`) last.

    Parameters
    ----------
    netd : float, optional
        Largest sensor noise in °C (see :class:`~tiaug.NETDNoise`).
    occluders : {"families", "paper"}, optional
        :class:`~tiaug.RandomOccluders`' families (default) or the paper's polygons and lines at
        one temperature each (:class:`~tiaug.ThermalOcclusion`).
    families : sequence of str, optional
        The families ``RandomOccluders`` draws (a subset of :data:`tiaug.occlusion.FAMILIES`);
        None (default) draws every family. Only with ``occluders="families"``.
    temperature : "any", "hot", "cold" or (float, float), optional
        Temperature mode of the paper's occluders (see :class:`~tiaug.ThermalOcclusion`); None
        (default) is ``"any"``. Only with ``occluders="paper"``: the families set their
        temperatures from the frame's ambient and skin temperatures.
    label_policy : "ignore", "keep" or "background", optional
        What happens to the labels under occluders: `ignore_index` (default, so that your loss
        must skip that label, e.g. ``torch.nn.CrossEntropyLoss(ignore_index=255)``), the face
        part behind the occluder (``"keep"``, the paper's amodal labels) or background.
    ignore_index : int, optional
        Label written under occluders with ``label_policy="ignore"``. A call with a mask whose
        dtype cannot hold it (255 in ``int8``) raises a ValueError, whether or not that frame
        draws occluders.
    fill : "edge" or float, optional
        Temperature of pixels that rotation and scaling bring in from outside the frame.
    mask_fill : int, optional
        Label of those pixels: 0 (background) or your `ignore_index`.
    angle : float or (float, float), optional
        Rotation range in degrees.
    scale : float or (float, float), optional
        Range of the resize factor (aspect jitter 0.9-1.1 on top).
    p_geometry : float, optional
        Probability of the rotation and, independently, of the scaling.
    p_blur : float, optional
        Probability of the Gaussian blur (default 0: see Notes; the paper: 0.5).
    p_occlusion : float, optional
        Probability of occluders on a frame (the paper: 0.5).
    p_noise : float, optional
        Probability of the sensor noise (the paper: 0.5).
    p_ambience : float, optional
        Probability of another room and physiological state (:class:`~tiaug.ThermalAmbience`
        with its defaults: rooms of 10-35 °C, the nose tip ±4 °C, the other regions ±1 °C). It
        comes first, so that the occluders take their temperatures from the new room. With 0
        it is left out of the chain (the pipeline before it joined, draw for draw).
    p_camera : float, optional
        Probability of another camera (:class:`~tiaug.ThermalCamera` with its defaults: a preset
        of :data:`tiaug.camera.CAMERAS` per frame, the frame spanning 30-100 % of its sensor's
        width). It comes last: the camera records the scene with its occluders. With 0 it is left
        out of the chain.
    classes : dict, optional
        Label values of ``"eyes"``, ``"nose"`` and ``"mouth"`` in your masks, which place the
        body's regions (and the eyes the eyeglasses' lenses); None: those of
        :mod:`tiaug.datasets` (eyes 3, nose 5, mouth 2). Masks without them get the room only.
    vflip : bool, optional
        Also flip upside down with probability 0.5.
    size : (int, int) or None, optional
        Output ``(H, W)``; None keeps the input's size (centre crop / pad).
    p : float, optional
        Probability of applying the whole pipeline.

    Raises
    ------
    TypeError, ValueError
        As the underlying transforms do for the corresponding argument.

    Notes
    -----
    Why these defaults (measured on synthetic faces; docs, "Validation"). Every test frame of a
    face dataset is upright and framed alike, so geometry far beyond that teaches frames that
    never come: with the paper's geometry (vertical flips, rotation of ±30° and scaling of
    0.5-2x on every frame) a 3-level UNet trained 2000 steps lost 16 mIoU points on clean faces.
    Rotation of at most 10° and scaling of 0.8-1.25x, each on half of the frames, cost nothing
    measurable. The occluders are the families, not the paper's one-temperature polygons: trained
    with them, a UNet scored 85.4 % instead of 67.5 % (flips only) on a family of occluders it
    never drew. The labels under the occluders are ignored: keeping them cost 0.8 points more
    on clean faces (after 2400 steps, 3 seeds each, against flips only). Most of the clean cost
    was the blur: without it the preset scores as flips do on clean faces (+0.1 points, no
    significant difference; without the noise instead it still costs 1.0 point). The blur's
    sigma is in pixels of the frame it is applied to: 1-1.2 px at 96x120 is a defocus of 5-6 px
    at 512x640, which the sharp test frames never show. Pass ``p_blur=0.5`` for frames whose
    camera does blur like that. Without the blur, drawing the occluders more often costs little:
    on a quarter, half or three quarters of the frames, clean faces score 0.1 above, 0.3 and
    0.7 points below flips only (no significant difference), and faces under the families
    85.9, 87.0 and 87.4 % (flips only 61.2 %). The study's rule, fixed before it ran, takes the
    best under occluders of those within 1 point on clean faces: three quarters. Each family
    then comes on about 9 % of the frames, which the thin and translucent ones (hair, glasses)
    need: a model that saw them on 3 % of its frames closed only 54 % and 71 % of their gap.

    The room and the body come on half of the frames. A model that never saw them keys on the
    nose being the face's cold spot: on faces whose nose is warmer than the skin, flips only
    scored 69.4 % (91.1 % on lab faces), the nose's IoU 16 %, and the nose temperature measured
    through its masks was 0.36 °C off; ``TiAug()`` without the room and the body closed 20 % of
    that gap. With :class:`~tiaug.ThermalAmbience` on a quarter, half or three quarters of the
    frames, faces in cold and hot rooms and with cold and warm noses scored 85.9, 86.0 and
    86.0 % on average, clean faces 0.34 above, 0.16 and 0.26 points below flips only (no
    significant difference), and the occluder families 0.3 above, 0.2 and 0.3 below ``TiAug()``
    without them (3 seeds each, 4800 steps). The study's rule, fixed before it ran, takes the
    best under those conditions of the candidates within 1 point on clean faces and on the
    occluder families: a half. It closes 91 % of the warm nose's gap, measures the nose within
    0.018 °C, and closes 37 % of the gap of a 30-35 °C room, where the eyes and eyebrows stay
    hard to find (docs, "Validation").

    Examples
    --------
    >>> import numpy as np
    >>> from tiaug import TiAug
    >>> temps = np.full((64, 80), 22.0, np.float32); temps[16:48, 24:56] = 34.0
    >>> labels = (temps > 30).astype(np.uint8)
    >>> out = TiAug()(image=temps, mask=labels, rng=0)
    >>> out["image"].shape, out["mask"].dtype, out["occluded"].dtype
    ((64, 80), dtype('uint8'), dtype('bool'))
    >>> TiAug().p_ambience, TiAug.paper().p_ambience  # the room and the body: not the paper's
    (0.5, 0.0)
    >>> TiAug.paper().angle, TiAug.paper().scale, TiAug.paper().occluders
    ((-30.0, 30.0), (0.5, 2.0), 'paper')
    >>> TiAug(occluders="families", families=("hand", "cup")).families
    ('hand', 'cup')
    """

    def __init__(self, netd=0.1, occluders="families", families=None, temperature=None,
                 label_policy="ignore", ignore_index=255, fill="edge", mask_fill=0,
                 angle=(-10.0, 10.0), scale=(0.8, 1.25), p_geometry=0.5, p_blur=0.0,
                 p_occlusion=0.75, p_noise=0.5, p_ambience=0.5, p_camera=0.0, classes=None,
                 vflip=False, size=None, p=1.0):
        if not isinstance(vflip, bool):
            raise TypeError(f"vflip must be True or False, got {vflip!r}")
        if occluders not in OCCLUDERS:
            raise ValueError(f"occluders must be one of {', '.join(map(repr, OCCLUDERS))}, "
                             f"got {occluders!r}")
        # Checked here so that an error names the preset's argument, not the child's `p`.
        p_geometry = check_probability(p_geometry, "p_geometry")
        p_blur = check_probability(p_blur, "p_blur")
        p_occlusion = check_probability(p_occlusion, "p_occlusion")
        p_noise = check_probability(p_noise, "p_noise")
        p_ambience = check_probability(p_ambience, "p_ambience")
        p_camera = check_probability(p_camera, "p_camera")
        classes = _check_classes(classes)
        rot = Rotate(angle=angle, fill=fill, mask_fill=mask_fill, p=p_geometry)
        resize = RandomScale(scale=scale, aspect=(0.9, 1.1), size=size, fill=fill,
                             mask_fill=mask_fill, p=p_geometry)
        if occluders == "families":
            if temperature is not None:
                raise ValueError("temperature sets the paper's occluders (occluders='paper'); "
                                 "the families take theirs from each frame's ambient and skin "
                                 f"temperatures, got temperature={temperature!r}")
            kwargs = {} if families is None else {"families": families}
            occlusion = RandomOccluders(**kwargs, eye_label=classes.get(
                "eyes", DEFAULT_CLASSES["eyes"]), label_policy=label_policy,
                ignore_index=ignore_index, p=p_occlusion)
        else:
            if families is not None:
                raise ValueError("families chooses the occluder families "
                                 f"(occluders='families'), got families={families!r} with "
                                 "occluders='paper'")
            occlusion = ThermalOcclusion(temperature="any" if temperature is None else temperature,
                                         label_policy=label_policy, ignore_index=ignore_index,
                                         p=p_occlusion)
        blur = GaussianBlur(sigma=(1.0, 1.2), p=p_blur)
        noise = NETDNoise(netd=netd, p=p_noise)
        ambience = ThermalAmbience(classes=classes, ignore_index=ignore_index, p=p_ambience)
        camera = ThermalCamera(p=p_camera)
        super().__init__([
            *([ambience] if p_ambience > 0.0 else []),
            HorizontalFlip(p=0.5),
            *([VerticalFlip(p=0.5)] if vflip else []),
            rot,
            resize,
            blur,
            occlusion,
            noise,
            *([camera] if p_camera > 0.0 else []),
        ], p=p)
        # The children's validated values, so that repr shows what is used.
        self.netd = noise.netd
        self.occluders = occluders
        self.families = occlusion.families if occluders == "families" else None
        self.temperature = occlusion.temperature if occluders == "paper" else None
        self.label_policy = occlusion.label_policy
        self.ignore_index = occlusion.ignore_index
        self.fill = rot.fill
        self.mask_fill = rot.mask_fill
        self.angle = rot.angle
        self.scale = resize.scale
        self.p_geometry = rot.p
        self.p_blur = blur.p
        self.p_occlusion = occlusion.p
        self.p_noise = noise.p
        self.p_ambience = ambience.p
        self.p_camera = camera.p
        self.classes = None if classes == DEFAULT_CLASSES else classes
        self.vflip = vflip
        self.size = resize.size
        self._built = True

    @classmethod
    def paper(cls, **kwargs):
        """The paper's pipeline: its occluders (:class:`~tiaug.ThermalOcclusion`) on half of the
        frames with the labels kept under them, vertical flips too, and rotation (±30°) and
        scaling (0.5-2x) on every frame.

        The reference code rotates by 0-359°; pass ``angle=(0, 360)`` for that. Other keyword
        arguments are those of :class:`TiAug`.

        Examples
        --------
        >>> from tiaug import TiAug
        >>> TiAug.paper(netd=0.05)
        TiAug(netd=0.05, occluders='paper', families=None, temperature='any', \
label_policy='keep', ignore_index=255, fill='edge', mask_fill=0, angle=(-30.0, 30.0), \
scale=(0.5, 2.0), p_geometry=1.0, p_blur=0.5, p_occlusion=0.5, p_noise=0.5, p_ambience=0.0, \
p_camera=0.0, classes=None, vflip=True, size=None, p=1.0)
        """
        recipe = dict(occluders="paper", label_policy="keep", angle=(-30.0, 30.0),
                      scale=(0.5, 2.0), p_geometry=1.0, p_blur=0.5, p_occlusion=0.5, p_noise=0.5,
                      p_ambience=0.0, p_camera=0.0, vflip=True)
        return cls(**{**recipe, **kwargs})

    def __setattr__(self, name, value):
        # The parameters shape the children when the preset is built: a later assignment would
        # show in repr and change nothing.
        if name in _PRESET and self.__dict__.get("_built", False):
            raise AttributeError(
                f"TiAug's {name} is fixed when the preset is built; build a new one instead, "
                f"e.g. TiAug({name}={value!r:.40}, ...)")
        super().__setattr__(name, value)

    def _repr_args(self):
        return {k: getattr(self, k) for k in (*_PRESET, "p")}

"""Pinned training pipelines that more than one study trains: a new default of TiAug adds a
pipeline here or in a study, it never changes what a stored run measured."""

# The regimes of the learning curves (and of the earlier, 2400-iteration validation study):
# ``geometric`` is the paper's baseline augmentation, which the validation study trains too;
# ``tiaug`` (and ``tiaug_samcl``, the same with SAMCLLoss) the TiAug preset of when their runs
# were trained.
REGIMES = ("geometric", "tiaug", "tiaug_samcl")
PAPER_TIAUG = dict(occluders="paper", label_policy="keep", p_blur=0.5, p_occlusion=0.5,
                   p_ambience=0.0, p_camera=0.0)


def regime_pipeline(regime, size):
    """The augmentation of a validation regime at frame `size`."""
    import tiaug

    occluded = tiaug.TiAug(size=tuple(size), **PAPER_TIAUG)
    if regime == "geometric":  # the same chain without the occluders and the noise
        return tiaug.Compose(occluded.transforms[:-2])
    return occluded


def uses_samcl(regime):
    """Whether a validation regime trains with SAMCLLoss."""
    return regime == "tiaug_samcl"

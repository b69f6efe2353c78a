import os

from hypothesis import HealthCheck, settings

# deadline=None: the first call of a numba kernel compiles (seconds), later ones take microseconds.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

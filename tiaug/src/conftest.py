"""pytest's doctest collection of the tiaug sources (``--doctest-modules``, set in the repository's
pyproject.toml): every ``>>>`` example in the package's docstrings runs with ``make test``.

Modules that import an optional dependency are left out when it is not installed, so the examples
of the core also run in an environment with tiaug's own dependencies only. This file sits beside
the package, not in it: it is not part of the distribution.
"""

import importlib.util

_OPTIONAL = {
    "tiaug/testing/strategies.py": "hypothesis",
    "tiaug/integrations/_albumentations.py": "albumentations",
    "tiaug/integrations/_monai.py": "monai",
}

collect_ignore = [path for path, module in _OPTIONAL.items()
                  if importlib.util.find_spec(module) is None]

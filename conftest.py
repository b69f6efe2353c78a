"""pytest's doctest collection of the package sources (``--doctest-modules`` over tiaug/src and
samcl_loss/src, set in pyproject.toml): every ``>>>`` example in the docstrings runs with
``make test``.

Modules that import an optional dependency are left out when it is not installed, so the examples
of the core also run in an environment with the packages' own dependencies only. (This file is at
the repository root, not in tiaug/src: there pytest would import it as ``tiaug.src.conftest`` and
shadow the real ``tiaug`` package.)
"""

import importlib.util

_OPTIONAL = {
    "tiaug/src/tiaug/testing/strategies.py": "hypothesis",
    "tiaug/src/tiaug/integrations/_albumentations.py": "albumentations",
    "tiaug/src/tiaug/integrations/_monai.py": "monai",
}

collect_ignore = [path for path, module in _OPTIONAL.items()
                  if importlib.util.find_spec(module) is None]

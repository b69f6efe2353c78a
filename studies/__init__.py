"""The scientific studies of docs/validation.rst, each run as ``python -m studies.<name>``
(``make validate``, ``make transfer``, ...): :mod:`studies.harness` is their machinery,
:mod:`studies.testsets` and :mod:`studies.ood_occluders` the occluded test sets they share, and
each other module one study that declares its models, test sets and comparisons.
"""

import sys
from pathlib import Path

# The studies train through the examples (examples/train.py), which are scripts that import
# their siblings by name, as a user runs them: their folder goes on the path here, once.
_EXAMPLES = str(Path(__file__).resolve().parent.parent / "examples")
if _EXAMPLES not in sys.path:
    sys.path.insert(0, _EXAMPLES)

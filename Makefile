# Two entry points for a fresh clone: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_INSTALL := $(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt

.PHONY: env demo test test-nojit fuzz bench docs validate normalization defaults transfer \
	conditions cameras camera_defaults clean

$(STAMP): constraints.txt requirements-dev.txt tiaug/pyproject.toml samcl_loss/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -r requirements-dev.txt -e ./tiaug -e ./samcl_loss
	touch $(STAMP)

env: $(STAMP)

demo: env
	$(BIN)/python examples/demo.py --out demo-output

# Lint, then the test suite and every docstring example of both packages (pyproject.toml).
test: env
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Pure-Python run of every numba kernel, for line coverage of the kernels themselves.
test-nojit: env
	NUMBA_DISABLE_JIT=1 $(BIN)/python -m pytest --cov=tiaug --cov=samcl_loss --cov-report=term-missing tests/tiaug

# Long fuzz run of every public callable (about 25 minutes on 2 cores), each case in a worker
# process so that a crash or a hang fails the case, not the run; not part of `make test`.
fuzz: env
	HYPOTHESIS_PROFILE=fuzz nice -n 15 $(BIN)/python -m pytest -m fuzz -p no:cacheprovider tests

bench: env
	$(BIN)/python benchmarks/run_all.py

docs: env
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

# The studies of docs/validation.rst, each resumable (finished runs are kept in studies/results
# and reused while the run's fingerprint, which hashes the synthetic frames, still matches).
# numpy's AVX-512 kernels round some functions differently from its AVX2 ones, so the frames
# would differ in the last bits between machines: the studies use the AVX2 kernels everywhere.
STUDY_ENV := NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL" OMP_WAIT_POLICY=PASSIVE

validate: env
	$(STUDY_ENV) $(BIN)/python -m studies.validation

normalization: env
	$(STUDY_ENV) $(BIN)/python -m studies.normalization

defaults: env
	$(STUDY_ENV) $(BIN)/python -m studies.defaults

transfer: env
	$(STUDY_ENV) $(BIN)/python -m studies.transfer

conditions: env
	$(STUDY_ENV) $(BIN)/python -m studies.conditions

cameras: env
	$(STUDY_ENV) $(BIN)/python -m studies.cameras

camera_defaults: env
	$(STUDY_ENV) $(BIN)/python -m studies.camera_defaults

clean:
	rm -rf $(VENV) demo-output docs/_build docs/auto_examples docs/gen_modules

import collections
import os
import pickle
import selectors
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# deadline=None: the first call of a numba kernel compiles (seconds), later ones take microseconds.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", deadline=None, max_examples=500)
# `make fuzz`: the fuzz tests (marker "fuzz") with many more examples; not part of `make test`.
settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 4500)),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


class FuzzWorker:
    """Runs fuzz cases in a child process (tests/fuzz_worker.py), restarted after it crashes.

    ``run(case)`` returns ``(kind, detail)``: the child's ``"ok"``, ``"refused"`` or
    ``"invalid"``, or ``"crash"`` when the child died and ``"hang"`` when it did not answer
    within `timeout` seconds (the first call of a kernel may compile for a few seconds).
    """

    def __init__(self, timeout=None):
        self.timeout = float(timeout or os.environ.get("FUZZ_TIMEOUT", 120))
        self.proc = None
        self.outcomes = collections.Counter()

    def run(self, case):
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        payload = pickle.dumps(case)
        try:
            self.proc.stdin.write(struct.pack("<Q", len(payload)) + payload)
            self.proc.stdin.flush()
            outcome = pickle.loads(self._read(struct.unpack("<Q", self._read(8))[0]))
        except (BrokenPipeError, EOFError):
            outcome = ("crash", f"the worker died with exit status {self.proc.wait()}")
            self.proc = None
        except TimeoutError:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            outcome = ("hang", f"no answer within {self.timeout:g} s")
        self.outcomes[outcome[0]] += 1
        return outcome

    def close(self):
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)

    def _start(self):
        worker = Path(__file__).with_name("fuzz_worker.py")
        # One thread: the test machines are small and shared.
        env = os.environ | {"OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
        self.proc = subprocess.Popen([sys.executable, str(worker)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)

    def _read(self, n):
        data = b""
        while len(data) < n:
            if not self.selector.select(self.timeout):
                raise TimeoutError
            chunk = os.read(self.proc.stdout.fileno(), n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data


_FUZZ = []


@pytest.fixture(scope="session")
def fuzz():
    worker = FuzzWorker()
    _FUZZ.append(worker)
    yield worker
    worker.close()


def pytest_terminal_summary(terminalreporter):
    for worker in (w for w in _FUZZ if w.outcomes):
        counts = ", ".join(f"{n} {kind}" for kind, n in worker.outcomes.most_common())
        terminalreporter.write_line(
            f"fuzz: {worker.outcomes.total()} cases run in a separate process: {counts} "
            "(a failing case is replayed while hypothesis shrinks it)")

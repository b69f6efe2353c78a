"""The fuzz fixture reports crashes, hangs and contract breaks, and goes on after them."""

import pytest


@pytest.fixture
def worker(fuzz):
    w = type(fuzz)(timeout=5.0)  # a worker of its own, with a short timeout
    yield w
    w.close()


def case(target):
    return {"kind": "selftest", "target": target, "names": ["image"]}


def test_crashes_and_hangs_are_reported_and_the_worker_restarts(worker):
    assert worker.run(case("fine")) == ("ok", "")
    kind, detail = worker.run(case("crash"))
    assert kind == "crash" and "exit status -11" in detail
    assert worker.run(case("hang")) == ("hang", "no answer within 5 s")
    assert worker.run(case("fine")) == ("ok", "")
    assert worker.outcomes == {"ok": 2, "crash": 1, "hang": 1}


def test_other_exceptions_and_vague_errors_break_the_contract(worker):
    kind, detail = worker.run(case("wrong error"))
    assert kind == "invalid" and "KeyError: 'a wrong exception type'" in detail
    assert worker.run(case("vague error")) == (
        "invalid", "the error names no argument: ValueError: something is off")

"""A private JACK server on the dummy backend for tests that need real audio/MIDI ports."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest


def _die_with_parent() -> None:
    """In the child before exec: jackd gets SIGTERM if pytest itself is killed (a timeout), so
    no dummy server outlives the run whose fixture would have stopped it (Linux prctl)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@contextlib.contextmanager
def dummy_jack_server(prefix: str, log_dir: Path, period: int = 256):
    """Start jackd (dummy driver, 48 kHz), export its unique name as JACK_DEFAULT_SERVER so every
    client of the test (FluidSynth and rtmidi included) finds it, yield the name, stop it by pid."""
    jackd = shutil.which("jackd")
    if jackd is None:
        pytest.skip("jackd not installed (Debian: sudo apt install jackd2)")
    jack = pytest.importorskip("jack", reason="JACK-Client missing: pip install -e '.[test]'")
    name = f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    previous = os.environ.get("JACK_DEFAULT_SERVER")
    os.environ["JACK_DEFAULT_SERVER"] = name
    log = log_dir / "jackd.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([jackd, "--no-realtime", "-n", name, "-d", "dummy", "-r", "48000",
                                    "-p", str(period)], stdout=sink, stderr=sink,
                                   preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                jack.Client("composer-probe", servername=name, no_start_server=True).close()
                break
            except jack.JackError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jackd dummy server did not start: {log.read_text()[-500:]}")
                time.sleep(0.1)
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if previous is None:
            os.environ.pop("JACK_DEFAULT_SERVER", None)
        else:
            os.environ["JACK_DEFAULT_SERVER"] = previous

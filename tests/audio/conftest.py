"""Fixtures for the sound-engine tests: the soundfont, offline engines, a JACK dummy server.

Every test here drives real FluidSynth with a real General MIDI soundfont (scripts/setup.sh
installs fluid-soundfont-gm) and listens to the audio it produced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # sound_analysis, a helper beside the tests

from composer.audio import SoundEngine, SoundFontError, find_soundfont  # noqa: E402
from composer.music.score import Note, Score, Voice  # noqa: E402

RATE = 44100


@pytest.fixture(scope="session")
def soundfont() -> Path:
    try:
        return find_soundfont().path
    except SoundFontError as error:
        pytest.skip(f"no General MIDI soundfont on this machine ({error})")


@pytest.fixture
def offline(soundfont):
    """A factory of offline engines (no audio device; time moves only through render())."""
    engines: list[SoundEngine] = []

    def make(score: Score | None = None) -> SoundEngine:
        engine = SoundEngine(soundfont=soundfont, offline=True, sample_rate=float(RATE), strict=True)
        engines.append(engine)
        if score is not None:
            engine.load(score)
        return engine

    yield make
    for engine in engines:
        engine.close()


def listen(engine: SoundEngine, seconds: float, block: int = 1024) -> np.ndarray:
    """Advance an offline engine by `seconds` and return the audio, int16 (frames, 2)."""
    frames = int(round(seconds * RATE))
    chunks = []
    while frames > 0:
        chunks.append(engine.render(min(block, frames)))
        frames -= len(chunks[-1])
    return np.concatenate(chunks)


def melody(pitches: list[int], program: int = 0, step: int = 480, length: int = 240,
           velocity: int = 100) -> Score:
    return Score(notes=[Note(p, i * step, length, velocity) for i, p in enumerate(pitches)],
                 voices=[Voice("melody", program)])


@pytest.fixture
def jack_server(tmp_path):
    """A private JACK server on the dummy backend; its name is exported as JACK_DEFAULT_SERVER
    so every client of this test (FluidSynth included) finds it and no other test's."""
    jackd = shutil.which("jackd")
    if jackd is None:
        pytest.skip("jackd not installed (Debian: sudo apt install jackd2)")
    jack = pytest.importorskip("jack", reason="JACK-Client missing: pip install -e '.[test]'")
    name = f"composer-audio-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    previous = os.environ.get("JACK_DEFAULT_SERVER")
    os.environ["JACK_DEFAULT_SERVER"] = name
    log = tmp_path / "jackd.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([jackd, "--no-realtime", "-n", name, "-d", "dummy",
                                    "-r", "48000", "-p", "256"], stdout=sink, stderr=sink)
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

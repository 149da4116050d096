"""Fixtures for the sound-engine tests: the soundfont, offline engines, a JACK dummy server.

Every test here drives real FluidSynth with a real General MIDI soundfont (scripts/setup.sh
installs fluid-soundfont-gm) and listens to the audio it produced.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # sound_analysis, a helper beside the tests
sys.path.insert(0, str(Path(__file__).parent.parent))  # dummy_jack, shared with tests/midi_in

from dummy_jack import dummy_jack_server  # noqa: E402

from composer.audio import SoundEngine, SoundFontError, find_soundfont  # noqa: E402
from audio_helpers import RATE, listen, melody  # noqa: E402,F401 - helpers, see there
from composer.music.score import Score  # noqa: E402



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


@pytest.fixture
def jack_server(tmp_path):
    """A private JACK server on the dummy backend; its name is exported as JACK_DEFAULT_SERVER
    so every client of this test (FluidSynth included) finds it and no other test's."""
    with dummy_jack_server("composer-audio", tmp_path) as name:
        yield name

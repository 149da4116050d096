"""Small real corpora for the data tests: a user folder written by the tests (MIDI through
pretty_midi, ABC as text, MusicXML through music21) and a handful of music21 corpus files."""

from __future__ import annotations

from pathlib import Path

import pytest

ABC_TWO_TUNES = """X:1
T:First Tune
M:4/4
L:1/8
Q:1/4=100
K:G
GABc d2 B2 | c2 A2 G4 |]

X:2
T:Second Tune
M:3/4
L:1/4
K:D
D E F | A2 d |]
"""

ABC_ONE_TUNE = """X:1
T:Jig
M:6/8
L:1/8
K:Am
A2B c2d | e2d c2B |]
"""


def write_midi_file(path: Path, pitches: list[int], *, drums: bool = False, bpm: float = 90.0) -> None:
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=bpm)
    piano = pretty_midi.Instrument(program=0)
    beat = 60.0 / bpm
    for i, pitch in enumerate(pitches):
        piano.notes.append(pretty_midi.Note(velocity=70 + i, pitch=pitch, start=i * beat, end=(i + 1) * beat))
    midi.instruments.append(piano)
    if drums:
        kit = pretty_midi.Instrument(program=0, is_drum=True)
        for i in range(len(pitches)):
            kit.notes.append(pretty_midi.Note(velocity=100, pitch=36, start=i * beat, end=i * beat + 0.1))
        midi.instruments.append(kit)
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.write(str(path))


@pytest.fixture
def user_folder(tmp_path: Path) -> Path:
    """my_music/
         loose.mid            -> style 'my_music' (files at the top take the folder's name)
         Jazz Tunes/a.mid     -> style 'jazz_tunes' (drums included)
         Jazz Tunes/deep/b.abc -> style 'jazz_tunes', two tunes
         irish/jig.abc        -> joins the built-in style 'irish'
         irish/broken.mid     -> not a MIDI file: skipped with a reason
         .hidden/x.mid, notes.txt -> ignored"""
    root = tmp_path / "my_music"
    write_midi_file(root / "loose.mid", [60, 62, 64, 65])
    write_midi_file(root / "Jazz Tunes" / "a.mid", [48, 52, 55, 59, 62], drums=True)
    (root / "Jazz Tunes" / "deep").mkdir(parents=True)
    (root / "Jazz Tunes" / "deep" / "b.abc").write_text(ABC_TWO_TUNES)
    (root / "irish").mkdir()
    (root / "irish" / "jig.abc").write_text(ABC_ONE_TUNE)
    (root / "irish" / "broken.mid").write_bytes(b"MThd this is not really a midi file")
    write_midi_file(root / ".hidden" / "x.mid", [70, 71])
    (root / "notes.txt").write_text("not music")
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"

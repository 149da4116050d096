"""QA (qa12 F8, F14): what reading interpreted was not said on the command line: a MIDI file's
sustain pedal and an ABC tune's repeats written out as
played (bar numbers, and --bars, count played bars). Each is a `notice:` line on stderr naming
the file; a file with neither gets none. Real CLI, files the test writes; an untrained small
model writes the notes (this is about what the command says)."""

from __future__ import annotations

import sys
from pathlib import Path

import mido
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import random_checkpoint  # noqa: E402

from composer.cli import main  # noqa: E402

REEL = """X:1
T:Reel with endings
M:4/4
L:1/8
K:D
A|:FAAF BAFA|dBAF ABde|fBBA Bcde|1 fedB AFEA:|2 fedB AFED||
|:fabf bafa|dfaf gfef|1 gfef gbag|fedB AFED:|2 gfeg fedB|AFEF D4|]
"""
PLAIN = "X:1\nT:Plain\nM:4/4\nL:1/4\nK:C\nC D E F | G A B c |]\n"


def _pedal_file(path: Path) -> Path:
    smf = mido.MidiFile(type=1, ticks_per_beat=480)
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="Piano", time=0),
                            mido.Message("control_change", control=64, value=127, time=0)])
    for pitch in (48, 52, 55, 60):  # a bar of quarter notes under the pedal, lifted at the bar line
        track += [mido.Message("note_on", note=pitch, velocity=80, time=0),
                  mido.Message("note_off", note=pitch, velocity=0, time=240),
                  mido.Message("note_on", note=0, velocity=0, time=240)]  # a quarter's wait (a note-off of nothing)
    track.append(mido.Message("control_change", control=64, value=0, time=0))
    track += [mido.Message("note_on", note=64, velocity=80, time=0),
              mido.Message("note_off", note=64, velocity=0, time=1920)]
    smf.tracks.append(track)
    smf.save(path)
    return path


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("notices")
    (root / "reel.abc").write_text(REEL)
    (root / "plain.abc").write_text(PLAIN)
    _pedal_file(root / "pedal.mid")
    random_checkpoint(root / "random.safetensors")
    return root


@pytest.mark.parametrize("name, notice", [
    ("reel.abc", "repeats written out as played: 16 bars from 11 written; bar numbers count played bars"),
    ("pedal.mid", "sustain pedal "),  # its wording is the MIDI reader's (tests/io/test_midi_pedal_and_bend.py)
    ("plain.abc", None),
])
def test_reading_notices_are_printed(root, capsys, name, notice):
    code = main(["continue", str(root / name), "-o", str(root / f"{name}.out.mid"), "--bars", "1",
                 "--model", str(root / "random.safetensors"), "--seed", "1"])
    err = capsys.readouterr().err
    assert code == 0, err
    if notice is None:
        assert "notice" not in err
    else:
        assert f"notice: {root / name}: {notice}" in err

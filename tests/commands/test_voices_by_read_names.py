"""QA (qa12 F18): the voices of a type-0 MIDI file and of a grand-staff part could not be told
apart, nor picked one by one with --voices (two voices called "Piano" were both taken). Real
CLI; files the test writes; an untrained small model writes the notes (this is about which voice
is written)."""

from __future__ import annotations

import sys
from pathlib import Path

import mido
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "io"))
from parts_music import random_checkpoint  # noqa: E402
from test_voice_names_differ import grand_staff_xml  # noqa: E402

from composer.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("voices")
    (root / "grand.musicxml").write_text(grand_staff_xml())
    smf = mido.MidiFile(type=0, ticks_per_beat=480)
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="Band groove", time=0),
                            mido.Message("program_change", program=4, channel=0, time=0),
                            mido.Message("program_change", program=33, channel=1, time=0)])
    for bar in range(2):
        for channel, pitch in ((0, 60), (1, 36), (9, 36)):
            track.append(mido.Message("note_on", note=pitch, velocity=80, channel=channel, time=0))
        track += [mido.Message("note_off", note=60, velocity=0, channel=0, time=1920),
                  mido.Message("note_off", note=36, velocity=0, channel=1, time=0),
                  mido.Message("note_off", note=36, velocity=0, channel=9, time=0)]
    smf.tracks.append(track)
    smf.save(root / "band.mid")
    random_checkpoint(root / "random.safetensors")
    return root


@pytest.mark.parametrize("name, voice, others", [
    ("grand.musicxml", "Piano (LH)", ["Piano (RH)"]),
    ("band.mid", "Electric Bass (finger)", ["Electric Piano 1", "Drums"]),
    ("band.mid", "Drums", ["Electric Piano 1", "Electric Bass (finger)"]),
])
def test_each_voice_can_be_named_with_voices(root, capsys, name, voice, others):
    out = root / f"{name}-{voice}.mid"
    code = main(["fill", str(root / name), "-o", str(out), "--bars", "1", "--voices", voice,
                 "--model", str(root / "random.safetensors"), "--seed", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    written = captured.out  # "out.mid: N notes kept + M new (Voice m)"
    assert f"new ({voice} " in written  # the per-voice count names that voice alone
    assert not any(f"{other} " in written.split("new (", 1)[1] for other in others)

"""A part added to drums alone: with a key signature in the file, the new notes keep to it (the
auto key lock found no pitched notes and held them to no key); without one, the command says
there is no key to go by and how to give one (a bass over a drum groove wandered through all
twelve notes without a word, QA). Real CLI and shipped model; MIDI files the test writes."""

from __future__ import annotations

import mido

from composer.cli import main
from composer.io import read_score
from composer.music.scales import Key

Q = 480
E_MINOR = Key.parse("E:minor").pitch_classes


def write_groove(path, key: str | None) -> None:
    """Two bars of kick, snare and eighth-note hi-hat on channel 10; a key signature if given."""
    mid = mido.MidiFile(ticks_per_beat=Q)
    conductor = mido.MidiTrack([mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0)])
    if key:
        conductor.append(mido.MetaMessage("key_signature", key=key, time=0))
    mid.tracks.append(conductor)
    drums = mido.MidiTrack([mido.MetaMessage("track_name", name="Kit", time=0)])
    for eighth in range(16):
        hits = [42] + ([36] if eighth % 4 == 0 else [38] if eighth % 4 == 2 else [])
        for k in hits:
            drums.append(mido.Message("note_on", channel=9, note=k, velocity=90, time=0))
        for i, k in enumerate(hits):
            drums.append(mido.Message("note_off", channel=9, note=k, velocity=0, time=Q // 2 if i == 0 else 0))
    mid.tracks.append(drums)
    mid.save(path)


def test_a_bass_over_drums_keeps_to_the_written_key(tmp_path, capsys):
    write_groove(tmp_path / "beat.mid", "Em")
    out = tmp_path / "bass.mid"
    assert main(["accompany", str(tmp_path / "beat.mid"), "--part", "bass", "-o", str(out),
                 "--variations", "2", "--seed", "1"]) == 0
    assert "no key" not in capsys.readouterr().err
    for k in (1, 2):
        new = [n for n in read_score(tmp_path / f"bass-{k}.mid").notes if n.generated]
        assert new and all(n.pitch % 12 in E_MINOR for n in new), sorted({n.pitch for n in new})


def test_without_a_key_signature_it_says_how_to_give_one(tmp_path, capsys):
    write_groove(tmp_path / "beat.mid", None)
    assert main(["accompany", str(tmp_path / "beat.mid"), "--part", "bass", "-o", str(tmp_path / "bass.mid"),
                 "--seed", "1"]) == 0
    err = capsys.readouterr().err
    assert "beat.mid: there are no pitched notes, chords or key signature to take a key from" in err
    assert "--key" in err
    assert main(["accompany", str(tmp_path / "beat.mid"), "--part", "bass", "-o", str(tmp_path / "b2.mid"),
                 "--seed", "1", "--key", "E:minor"]) == 0
    assert "no pitched notes" not in capsys.readouterr().err  # a key given: nothing to say

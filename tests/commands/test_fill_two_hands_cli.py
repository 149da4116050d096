"""`composer fill` on a piano recorded with both hands in one track says that the co-writer
writes it as two hands, and writes the new notes back into that one track. The real command,
the shipped model, MIDI files written here."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score
from composer.io.midi_writer import write_midi
from composer.music import Score, Voice

from keyboard_music import alberti, in_one_track, tune


def test_a_one_track_piano_is_written_as_two_hands_into_its_track(tmp_path, one_thread, capsys):
    piece, _ = in_one_track(tune(), alberti())
    write_midi(piece, tmp_path / "one.mid")
    two = Score(notes=[*tune(), *(n.with_(voice=1) for n in alberti())], voices=[Voice("RH", 0), Voice("LH", 0)])
    write_midi(two, tmp_path / "two.mid")
    for name, said in (("one.mid", True), ("two.mid", False)):
        code = main(["fill", str(tmp_path / name), "--bars", "5-6", "-o", str(tmp_path / f"out-{name}"), "--seed", "1"])
        err = capsys.readouterr().err
        assert code == 0 and ("both hands play in one track" in err) == said, err
    out = read_score(tmp_path / "out-one.mid")
    assert [v.name for v in out.voices] == ["Piano"]
    new = [n for n in out.notes if 4 * 1920 <= n.onset < 6 * 1920]
    assert min(n.pitch for n in new) < 60 < max(n.pitch for n in new)  # both hands wrote

"""`composer accompany --part harmony --lowest C4 --highest C5` over a piece with its own comping
part (the real CLI, the shipped model, a file the test writes): the refusal and the --anyway notice
say the new part keeps the range given, as a bass's do.

Found by QA: both said "in the same register (there is no room beside it under the tune)" over a
range the person gave: a complement that keeps the person's range has no range of its own, and
plan_text read that as no room."""

from __future__ import annotations

from composer.cli import main
from composer.io import write_midi
from composer.music import Note, Score, Voice

Q = 480
TUNE = [76, 79, 77, 74, 72, 76, 79, 84] * 2  # E5-C6 over 4 bars of 4/4
CHORDS = [(60, 64, 67), (60, 65, 69), (59, 62, 67), (60, 64, 67)]  # C F G C, one a bar


def piece() -> Score:
    notes = [Note(p, i * 2 * Q, 2 * Q - 20, 90, 0) for i, p in enumerate(TUNE)]
    notes += [Note(p, b * 4 * Q + beat * Q, Q - 20, 70, 1)
              for b in range(8) for beat in range(4) for p in CHORDS[b % 4]]
    return Score(notes=notes, voices=[Voice("Flute", 73), Voice("Piano", 0)])


def test_the_refusal_and_the_notice_say_the_range_given(tmp_path, capsys, one_thread):
    song, out = tmp_path / "song.mid", tmp_path / "out.mid"
    write_midi(piece(), song)
    given = ["--lowest", "C4", "--highest", "C5"]
    code = main(["accompany", str(song), "--part", "harmony", *given, "-o", str(out), "--seed", "1"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists(), err
    assert '"Piano"' in err and "held chords, one a bar, in the range given" in err, err
    assert "no room" not in err, err

    code = main(["accompany", str(song), "--part", "harmony", *given, "--anyway", "-o", str(out), "--seed", "1"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "complements Piano: held chords, one a bar, in the range given" in err and "no room" not in err, err

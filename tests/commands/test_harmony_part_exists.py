"""`composer accompany song.mid --part harmony` on a piece that already has a piano comping part
(the real CLI, the shipped model, a MIDI file the test writes).

Found by QA: the command wrote a second comping part that doubled the piano, without a word. Now
it refuses (exit 2) naming the part and what to do (--anyway, or another --part), writes nothing;
with --anyway it writes a part that complements the piano and says how (a notice)."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score, write_midi
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score, Voice

BAR = 4 * Q
TUNE = [71, 73, 75, 76, 78, 76, 75, 73, 71, 70, 71, 73, 75, 71, 66, 71] * 2
CHORDS = [(60, 64, 67), (60, 65, 69), (62, 66, 69), (60, 64, 67)] * 2


def write_song(path) -> None:
    notes = [Note(p, i * Q, Q - 20, 90, 0) for i, p in enumerate(TUNE)]
    notes += [Note(p, b * BAR + beat * Q, Q - 40, 70, 1) for b in range(8) for beat in range(4) for p in CHORDS[b]]
    write_midi(Score(notes=notes, voices=[Voice("Flute", 73), Voice("Piano", 0)]), path)


def test_accompany_harmony_says_the_piece_has_one(tmp_path, capsys, one_thread):
    song, out = tmp_path / "song.mid", tmp_path / "out.mid"
    write_song(song)
    code = main(["accompany", str(song), "--part", "harmony", "-o", str(out), "--seed", "3"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert str(song) in err and '"Piano"' in err and "double" in err and "--anyway" in err, err
    assert "--part (bass, counter, drums)" in err, err

    code = main(["accompany", str(song), "--part", "harmony", "--anyway", "-o", str(out), "--seed", "3"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "complements Piano: held chords, one a bar" in err, err
    written = read_score(out)
    (harmony,) = [i for i, v in enumerate(written.voices) if v.name == "Harmony"]
    new = [n for n in written.notes if n.voice == harmony]
    assert len(new) >= 20
    assert len({n.onset for n in new}) / 8 <= 1.25  # held chords, not the piano's four a bar
    assert sum(n.pitch >= 60 for n in new) <= 0.1 * len(new)  # below the piano's chords (C4 and up)

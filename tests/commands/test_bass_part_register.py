"""`composer accompany song.mid --part bass` (the real CLI, the shipped model, a tune the test
writes): the added bass plays in a bass register, below the tune, as a bassist would.

Found by QA: over a D4-G5 tune the new "Bass" started on D4 and climbed to G4 (over a C4-C5 lead
sheet up to C5), in the melody's own register. A bass part without range controls now gets one
(E1 up to an octave under the melody's median, at most G3), as a counter-melody already does; a
range the user gives is kept."""

from __future__ import annotations


from composer.cli import main
from composer.io import read_score, write_midi
from composer.music.region import Controls
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score
from composer.request import add_part

TUNE = [67, 71, 74, 71, 72, 76, 74, 72, 71, 74, 79, 74, 72, 69, 66, 62] * 2  # G major, D4-G5


def tune() -> Score:
    return Score(notes=[Note(p, i * Q, Q - 20, 90) for i, p in enumerate(TUNE)])


def test_added_bass_plays_below_the_tune(tmp_path, capsys, one_thread):
    write_midi(tune(), tmp_path / "tune.mid")
    out = tmp_path / "bass.mid"
    code = main(["accompany", str(tmp_path / "tune.mid"), "--part", "bass", "-o", str(out),
                 "--seed", "2", "--variations", "3"])
    assert code == 0, capsys.readouterr().err
    for number in (1, 2, 3):
        score = read_score(out.with_name(f"bass-{number}.mid"))
        bass = [n.pitch for n in score.notes if n.generated]
        assert bass, "no bass written"
        assert max(bass) <= 55, f"variation {number}: bass up to {max(bass)} (G3 = 55), in the tune's register"
        assert min(bass) >= 28


def test_a_range_the_user_gives_is_kept():
    request = add_part(tune(), "bass", controls=Controls(lowest=40, highest=64))
    assert (request.controls.lowest, request.controls.highest) == (40, 64)
    request = add_part(tune(), "bass")
    assert request.controls.highest <= 55 and request.controls.lowest == 28

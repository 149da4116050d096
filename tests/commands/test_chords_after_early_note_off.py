"""`composer continue --chords` on a MIDI file whose last notes are let go just before the bar line
(the real CLI, the shipped model, a seed file the test writes).

Found by QA: a waltz whose last notes end 10-20 ticks before bar 9 (as a keyboard player lets go)
continued with --chords "C | G | D7 | G" got C over its own last bar (8) and G, D7, G over the new
bars 9-11, bar 12 none: the cells were laid out from the bar holding the last note-off, while the
continuation (and --bars) start at that end rounded up to the model's grid, here bar 9's line.
Its left hand played 24 of 77 new notes in the chord asked for the bar (71 of 80 when the same
notes end on the line). The chords now start at the grid point the new bars are counted from."""

from __future__ import annotations

import pytest

from composer.cli import main
from composer.io import write_midi
from composer.io.project_file import load_project
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score, Voice

BAR = 4 * Q
CHORDS = "C | G | D7 | G"


@pytest.mark.parametrize("early", [10, 60])
def test_given_chords_start_at_the_first_new_bar_when_the_last_note_ends_just_before_it(tmp_path, capsys,
                                                                                      one_thread, early):
    """(60 ticks early, past the model's grid, the chords were laid from bar 4 again: QA qa27 H1.)"""
    pitches = [60, 64, 67, 64, 65, 69, 72, 69, 67, 71, 74, 71, 72, 67, 64, 60]
    notes = [Note(p, i * Q, Q - early, 90) for i, p in enumerate(pitches)]  # every note let go early
    write_midi(Score(notes=notes, voices=[Voice("Piano", 0)]), tmp_path / "seed.mid")
    out = tmp_path / "out.composer.json"
    code = main(["continue", str(tmp_path / "seed.mid"), "-o", str(out), "--chords", CHORDS, "--bars", "4",
                 "--seed", "1"])
    assert code == 0, capsys.readouterr().err
    result = load_project(out).score
    new = [n for n in result.notes if n.generated]
    assert new and min(n.onset for n in new) >= 4 * BAR  # the new music starts at bar 5
    laid = [(c.onset, c.figure) for c in result.chords if c.onset >= 3 * BAR]
    assert laid == [(4 * BAR, "C"), (5 * BAR, "G"), (6 * BAR, "D7"), (7 * BAR, "G")], laid

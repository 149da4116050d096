"""The pointer's readout over a drum voice's note names the drum, not a pitch spelled by the key
(QA qa14: a hi-hat read 'Gb2' in the F major bars and 'F#2' in the A major bars). Real widgets
(pytest-qt)."""

from __future__ import annotations

from PySide6.QtTest import QTest

from composer.music.scales import Key
from composer.music.score import TICKS_PER_QUARTER as Q, KeyChange, Note, Score, Voice


def test_a_drum_notes_readout_names_the_drum_and_a_pitched_notes_its_spelling(editor):
    score = Score(notes=[Note(42, 0, Q // 2, 90, 1), Note(66, 4 * Q, Q, 90, 0)],
                  voices=[Voice("Flute", 73), Voice("Drums", 0, is_drum=True)])
    score.keys = [KeyChange(0, Key(5, "major"))]  # F major: F#/Gb spelled Gb
    editor.document.load(score)
    roll = editor.roll
    roll.horizontalScrollBar().setValue(0)
    roll.center_on_pitch(54)
    QTest.mouseMove(roll.viewport(), roll.view_pos(Q // 8, 42))
    assert roll.readout.startswith("Closed Hi-Hat  1:1"), roll.readout
    QTest.mouseMove(roll.viewport(), roll.view_pos(4 * Q + Q // 4, 66))
    assert roll.readout.startswith("Gb4  2:1"), roll.readout

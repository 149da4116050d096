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


def test_the_names_written_on_drum_notes_are_drums(editor):
    """The labels on the notes themselves (zoomed in), not only the readout: the ride had read 'Eb3'
    in one bar and 'D#3' in another, spelled by each bar's key (QA qa16)."""
    from composer.ui.roll_painter import note_label

    score = Score(notes=[Note(51, 0, Q, 90, 1), Note(51, 4 * Q, Q, 90, 1), Note(63, 8 * Q, Q, 90, 0)],
                  voices=[Voice("Flute", 73), Voice("Drums", 0, is_drum=True)])
    score.keys = [KeyChange(0, Key(10, "major")), KeyChange(4 * Q, Key(2, "major"))]  # Bb major, then D major
    editor.document.load(score)
    frame = editor.roll.frame()
    labels = [note_label(frame, n) for n in sorted(editor.document.store.notes(), key=lambda n: n.onset)]
    assert labels[:2] == ["Ride Cymbal 1", "Ride Cymbal 1"] and labels[2] == "D#4", labels

"""Drive the real piano-roll widgets with the mouse and keys; check the document and undo stack."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score


def drag(widget, start: QPoint, end: QPoint, modifiers=Qt.KeyboardModifier.NoModifier,
         button=Qt.MouseButton.LeftButton):
    QTest.mousePress(widget, button, modifiers, start)
    steps = 4
    for k in range(1, steps + 1):
        point = start + (end - start) * (k / steps)
        QTest.mouseMove(widget, point)
    QTest.mouseRelease(widget, button, modifiers, end)


def notes_of(editor) -> list[Note]:
    return editor.document.score().notes


def test_click_drag_draws_a_note_whose_length_follows_the_drag(editor):
    roll = editor.roll
    vp = roll.viewport()
    drag(vp, roll.view_pos(Q + 10, 64), roll.view_pos(3 * Q, 64))
    [note] = notes_of(editor)
    assert (note.pitch, note.onset, note.duration) == (64, Q, 2 * Q)
    assert not note.generated
    assert editor.document.undo_stack.count() == 1


def test_move_snaps_to_grid_and_alt_moves_freely(editor):
    doc = editor.document
    doc.load(Score(notes=[Note(60, 0, Q)]))
    roll, vp = editor.roll, editor.roll.viewport()
    drag(vp, roll.view_pos(Q // 4, 60), roll.view_pos(Q // 4 + Q + 37, 62))
    [note] = notes_of(editor)
    assert (note.pitch, note.onset, note.duration) == (62, Q, Q)  # 1/16 grid: 37 ticks snapped away
    drag(vp, roll.view_pos(Q + Q // 4, 62), roll.view_pos(Q + Q // 4 + 50, 62), Qt.KeyboardModifier.AltModifier)
    [note] = notes_of(editor)
    assert note.onset == pytest.approx(Q + 50, abs=8)  # free: off the grid
    assert note.onset % (Q // 4) != 0


def test_resize_from_the_end_then_undo_and_redo(editor):
    doc = editor.document
    doc.load(Score(notes=[Note(60, 0, Q)]))
    roll, vp = editor.roll, editor.roll.viewport()
    drag(vp, roll.view_pos(Q, 60) - QPoint(3, 0), roll.view_pos(2 * Q, 60) - QPoint(3, 0))
    [note] = notes_of(editor)
    assert note.duration == 2 * Q and note.onset == 0
    doc.undo_stack.undo()
    assert notes_of(editor)[0].duration == Q
    doc.undo_stack.redo()
    assert notes_of(editor)[0].duration == 2 * Q


def test_delete_key_and_right_click_remove_notes(editor):
    doc = editor.document
    doc.load(Score(notes=[Note(60, 0, Q), Note(67, Q, Q)]))
    roll, vp = editor.roll, editor.roll.viewport()
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, roll.view_pos(Q // 2, 60))
    QTest.keyClick(roll, Qt.Key.Key_Delete)
    assert [n.pitch for n in notes_of(editor)] == [67]
    QTest.mouseClick(vp, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, roll.view_pos(Q + Q // 2, 67))
    assert notes_of(editor) == []
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert len(notes_of(editor)) == 2


def test_selection_shift_click_rubber_band_and_select_all(editor):
    doc = editor.document
    doc.load(Score(notes=[Note(60, 0, Q), Note(62, Q, Q), Note(64, 2 * Q, Q), Note(80, 0, Q)]))
    roll, vp = editor.roll, editor.roll.viewport()
    ids = {doc.store[i].pitch: i for i in doc.store.ids()}
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, roll.view_pos(Q // 2, 60))
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, roll.view_pos(Q + Q // 2, 62))
    assert doc.selection == {ids[60], ids[62]}
    editor.set_tool("select")
    drag(vp, roll.view_pos(Q // 2, 66), roll.view_pos(3 * Q - 10, 59))  # covers 62 and 64 (and 60's tail)
    assert doc.selection == {ids[60], ids[62], ids[64]}
    roll.setFocus()
    QTest.keyClick(roll, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection == set(ids.values())


def test_transpose_keys_duplicate_copy_paste_and_quantise(editor):
    doc = editor.document
    doc.load(Score(notes=[Note(60, 5, Q - 5), Note(64, Q + 7, Q)]))
    roll = editor.roll
    roll.setFocus()
    QTest.keyClick(roll, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(roll, Qt.Key.Key_Up)
    QTest.keyClick(roll, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    assert sorted(n.pitch for n in notes_of(editor)) == [73, 77]
    QTest.keyClick(roll, Qt.Key.Key_Q)
    assert [(n.onset, n.duration) for n in notes_of(editor)] == [(0, Q), (Q, Q)]
    QTest.keyClick(roll, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert [n.onset for n in notes_of(editor)] == [0, Q, 2 * Q, 3 * Q]
    QTest.keyClick(roll, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)  # copies the duplicates
    roll.set_playhead(8 * Q)
    QTest.keyClick(roll, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [n.onset for n in notes_of(editor)][-2:] == [8 * Q, 9 * Q]
    for _ in range(6):
        doc.undo_stack.undo()
    assert sorted((n.pitch, n.onset) for n in notes_of(editor)) == [(60, 5), (64, Q + 7)]


def test_velocity_lane_drag_edits_all_selected_notes_together(editor):
    doc = editor.document
    doc.load(Score(notes=[Note(60, 0, Q, 60), Note(64, Q, Q, 80), Note(67, 2 * Q, Q, 100)]))
    lane, roll = editor.velocity_lane, editor.roll
    ids = {doc.store[i].pitch: i for i in doc.store.ids()}
    doc.set_selection({ids[60], ids[64]})
    x = int(lane.stem_x(doc.store[ids[64]]))
    drag(lane, QPoint(x, int(lane.y_of(80))), QPoint(x, int(lane.y_of(100))))
    velocities = {n.pitch: n.velocity for n in notes_of(editor)}
    assert velocities[64] == pytest.approx(100, abs=2)
    assert velocities[60] - 60 == velocities[64] - 80  # moved together
    assert velocities[67] == 100  # not selected: untouched
    doc.undo_stack.undo()
    assert {n.pitch: n.velocity for n in notes_of(editor)} == {60: 60, 64: 80, 67: 100}


def test_zoom_keys_and_wheel_change_the_scale(editor):
    roll = editor.roll
    before = roll.geometry_.px_per_quarter
    roll.setFocus()
    QTest.keyClick(roll, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert roll.geometry_.px_per_quarter > before
    rows = roll.geometry_.row_height
    roll.zoom_vertical(4)
    assert roll.geometry_.row_height == rows + 4


def test_wheel_scrolls_smoothly_and_ctrl_wheel_zooms(qtbot, editor):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    roll = editor.roll
    vp = roll.viewport()

    def wheel(dy, modifiers=Qt.KeyboardModifier.NoModifier):
        event = QWheelEvent(QPointF(100, 100), QPointF(vp.mapToGlobal(QPoint(100, 100))), QPoint(0, 0),
                            QPoint(0, dy), Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
        roll.wheelEvent(event)

    start = roll.scroll_y()
    wheel(-120)  # one notch down
    target = start + 3 * roll.geometry_.row_height
    assert roll.scroll_y() == start  # it glides there rather than jumping
    qtbot.waitUntil(lambda: roll.scroll_y() == target, timeout=2000)
    px = roll.geometry_.px_per_quarter
    wheel(120, Qt.KeyboardModifier.ControlModifier)
    assert roll.geometry_.px_per_quarter > px
    rows = roll.geometry_.row_height
    wheel(120, Qt.KeyboardModifier.ShiftModifier)
    assert roll.geometry_.row_height == rows + 1


def test_readout_follows_undo_under_a_still_pointer(editor):
    """Ctrl+Z took the note away but the readout beside the pointer kept its pitch and velocity
    ('Bb2 5:1.50 vel 80' over an empty row) until the mouse moved."""
    roll, vp = editor.roll, editor.roll.viewport()
    drag(vp, roll.view_pos(Q + 10, 64), roll.view_pos(3 * Q, 64))
    over = roll.view_pos(2 * Q, 64) + QPoint(0, 2)
    QTest.mouseMove(vp, over)
    assert "vel" in roll.readout  # over the note drawn
    editor.document.undo_stack.undo()
    assert notes_of(editor) == []
    assert "vel" not in roll.readout and roll.readout.startswith("E4")  # the empty row now
    editor.document.undo_stack.redo()
    assert "vel" in roll.readout


def test_ruler_redraws_its_bars_when_the_time_signature_changes(editor, qtbot):
    """Time 3/4 -> 7/4 in the tool bar: the roll moved its bar lines, the ruler went on numbering
    bars of 3/4 (the Ctrl-drag bar selection and Fill read from it) until the view was scrolled."""
    from PySide6.QtCore import QEvent, QObject

    from composer.music.score import TimeSignature

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    doc, ruler = editor.document, editor.ruler
    doc.load(Score(notes=[Note(60, 0, Q)], time_signature=TimeSignature(3, 4)))
    qtbot.wait(20)
    paints = Paints()
    ruler.installEventFilter(paints)
    doc.set_score_field("time_signature", TimeSignature(7, 4), "Change time signature")
    qtbot.waitUntil(lambda: paints.count > 0, timeout=1000)
    assert ruler._bar(4 * Q) == (0, 7 * Q)  # and what it paints now is bars of 7/4

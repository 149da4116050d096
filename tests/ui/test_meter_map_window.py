"""The window follows the score's meter map: a pickup bar before bar 1 and meter changes
(4/4 -> 3/4 -> 4/4) move the roll's bar lines, the ruler's numbers and meter labels, the bar:beat
readouts, bar selection and Shift-arrow moves. Real widgets (pytest-qt); scores written here."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from composer.io import read_score, write_midi
from composer.music.meter import MeterChange, pickup_meter
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score
from composer.ui import palette
from composer.ui.roll_painter import grid_ticks
from tests.window_helpers import close_window, open_window

BAR4, BAR3 = 4 * Q, 3 * Q
# Bars 1-4 in 4/4 [0, 7680), bars 5-6 in 3/4 [7680, 10560), then 4/4 again from bar 7.
CHANGES = [MeterChange(0, 4, 4), MeterChange(4 * BAR4, 3, 4), MeterChange(4 * BAR4 + 2 * BAR3, 4, 4)]
BAR5, BAR6, BAR7 = 4 * BAR4, 4 * BAR4 + BAR3, 4 * BAR4 + 2 * BAR3
PICKUP = [pickup_meter(4, 4, Q)]  # a one-quarter pickup, then 4/4: bar 1 starts at tick 480
RULER_LINE = QColor(190, 195, 205)


def load(editor, meters, notes=()) -> None:
    editor.document.load(Score(notes=list(notes) or [Note(60, 0, Q)], meters=list(meters)))


def roll_pixel(editor, tick: int, pitch: int = 62) -> QColor:
    """The roll's colour at a tick, in the middle of an empty white-key row."""
    roll = editor.roll
    roll.viewport().repaint()
    image = roll.viewport().grab().toImage()
    pos = roll.view_pos(tick, pitch)
    return image.pixelColor(pos.x(), pos.y())


def test_roll_draws_bar_lines_per_meter_section(editor):
    load(editor, CHANGES)
    editor.roll.zoom_horizontal(0.5)  # 32 px a quarter: bars 1-7 in view
    # On screen: a bar line where bar 6 starts (tick 9120; a 4/4 grid drew a beat line there) and a
    # beat line where a 4/4 grid put bar 6 (tick 9600).
    assert roll_pixel(editor, BAR6) == palette.BAR_LINE
    assert roll_pixel(editor, 5 * BAR4) == palette.BEAT_LINE
    assert roll_pixel(editor, BAR7) == palette.BAR_LINE
    lines = grid_ticks(editor.roll.frame(), 0, BAR7 + BAR4)  # what the painter draws
    assert lines["bar"] == [0, BAR4, 2 * BAR4, 3 * BAR4, BAR5, BAR6, BAR7, BAR7 + BAR4]
    assert BAR5 + Q in lines["beat"] and BAR5 + 3 * Q not in lines["beat"]  # 3/4: beat 3 then bar 6


def test_ruler_numbers_bars_after_a_pickup(editor):
    load(editor, PICKUP)
    ruler, g = editor.ruler, editor.roll.geometry_
    image = ruler.grab().toImage()
    y = ruler.height() - 9  # only bar lines reach this high (beat ticks are 5 px)
    assert image.pixelColor(int(g.x(Q)), y) == RULER_LINE  # bar 1 after the pickup
    assert image.pixelColor(int(g.x(BAR4)), y) != RULER_LINE  # beat 4 of bar 1, not a bar line
    marks = ruler.marks(0, 3 * BAR4)
    assert marks["bars"][:3] == [(Q, "1"), (Q + BAR4, "2"), (Q + 2 * BAR4, "3")]
    assert marks["meters"] == []  # one meter: the tool bar shows it


def test_ruler_labels_meter_changes(editor):
    load(editor, CHANGES)
    editor.roll.zoom_horizontal(0.5)
    ruler = editor.ruler
    marks = ruler.marks(0, BAR7 + BAR4)
    assert marks["bars"][4:7] == [(BAR5, "5"), (BAR6, "6"), (BAR7, "7")]
    assert marks["meters"] == [(0, "4/4"), (BAR5, "3/4"), (BAR7, "4/4")]
    image = ruler.grab().toImage()
    x0 = int(editor.roll.geometry_.x(BAR5))

    def meter_coloured(x: int, y: int) -> bool:
        c = image.pixelColor(x, y)
        return c.red() > 150 and c.red() - c.blue() > 60  # the amber label, not the grey ruler

    assert any(meter_coloured(x, y) for x in range(x0, x0 + 60) for y in range(ruler.height()))
    bar6, bar7 = int(editor.roll.geometry_.x(BAR6)), int(editor.roll.geometry_.x(BAR7))
    assert not any(meter_coloured(x, y) for x in range(bar6, bar7) for y in range(ruler.height()))  # no change
    assert any(meter_coloured(x, y) for x in range(bar7, bar7 + 60) for y in range(ruler.height()))


def test_readout_after_a_meter_change_and_in_a_pickup(editor):
    load(editor, CHANGES)
    editor.roll.zoom_horizontal(0.5)
    roll, vp = editor.roll, editor.roll.viewport()
    QTest.mouseMove(vp, roll.view_pos(5 * BAR4, 62))  # tick 9600: beat 2 of bar 6 (3/4)
    assert roll.readout.split()[1] == "6:2"
    QTest.mouseMove(vp, roll.view_pos(BAR7 + Q // 2, 62))
    assert roll.readout.split()[1] == "7:1.50"
    load(editor, PICKUP)
    QTest.mouseMove(vp, roll.view_pos(Q // 2, 62))
    assert roll.readout.split()[1] == "0:4.50"  # the pickup is the last beat of bar 0
    QTest.mouseMove(vp, roll.view_pos(Q + 2 * Q, 62))
    assert roll.readout.split()[1] == "1:3"


def test_double_click_on_the_ruler_selects_the_bar_at_that_tick(editor):
    load(editor, CHANGES)
    editor.roll.zoom_horizontal(0.5)
    ruler, g = editor.ruler, editor.roll.geometry_
    QTest.mouseDClick(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      QPoint(int(g.x(BAR6 + Q)), 10))
    assert ruler.bar_selection == (BAR6, BAR7)  # the second 3/4 bar, not ticks 7680-9600
    load(editor, PICKUP)
    QTest.mouseDClick(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(int(g.x(Q // 2)), 10))
    assert ruler.bar_selection == (0, Q)  # the pickup bar, from tick 0


def test_shift_arrows_move_by_the_bar_at_the_note(editor):
    load(editor, CHANGES, [Note(60, BAR5 + Q, Q)])  # bar 5 (3/4), beat 2
    roll, doc = editor.roll, editor.document
    doc.set_selection(doc.store.ids())
    roll.setFocus()

    def onset() -> int:
        return doc.score().notes[0].onset

    QTest.keyClick(roll, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert onset() == BAR6 + Q  # bar 6, beat 2
    QTest.keyClick(roll, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert onset() == BAR5 + Q
    QTest.keyClick(roll, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert onset() == 3 * BAR4 + Q  # bar 4 (4/4), beat 2


def test_transport_position_and_time_control_with_several_meters(qtbot):
    w = open_window(qtbot)
    try:
        doc, transport = w.document, w.transport
        doc.load(Score(notes=[Note(60, 0, Q)], meters=list(CHANGES)))
        w.playback.seek(5 * BAR4)
        assert transport.position.text().split()[0] == "6.2.00"
        assert "3/4 at bar 5" in transport.numerator.toolTip()
        # The control edits the first meter; the later changes stay, and undo restores the map.
        transport.numerator.setValue(2)
        assert doc.field("meters") == [MeterChange(0, 2, 4)] + CHANGES[1:]
        doc.undo_stack.undo()
        assert doc.field("meters") == CHANGES
        # A first meter that makes a later change redundant: undo brings the change back.
        waltz_then_four = [MeterChange(0, 3, 4), MeterChange(4 * BAR3, 4, 4)]  # on a 4/4 bar line
        doc.load(Score(notes=[Note(60, 0, Q)], meters=waltz_then_four))
        assert transport.numerator.value() == 3
        transport.numerator.setValue(4)
        assert doc.field("meters") == [MeterChange(0, 4, 4)]
        doc.undo_stack.undo()
        assert doc.field("meters") == waltz_then_four and transport.numerator.value() == 3
    finally:
        close_window(w)


def test_a_file_with_a_pickup_and_meter_changes_keeps_them_through_the_window(qtbot, tmp_path):
    """MIDI file -> window -> project file -> window -> exported MIDI: the meter map is unchanged
    (the tool bar's time-signature control must not flatten it on the way)."""
    meters = [pickup_meter(4, 4, Q), MeterChange(Q + 4 * BAR4, 3, 4), MeterChange(Q + 4 * BAR4 + 2 * BAR3, 4, 4)]
    notes = [Note(60 + i % 5, i * Q, Q) for i in range(1 + 4 * 4 + 2 * 3 + 4)]
    midi = tmp_path / "anacrusis.mid"
    write_midi(Score(notes=notes, meters=meters), midi)
    assert read_score(midi).meters == meters
    w = open_window(qtbot)
    try:
        w.files.open_path(midi, confirmed=True)
        qtbot.waitUntil(lambda: not w.files.reading, timeout=20000)
        qtbot.waitUntil(lambda: w.document.field("meters") == meters, timeout=2000)
        project = tmp_path / "anacrusis.composer.json"
        assert w.files.save_to(project)
        w.files.new()
        assert w.document.field("meters") == [MeterChange(0, 4, 4)]
        w.files.open_path(project, confirmed=True)
        qtbot.waitUntil(lambda: not w.files.reading, timeout=20000)
        qtbot.waitUntil(lambda: w.document.field("meters") == meters, timeout=2000)
        again = tmp_path / "again.mid"
        assert w.files.export_midi(again)
        assert read_score(again).meters == meters
    finally:
        close_window(w)


def test_an_abc_tune_with_a_pickup_and_an_inline_meter_opens_with_its_bars(qtbot, tmp_path):
    tune = tmp_path / "change.abc"
    tune.write_text("X:1\nT:Change\nM:4/4\nL:1/8\nK:C\n"
                    "G2 | c2 e2 g2 e2 | c2 e2 g2 e2 |[M:3/4] f2 a2 f2 | e2 g2 e2 |[M:4/4] c8 |]\n")
    w = open_window(qtbot)
    try:
        w.files.open_path(tune, confirmed=True)
        qtbot.waitUntil(lambda: not w.files.reading, timeout=20000)
        qtbot.waitUntil(lambda: len(w.document.field("meters")) == 3, timeout=2000)
        three_four = Q + 2 * BAR4  # bar 3, after the quarter pickup and two bars of 4/4
        marks = w.editor.ruler.marks(0, three_four + 2 * BAR3)
        assert marks["bars"][:4] == [(Q, "1"), (Q + BAR4, "2"), (three_four, "3"), (three_four + BAR3, "4")]
        assert (three_four, "3/4") in marks["meters"] and (three_four + 2 * BAR3, "4/4") in marks["meters"]
        assert "3/4 at bar 3" in w.transport.numerator.toolTip()
        w.playback.seek(three_four + BAR3 + Q)  # the E of bar 4
        assert w.transport.position.text().split()[0] == "4.2.00"
        meters = w.document.field("meters")
        project = tmp_path / "change.composer.json"
        assert w.files.save_to(project)
        w.files.new()
        w.files.open_path(project, confirmed=True)
        qtbot.waitUntil(lambda: not w.files.reading, timeout=20000)
        qtbot.waitUntil(lambda: w.document.field("meters") == meters, timeout=2000)
    finally:
        close_window(w)


def test_chord_lane_edits_the_short_bar_a_meter_change_cuts(qtbot):
    """A MIDI time signature in the middle of a 4/4 bar (tick 960) ends that bar there: chords typed
    for it fill [0, 960), not a whole 4/4 bar reaching into the 3/4 bar after it."""
    w = open_window(qtbot)
    try:
        w.document.load(Score(notes=[Note(60, 0, Q)], meters=[MeterChange(0, 4, 4), MeterChange(2 * Q, 3, 4)]))
        lane = w.editor.chord_lane
        assert lane.bar_at(Q) == (0, 2 * Q)
        assert lane.set_bar_text(Q, "C G") is None
        assert [(c.onset, c.duration, c.figure) for c in w.document.field("chords")] == [(0, Q, "C"), (Q, Q, "G")]
    finally:
        close_window(w)

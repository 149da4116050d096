"""The chord lane in the real window (pytest-qt, offscreen): typing chords per bar, refusing a
figure music21 cannot read, undo, and the round trip lane -> project file -> MIDI -> back; and
the style combo's groups and its fallback for a style the model does not know."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from composer.io import read_score, write_midi
from composer.io.project_file import Project, load_project, save_project
from composer.music.chords import ChordSymbol
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note

BAR = 4 * Q


def type_into_bar(qtbot, lane, bar: int, text: str) -> None:
    """Double-click the middle of a bar in the lane, type, press Enter: as a person does."""
    x = int(lane.x_of(bar * BAR + BAR // 2))
    QTest.mouseDClick(lane, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, lane.height() // 2))
    assert lane.editor.isVisible()
    lane.editor.selectAll()
    QTest.keyClick(lane.editor, Qt.Key.Key_Backspace)  # the bar's chords, shown selected, go
    QTest.keyClicks(lane.editor, text)
    QTest.keyClick(lane.editor, Qt.Key.Key_Return)


def test_typed_chords_land_in_their_bars_and_undo_one_step_each(qtbot, window):
    lane = window.editor.chord_lane
    window.editor.roll.zoom_horizontal(0.5)  # a few bars in view
    said = []
    lane.message.connect(said.append)
    type_into_bar(qtbot, lane, 0, "Am7")
    type_into_bar(qtbot, lane, 1, "F/A G7sus4")
    assert window.document.field("chords") == [ChordSymbol(0, BAR, "Am7"), ChordSymbol(BAR, BAR // 2, "F/A"),
                                               ChordSymbol(BAR + BAR // 2, BAR // 2, "G7sus4")]
    assert not lane.editor.isVisible()

    type_into_bar(qtbot, lane, 0, "H7")  # not a chord: nothing changes, the editor stays open in red
    assert lane.editor.isVisible() and "'H7'" in said[-1]
    assert window.document.field("chords")[0] == ChordSymbol(0, BAR, "Am7")
    QTest.keyClick(lane.editor, Qt.Key.Key_Escape)
    assert not lane.editor.isVisible()

    type_into_bar(qtbot, lane, 0, "")  # empty clears the bar
    assert [c.figure for c in window.document.field("chords")] == ["F/A", "G7sus4"]
    window.document.undo_stack.undo()
    assert [c.figure for c in window.document.field("chords")] == ["Am7", "F/A", "G7sus4"]
    window.document.undo_stack.undo()
    assert window.document.field("chords") == [ChordSymbol(0, BAR, "Am7")]
    assert window.document.undo_stack.undoText() == "Edit chords"


def test_chords_round_trip_lane_project_midi_and_back(qtbot, window, tmp_path):
    lane = window.editor.chord_lane
    window.document.add_notes([Note(57 + i, i * Q, Q) for i in range(8)])
    type_into_bar(qtbot, lane, 0, "Am7")
    type_into_bar(qtbot, lane, 1, "Dm/F E7")
    typed = window.document.field("chords")

    project = tmp_path / "song.composer.json"
    save_project(Project(score=window.document.score()), project)
    reopened = load_project(project).score
    assert reopened.chords == typed
    midi = tmp_path / "song.mid"
    write_midi(reopened, midi)
    back = read_score(midi)
    assert back.chords == typed

    window.document.load(back)  # the lane shows what the file holds
    assert lane.bar_text(0) == "Am7" and lane.bar_text(BAR + 10) == "Dm/F E7"


def test_a_bar_of_uneven_chords_reads_back_as_typed(qtbot, window):
    """Three beats of C and one of F are shown "C / / F", which sets them back where they are ("C F"
    would share the bar two and two); "C F G" is two beats, one, one (chords.bar_shares)."""
    lane = window.editor.chord_lane
    type_into_bar(qtbot, lane, 0, "C / / F")
    type_into_bar(qtbot, lane, 1, "C F G")
    assert [(c.onset, c.duration) for c in window.document.field("chords")] == [
        (0, 3 * Q), (3 * Q, Q), (BAR, 2 * Q), (BAR + 2 * Q, Q), (BAR + 3 * Q, Q)]
    assert lane.bar_text(0) == "C / / F" and lane.bar_text(BAR) == "C F G"
    before = window.document.field("chords")
    type_into_bar(qtbot, lane, 0, lane.bar_text(0))
    assert window.document.field("chords") == before


def test_estimated_chords_fill_only_the_empty_bars(qtbot, window):
    lane = window.editor.chord_lane
    arpeggios = [(0, (48, 52, 55, 60)), (1, (41, 45, 48, 53)), (2, (43, 47, 50, 53))]  # C, F, G7
    window.document.add_notes([Note(p, bar * BAR + i * Q, Q) for bar, pitches in arpeggios for i, p in enumerate(pitches)])
    lane.set_bar_text(BAR, "Dm")  # the person's chord for bar 2 stays
    assert lane.fill_estimated() == 2
    assert [(c.onset, c.figure) for c in window.document.field("chords")] == [(0, "C"), (BAR, "Dm"), (2 * BAR, "G7")]
    window.document.undo_stack.undo()
    assert [c.figure for c in window.document.field("chords")] == ["Dm"]


def test_style_combo_groups_styles_and_falls_back_to_neutral_for_an_unknown_one(qtbot, window):
    panel = window.cowriter_panel
    window.cowriter.styles = ["neutral", "irish", "jazz", "groove_rock", "groove_funk"]
    said = []
    panel.message.connect(said.append)
    panel._model_state("ready", "ready")
    box = panel.style_box
    texts = [box.itemText(i) for i in range(box.count())]
    assert texts == ["Neutral", "", "Melodic styles", "Irish", "Jazz (WJazzD)", "", "Groove styles", "Rock groove",
                     "Funk groove"]
    heading = box.model().item(texts.index("Groove styles"))
    assert not heading.isEnabled() and box.itemData(texts.index("Groove styles")) is None

    panel.apply_settings({"style": "groove_rock"})
    assert panel.settings()["style"] == "groove_rock"
    panel.apply_settings({"style": "trip_hop_2019"})  # a project saved with a style this model lacks
    assert box.currentData() == "neutral" and panel.settings()["style"] == "neutral"
    assert "trip_hop_2019" in said[-1] and "Neutral" in said[-1]

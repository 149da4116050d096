"""QA: the Voicing tab as a musician finds it after opening a four-voice file in a 1400×860 window.
Its table was wider than the dock, so the Volume, Pan, M, S and Write columns were cut off, first
unreachable, then behind a horizontal scroll bar (Fill's own hint says "tick voices under
Voicing → Write"); each voice now takes two lines that fit the dock; and after a file was
loaded no Draw button was checked (the old rows' buttons stayed in the button group and took the
check). Real window, pytest-qt offscreen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from composer.music.score import Note, Score, Voice


def four_voices() -> Score:
    voices = [Voice("Melody", 73), Voice("Chords", 0), Voice("Bass", 33), Voice("Drums", 0, is_drum=True)]
    notes = [Note(pitch, beat * 480, 480, 90, voice=v)
             for v, pitch in enumerate((72, 60, 36, 38)) for beat in range(8)]
    return Score(notes=notes, voices=voices)


def open_voicing(qtbot, window):
    window.resize(1400, 860)
    window.document.load(four_voices())
    window.side_tabs.setCurrentIndex(1)
    area = window.side_tabs.currentWidget()
    qtbot.waitExposed(window.voicing_panel)
    return area


def test_every_voicing_control_is_in_view_at_the_default_size(qtbot, window):
    """All of each voice's controls lie inside the tab's viewport, no scroll bar to find them
    behind: at the dock's default width Pan, M, S and Write (what Continue writes) were behind a
    horizontal scroll bar (QA 10)."""
    area = open_voicing(qtbot, window)
    panel, viewport = window.voicing_panel, area.viewport()
    qtbot.wait(50)  # the dock lays out
    assert not area.horizontalScrollBar().isVisible()
    for index, row in enumerate(panel.rows):
        for key, widget in row.items():
            assert widget.isVisible(), f"voice {index + 1}: {key} hidden"
            top_left = widget.mapTo(viewport, QPoint(0, 0))
            assert 0 <= top_left.x() and top_left.x() + widget.width() <= viewport.width(), \
                f"voice {index + 1}: {key} cut off at the dock's edge"
            assert 0 <= top_left.y() and top_left.y() + widget.height() <= viewport.height(), \
                f"voice {index + 1}: {key} below the dock's edge"


def test_a_double_click_on_pan_centres_it(qtbot, window):
    open_voicing(qtbot, window)
    row = window.voicing_panel.rows[2]
    row["pan"].setValue(10)
    label = next(child for child in row["pan"].parentWidget().findChildren(QLabel) if child.text() == "Pan")
    QTest.mouseDClick(label, Qt.MouseButton.LeftButton)
    assert row["pan"].value() == 64 and window.document.voices[2].pan == 64


def test_the_draw_voice_is_shown_checked_after_a_file_is_loaded(qtbot, window):
    open_voicing(qtbot, window)
    panel = window.voicing_panel
    qtbot.wait(10)  # the old rows' widgets are deleted
    checked = [i for i, row in enumerate(panel.rows) if row["pick"].isChecked()]
    assert checked == [panel.current_voice] == [0]
    window.document.load(four_voices())  # and again, after a second file
    qtbot.wait(10)
    assert [i for i, row in enumerate(panel.rows) if row["pick"].isChecked()] == [0]


def test_two_voices_of_one_instrument_show_their_whole_names(qtbot, window):
    """A type-0 file's two channels of one instrument are named "Acoustic Grand Piano (ch 1)" and
    "(ch 2)": the name boxes showed "Acoustic Gra" twice (QA qa14). Each box now fits its name."""
    names = ["Acoustic Grand Piano (ch 1)", "Acoustic Grand Piano (ch 2)"]
    window.resize(1400, 860)
    window.document.load(Score(notes=[Note(60 + v, 0, 480, 90, voice=v) for v in range(2)],
                               voices=[Voice(name, 0) for name in names]))
    window.side_tabs.setCurrentIndex(1)
    qtbot.waitExposed(window.voicing_panel)
    for row, name in zip(window.voicing_panel.rows, names):
        edit = row["name"].edit
        qtbot.waitUntil(lambda edit=edit, name=name: edit.width() - 8 >= edit.fontMetrics().horizontalAdvance(name),
                        timeout=3000)

"""QA: the Voicing tab as a musician finds it after opening a four-voice file in a 1400×860 window.
Its table is wider than the dock and the side panels had no horizontal scroll bar, so the Volume,
Pan, M, S and Write columns were cut off and unreachable (Fill's own hint says "tick voices under
Voicing → Write"); and after a file was loaded no Draw button was checked (the old rows' buttons
stayed in the button group and took the check). Real window, pytest-qt offscreen."""

from __future__ import annotations

from PySide6.QtCore import QPoint

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


def test_every_voicing_column_can_be_scrolled_into_view(qtbot, window):
    area = open_voicing(qtbot, window)
    panel, viewport = window.voicing_panel, area.viewport()
    write = panel.rows[0]["write"]
    assert write.mapTo(panel, QPoint(0, 0)).x() + write.width() > viewport.width()  # wider than the dock
    bar = area.horizontalScrollBar()
    qtbot.waitUntil(bar.isVisible, timeout=3000)  # a scroll bar to reach the columns past the dock's edge
    bar.setValue(bar.maximum())  # what dragging the bar to the right shows
    for key, widget in panel.rows[0].items():
        if key in ("volume", "pan", "mute", "solo", "write"):
            left = widget.mapTo(viewport, QPoint(0, 0)).x()
            assert 0 <= left and left + widget.width() <= viewport.width(), f"{key} cannot be reached"


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

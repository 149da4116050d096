"""A file read with problems opens with a visible notice naming the file and each problem
(issue 10); a clean file opens without one. Real window, real files written here."""

from __future__ import annotations

import pytest

from composer.ui.main_window import MainWindow

CLEAN = "X:1\nT:Clean\nM:4/4\nL:1/4\nK:C\nC D E F | G A B c |]\n"
ODD_BAR = "X:1\nT:Odd\nM:4/4\nL:1/4\nK:C\nC D E F | G A B | c d e f | g4 |]\n"


@pytest.fixture
def window(qtbot):
    w = MainWindow(load_model=False, start_audio=False)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.document.undo_stack.setClean()
    if w._message_box is not None:
        w._message_box.close()
    w.close()
    w.deleteLater()


def open_and_wait(qtbot, window, path) -> None:
    assert window.files.open_path(path, confirmed=True)
    qtbot.waitUntil(lambda: not window.files.reading, timeout=20000)
    qtbot.wait(20)


def test_problems_are_shown_when_a_file_opens(qtbot, window, tmp_path):
    clean = tmp_path / "clean.abc"
    clean.write_text(CLEAN)
    open_and_wait(qtbot, window, clean)
    assert window.last_error == "" and len(window.document.score().notes) == 8

    odd = tmp_path / "odd.abc"
    odd.write_text(ODD_BAR)
    open_and_wait(qtbot, window, odd)
    assert len(window.document.score().notes) == 12  # the notes are all there
    assert "odd.abc" in window.last_error and "1 bar does not fill its meter (bar 2)" in window.last_error
    assert window._message_box is not None and window._message_box.isVisible()

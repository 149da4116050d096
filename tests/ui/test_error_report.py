"""An unexpected error in the window is said in a warning and Composer keeps running (QA: the
chord lane's "Estimate Chords for Empty Bars" raised AttributeError, printed a traceback and the
person saw nothing happen). Real window (pytest-qt, offscreen) with the hooks run_app installs
(composer.ui.error_report); the hooks are called with real exceptions, as Python calls them for an
exception no one caught (pytest-qt catches those of slots itself), and put back after each test."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtWidgets import QMessageBox

from composer.music.score import Note
from composer.ui.error_report import install

Q = 480


@pytest.fixture
def reporter(window):
    before, before_thread = sys.excepthook, threading.excepthook
    reporter = install(window)
    yield reporter
    reporter.uninstall()
    assert sys.excepthook is before and threading.excepthook is before_thread
    if reporter.box is not None:
        reporter.box.done(0)


def raise_uncaught(error: BaseException) -> None:
    """Hand `error`, raised for real (with its traceback), to sys.excepthook as Python does."""
    try:
        raise error
    except BaseException:  # noqa: BLE001 - passed on whole, as an uncaught exception is
        sys.excepthook(*sys.exc_info())


def boxes(window) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def test_an_uncaught_error_is_said_once_however_often_it_comes(qtbot, window, reporter, capfd):
    raise_uncaught(AttributeError("'Note' object has no attribute 'onset'"))
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible())
    box = reporter.box
    text = box.text()
    assert "internal error" in text
    assert "AttributeError: 'Note' object has no attribute 'onset'" in text
    assert "still open" in text and "autosaved every minute" in text  # the window's 60 s default
    assert "terminal" in text and "report" in text
    assert "raise_uncaught" in box.detailedText()  # the traceback, to copy into a report
    err = capfd.readouterr().err
    assert "Traceback (most recent call last)" in err and "has no attribute 'onset'" in err  # still printed

    for _ in range(2):  # a burst of the same error: counted in the one warning
        raise_uncaught(AttributeError("'Note' object has no attribute 'onset'"))
    qtbot.waitUntil(lambda: "(3 times)" in box.text())
    assert reporter.box is box and boxes(window) == [box]

    # The window still works: an edit and its undo, then the warning closed with OK.
    doc = window.document
    doc.add_notes([Note(60, 0, Q, 80)], "Draw")
    assert len(doc.store.notes()) == 1
    doc.undo_stack.undo()
    assert doc.store.notes() == []
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: reporter.box is None and not boxes(window))
    assert window.isVisible()

    # A later error opens a fresh warning, counted from one again.
    raise_uncaught(ValueError("another"))
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible())
    assert "ValueError: another" in reporter.box.text() and "times" not in reporter.box.text()
    assert "AttributeError" not in reporter.box.text()


def test_errors_of_other_threads_are_said_from_the_gui_thread(qtbot, window, reporter, capfd):
    def work() -> None:
        raise RuntimeError("the worker failed")

    worker = threading.Thread(target=work, name="worker")  # threading.excepthook
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: reporter.box is not None and reporter.box.isVisible())
    box = reporter.box
    assert box.thread() is window.thread() and box.parent() is window  # made on the GUI thread
    assert "RuntimeError: the worker failed (in a background task)" in box.text()
    assert "Exception in thread worker" in capfd.readouterr().err
    # sys.excepthook called on a thread (PySide does so for a QThread's run()), and a different
    # error while the warning is up: both join it, still one warning.
    caller = threading.Thread(target=lambda: raise_uncaught(KeyError("voice")))
    caller.start()
    caller.join()
    qtbot.waitUntil(lambda: "KeyError: 'voice' (in a background task)" in box.text())
    raise_uncaught(ZeroDivisionError("division by zero"))
    qtbot.waitUntil(lambda: "ZeroDivisionError" in box.text())
    assert "internal errors:" in box.text() and "RuntimeError: the worker failed" in box.text()
    assert reporter.box is box and boxes(window) == [box]


def test_keyboard_interrupt_and_exit_go_to_the_hook_before(qtbot, window, monkeypatch):
    passed = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: passed.append(kind))
    reporter = install(window)
    try:
        raise_uncaught(KeyboardInterrupt())
        raise_uncaught(SystemExit(2))
        qtbot.wait(50)
        assert passed == [KeyboardInterrupt, SystemExit]
        assert reporter.box is None and not boxes(window)
    finally:
        reporter.uninstall()

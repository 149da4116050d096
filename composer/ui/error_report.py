"""Unexpected errors are said in the window, not only printed.

An exception raised in a Qt slot (a menu action, a timer, a signal handler) reaches sys.excepthook,
whose default prints the traceback to stderr and carries on: the person saw nothing happen (QA:
the chord lane's "Estimate Chords for Empty Bars" raised AttributeError and simply did nothing).
install() puts a hook in front of it that still prints the traceback, then shows a warning on the
window: the error in one line, that the piece is still open (and autosaved), and where the details
are. Composer keeps running either way.

The warning is opened with open(), never exec(): a nested event loop inside an error report would
run every pending slot, the failing one again included. There is one warning at a time: a burst
of the same error (a paint event that fails on every repaint) counts up "(3 times)" in it instead
of stacking dialogs. Errors of other threads (threading.excepthook, and sys.excepthook called from
a QThread) are queued to the GUI thread by a signal; the dialog is only ever made there.
KeyboardInterrupt and SystemExit go to the hooks that were there before.
"""

from __future__ import annotations

import sys
import threading
import traceback
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from composer.ui.main_window import MainWindow

TITLE = "Composer: internal error"
MAX_LINE = 200  # characters of one error's line; the whole text is in the details
MAX_LISTED = 4  # different errors named in one warning; the rest are counted
MAX_DETAILS = 20000  # characters of tracebacks kept under Show Details


def error_line(kind: type[BaseException], value: BaseException | None) -> str:
    """The exception as one line a person can read out: 'AttributeError: ... has no attribute x'."""
    text = str(value).strip().splitlines()[0] if value is not None and str(value).strip() else ""
    line = f"{kind.__name__}: {text}" if text else kind.__name__
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 1] + "…"


def autosave_text(seconds: int) -> str:
    """How often unsaved work is autosaved, as the Settings dialog sets it: 'every minute'."""
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "every minute" if minutes == 1 else f"every {minutes} minutes"
    return f"every {seconds} seconds"


class ErrorReporter(QObject):
    """Shows uncaught exceptions on `window` (see the module's docstring). install() and
    uninstall() put the hooks in place and take them out again (tests; the end of run_app)."""

    # (one-line error, traceback text, from another thread): queued so the dialog is made on the
    # GUI thread whichever thread the error was raised on, and never in the middle of the slot
    # (or paint event) that failed
    _reported = Signal(str, str, bool)

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.window = window
        self.box: QMessageBox | None = None  # the warning on screen now, if any
        self.counts: dict[str, int] = {}  # what the warning says: each error line, how often, in order
        self._details: list[str] = []
        self._previous_hook = None
        self._previous_thread_hook = None
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # --- the hooks ---------------------------------------------------------------------------
    def install(self) -> None:
        self._previous_hook, sys.excepthook = sys.excepthook, self.excepthook
        self._previous_thread_hook, threading.excepthook = threading.excepthook, self.thread_excepthook

    def uninstall(self) -> None:
        """Put back the hooks install() replaced (only where ours is still the one in place)."""
        if sys.excepthook == self.excepthook and self._previous_hook is not None:
            sys.excepthook = self._previous_hook
        if threading.excepthook == self.thread_excepthook and self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook

    def excepthook(self, kind, value, tb) -> None:
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):  # Ctrl+C in the terminal, an exit
            (self._previous_hook or sys.__excepthook__)(kind, value, tb)
            return
        text = "".join(traceback.format_exception(kind, value, tb))
        print(text, end="", file=sys.stderr, flush=True)  # the details, as before
        self._queue(kind, value, text, threading.current_thread() is not threading.main_thread())

    def thread_excepthook(self, args) -> None:
        if args.exc_type is SystemExit or issubclass(args.exc_type, KeyboardInterrupt):
            (self._previous_thread_hook or threading.__excepthook__)(args)
            return
        name = args.thread.name if args.thread is not None else "a thread"
        text = f"Exception in thread {name}:\n" + "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        print(text, end="", file=sys.stderr, flush=True)
        self._queue(args.exc_type, args.exc_value, text, True)

    def _queue(self, kind, value, text: str, other_thread: bool) -> None:
        try:
            if shiboken6.isValid(self):
                self._reported.emit(error_line(kind, value), text, other_thread)
        except Exception:  # noqa: BLE001 - the report must never raise in the hook: it is printed already
            pass

    # --- the warning (GUI thread) --------------------------------------------------------------
    def _show(self, line: str, details: str, other_thread: bool) -> None:
        if not shiboken6.isValid(self.window):
            return  # the window is gone (closing): the traceback was printed, that is all there is
        line += " (in a background task)" if other_thread else ""
        if line not in self.counts and sum(map(len, self._details)) < MAX_DETAILS:
            self._details.append(details)
        self.counts[line] = self.counts.get(line, 0) + 1
        try:
            if self.box is None:
                self.box = QMessageBox(QMessageBox.Icon.Warning, TITLE, "", QMessageBox.StandardButton.Ok,
                                       self.window)
                self.box.finished.connect(self._closed)
                self.box.setText(self.text())
                self.box.setDetailedText("\n".join(self._details)[:MAX_DETAILS])
                self.box.open()  # window-modal, no nested event loop
            else:
                self.box.setText(self.text())
                self.box.setDetailedText("\n".join(self._details)[:MAX_DETAILS])
        except Exception:  # noqa: BLE001 - a failing report would report itself over and over
            traceback.print_exc()

    def text(self) -> str:
        """The warning's words: what went wrong, that the work is still there, where the details are."""
        def counted(line: str) -> str:
            times = self.counts[line]
            return f"{line} ({times} times)" if times > 1 else line

        lines = list(self.counts)
        if len(lines) == 1:
            what = f"Composer hit an internal error:\n{counted(lines[0])}"
        else:
            what = "Composer hit internal errors:\n" + "\n".join(f"• {counted(line)}" for line in lines[:MAX_LISTED])
            if len(lines) > MAX_LISTED:
                what += f"\n• and {len(lines) - MAX_LISTED} more"
        autosaver = getattr(self.window, "autosaver", None)
        every = autosave_text(autosaver.timer.interval() // 1000) if autosaver is not None else ""
        # True as autosave.py has it: the window keeps the piece; unsaved changes are written every
        # interval (not at once) and offered back at the next start only if Composer quits unexpectedly.
        kept = ("Composer is still running and your piece is still open: save it as usual. The action that "
                "failed may not have finished; check what it did (Ctrl+Z undoes an edit).")
        if every:
            kept += (f" Until you save, unsaved changes are autosaved {every} and offered back at the next "
                     "start if Composer closes unexpectedly.")
        return (f"{what}\n\n{kept}\n\nThe details were printed to the terminal Composer was started from and are "
                "under Show Details; please include them if you report this.")

    def _closed(self, _result: int) -> None:
        if self.box is not None:
            self.box.deleteLater()
        self.box = None
        self.counts = {}
        self._details = []


def install(window: "MainWindow") -> ErrorReporter:
    """Report uncaught exceptions (of any thread) on `window` from now on; returns the reporter
    (its uninstall() puts the previous hooks back)."""
    reporter = ErrorReporter(window)
    reporter.install()
    return reporter

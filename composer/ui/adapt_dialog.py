"""Co-writer ▸ Learn a Style from a Folder…: adapt the co-writer to a folder of the user's music.

The work (parsing the folder, fine-tuning, measuring) runs in a child process (composer.adapt),
so the window stays live; a QThread here relays its messages as signals, like model_process.
Cancel ends the child at once: nothing is written to the styles folder before the very end
(atomic renames), so a cancelled run leaves every style, the score and the model as they were.

Protocol (child -> parent, pickled tuples): ("log", line) | ("epoch", history row, seconds)
| ("done", checkpoint path, adapt record) | ("failed", message).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDialog, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from composer.ui.model_process import CHILD_NICE, describe, torch_threads
from composer.user_styles import style_id, styles_dir, user_styles


def _adapt_child(replies, params: dict, threads: int, nice: int) -> None:
    """The child's body (module level so the spawn start method can import it)."""
    if hasattr(os, "setpgid"):
        try:  # a process group of its own, so Cancel ends the folder-parsing pool's workers with it
            os.setpgid(0, 0)
        except OSError:
            pass
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)  # the window, audio and MIDI win the CPU
        except OSError:
            pass
    try:
        from composer.adapt import AdaptConfig, AdaptError, adapt
        from composer.model.checkpoint import CheckpointError

        config = AdaptConfig(**params["config"], threads=threads)
        result = adapt(config, params["folder"], log=lambda line: replies.send(("log", line)), progress=False,
                       on_epoch=lambda row, seconds: replies.send(("epoch", row, seconds)),
                       on_read=lambda done, total: replies.send(("reading", done, total)),
                       workdir=params["workdir"])
        replies.send(("done", str(result.out), result.info["adapt"]))
    except (AdaptError, CheckpointError) as error:
        replies.send(("failed", str(error)))
    except Exception as error:  # a bug must cost this run, not the window
        replies.send(("failed", f"Learning the style failed: {describe(error)}"))


class AdaptJob(QThread):
    """One adaptation in a child process; connect the signals to GUI-thread slots."""

    logged = Signal(str)
    epoch = Signal(dict, float)  # Trainer history row, seconds since the start
    reading = Signal(int, int)  # files of the folder parsed, of how many
    succeeded = Signal(str, dict)  # checkpoint path, adapt record (composer.adapt)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, folder: str, config: dict, parent=None):
        super().__init__(parent)
        context = mp.get_context("spawn")  # never fork a process that runs Qt threads
        self._replies_in, replies_out = context.Pipe(duplex=False)
        self._replies_out = replies_out
        self.workdir = tempfile.mkdtemp(prefix="composer-adapt-")
        params = {"folder": folder, "config": config, "workdir": self.workdir}
        # Not a daemon: the child parses the folder in a pool of its own processes.
        self._process = context.Process(target=_adapt_child, name="composer-adapt",
                                        args=(replies_out, params, torch_threads(), CHILD_NICE))
        self._cancel = False
        self._ended = False

    def run(self) -> None:
        self._process.start()
        self._replies_out.close()
        while True:
            try:
                message = self._replies_in.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "log":
                self.logged.emit(message[1])
            elif kind == "epoch":
                self.epoch.emit(dict(message[1]), float(message[2]))
            elif kind == "reading":
                self.reading.emit(int(message[1]), int(message[2]))
            elif kind == "done":
                self._ended = True
                self.succeeded.emit(message[1], dict(message[2]))
            elif kind == "failed":
                self._ended = True
                self.failed.emit(message[1])
        self._process.join(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)
        if self._cancel:
            self.cancelled.emit()
        elif not self._ended:
            self.failed.emit("The learning process stopped unexpectedly (out of memory?); nothing was changed.")

    def cancel(self) -> None:
        """End the child now; run() then cleans up and emits cancelled."""
        self._cancel = True
        if self._process.is_alive():
            self._end_child()

    def _end_child(self) -> None:
        """SIGTERM to the child's process group (itself and the workers parsing the folder, which
        terminate() alone left running, orphaned); terminate() before the group exists."""
        pid = self._process.pid
        if pid and hasattr(os, "killpg"):
            try:
                if os.getpgid(pid) == pid:  # never this window's own group
                    os.killpg(pid, signal.SIGTERM)
                    return
            except OSError:
                pass
        self._process.terminate()

    def stop(self, timeout_ms: int = 10000) -> None:
        self.cancel()
        self.wait(timeout_ms)


class AdaptDialog(QDialog):
    """Pick a folder, name the style, watch it learn, see the before/after figures."""

    style_added = Signal(str, str)  # style name, checkpoint path

    def __init__(self, base_checkpoint: str | None = None, taken: list[str] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Learn a Style from a Folder")
        self.setMinimumWidth(560)
        self.base_checkpoint = base_checkpoint or None
        self.taken = set(taken or [])  # the model's own style names
        self.job: AdaptJob | None = None
        self.result: dict | None = None
        self.max_minutes_value = 10.0
        self._started = 0.0

        self.folder = QLineEdit()
        self.folder.setPlaceholderText("a folder of MIDI, ABC, MusicXML or Humdrum files")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.browse_button = browse
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. my_jigs")
        self.minutes = QDoubleSpinBox(decimals=1, minimum=0.5, maximum=120.0, singleStep=1.0, value=10.0,
                                      suffix=" min")
        self.minutes.setToolTip("Learning stops by itself when it stops improving, or after this long")
        form = QFormLayout()
        form.addRow("Folder", folder_row)
        form.addRow("Style name", self.name)
        form.addRow("At most", self.minutes)
        self.base_label = QLabel()
        form.addRow("Starting from", self.base_label)
        self.set_base(base_checkpoint, taken)

        self.start_button = QPushButton("Start learning")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop now; nothing is changed")
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button, 2)
        buttons.addWidget(self.cancel_button, 1)
        buttons.addWidget(self.close_button, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel("Choose a folder of your music and name the style.")
        self.status.setWordWrap(True)
        self.figures = QLabel("")
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(1000)
        self.log.setMinimumHeight(140)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.figures)
        layout.addWidget(self.log, 1)

        self.folder.textChanged.connect(self._folder_changed)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        self._set_running(False)

    def set_base(self, base_checkpoint: str | None, taken: list[str] | None) -> None:
        """The model to start from and its style names, as the window has them now (the dialog is
        kept between openings: a model chosen in Settings since then is the one adapted)."""
        if self.running:
            return
        self.base_checkpoint = base_checkpoint or None
        self.taken = set(taken or [])
        self.base_label.setText(Path(self.base_checkpoint).name if self.base_checkpoint else "the shipped model")
        self.base_label.setToolTip(self.base_checkpoint or "")

    # --- input -------------------------------------------------------------------------------
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of your music", self.folder.text() or str(Path.home()))
        if folder:
            self.folder.setText(folder)

    def _folder_changed(self, text: str) -> None:
        if text and not self.name.isModified():
            name = Path(text).name.strip()
            try:
                name = style_id(name)  # the name it will be stored under
            except ValueError:
                pass  # Start says why
            self.name.setText(name)

    def problem(self) -> str | None:
        """Why Start cannot go ahead now, or None."""
        folder = Path(self.folder.text().strip()).expanduser()
        if not self.folder.text().strip():
            return "Choose a folder of your music first."
        if folder.is_file():
            return f"{folder} is a file: choose the folder that holds your pieces."
        if not folder.is_dir():
            return f"{folder}: no such folder."
        name = self.name.text().strip()
        if not name:
            return "Name the style (letters or digits, e.g. my_jigs)."
        try:
            slug = style_id(name)
        except ValueError as error:
            return f"{str(error)[0].upper()}{str(error)[1:]}."
        if slug in self.taken:
            return f"The model already has a style called '{slug}'; choose another name."
        if slug in user_styles() or (styles_dir() / f"{slug}.safetensors").exists():
            return f"You already have a style called '{slug}'; choose another name (nothing is replaced)."
        return None

    # --- running -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self) -> bool:
        problem = self.problem()
        if problem:
            self._say(problem, error=True)
            return False
        slug = style_id(self.name.text().strip())
        self.max_minutes_value = self.minutes.value()
        config = {"style": slug, "base": self.base_checkpoint, "out": str(styles_dir() / f"{slug}.safetensors"),
                  "max_minutes": self.max_minutes_value}
        self.result = None
        self.figures.setText("")
        self.log.clear()
        self.progress.setValue(0)
        self._started = time.monotonic()
        job = AdaptJob(self.folder.text().strip(), config, self)
        job.logged.connect(self._logged)
        job.epoch.connect(self._epoch)
        job.reading.connect(self._reading)
        job.succeeded.connect(self._succeeded)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        job.finished.connect(self._job_finished)
        self.job = job
        self._set_running(True)
        self._say(f"Reading {self.folder.text().strip()} …")
        job.start()
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self._say("Cancelling …")
            self.job.cancel()

    def _set_running(self, running: bool) -> None:
        for widget in (self.folder, self.name, self.minutes, self.browse_button, self.start_button):
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020" if error else "")

    def _logged(self, line: str) -> None:
        self.log.appendPlainText(line)
        if line.startswith(("reading", "fine-tuning", "measuring", "skipped")) or " pieces, " in line:
            self._say(line)

    def _reading(self, done: int, total: int) -> None:
        """The folder's files parsed so far (a first read of a big folder takes a while); the bar
        shows the reading until training starts."""
        self.progress.setValue(min(999, int(1000 * done / max(1, total))))
        self._say(f"Reading the folder: {done} of {total} files")

    def _epoch(self, row: dict, seconds: float) -> None:
        budget = max(1.0, self.max_minutes_value * 60)
        self.progress.setValue(min(999, int(1000 * seconds / budget)))
        self._say(f"Epoch {row.get('epoch')}: validation loss {row.get('val_loss', 0):.3f}, pitch accuracy "
                  f"{row.get('val_pitch_acc', 0):.1%}; {seconds / 60:.1f} of at most {self.max_minutes_value:g} min")

    def _succeeded(self, path: str, record: dict) -> None:
        self.result = record
        self.progress.setValue(1000)
        self.figures.setText(figures_html(record))
        self._say(f"Learned '{record['style']}' in {record['seconds'] / 60:.1f} min: it is now in the Co-writer's "
                  f"style list. Saved as {path} (with a model card beside it).")
        self.style_added.emit(record["style"], path)

    def _failed(self, message: str) -> None:
        self.log.appendPlainText(message)
        self._say(message, error=True)

    def _cancelled(self) -> None:
        self.progress.setValue(0)
        self._say("Cancelled: nothing was changed.")

    def _job_finished(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.deleteLater()
        self._set_running(False)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Stop a running job (the window is closing)."""
        if self.job is not None:
            self.job.stop(timeout_ms)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.cancel()  # closing the dialog is cancelling: the window must not keep a hidden job
        super().closeEvent(event)

    def reject(self) -> None:  # Escape
        self.cancel()
        super().reject()


def figures_html(record: dict) -> str:
    """The before/after figures of an adapt record (composer.adapt) as a short rich-text table."""
    before, after = record.get("before", {}), record.get("after", {})
    b, a = before.get("pitch_nll"), after.get("pitch_nll")
    pieces = record.get("pieces", {}).get(record.get("figures_on", "test"), 0)
    lines = [f"<b>Pitch cross-entropy</b> on {pieces} {record.get('figures_on', 'test')} piece(s) of the folder "
             "(nats per note, lower is better):"]
    if b and a:
        lines.append(f"base model (style '{record.get('init')}') {b:.3f} → <b>{record['style']} {a:.3f}</b> "
                     f"({a / b - 1:+.1%})")
    old = record.get("base_styles") or {}
    # The tuned weights serve the new style only (composer.adapt): the others keep the base's.
    kept = "The model's other styles keep its own weights and write as before"
    if old:
        lines.append(f"{kept} (measured on {len(old.get('before', {})) - 1} style(s): worst change "
                     f"{old.get('worst_change', 0):+.1%}).")
    else:
        lines.append(f"{kept}.")
    return "<br>".join(lines)

"""The co-writer model in its own process.

Generation is Python-heavy (a sampling loop around small torch ops). In a thread of the GUI
process it shares the GIL with the event loop, and on a busy machine the OS can pre-empt it while
it holds the GIL, freezing the window for 50-150 ms at a time (measured). A child process has its
own interpreter, so the window keeps turning whatever the model does; a QThread here only waits
on the pipe and turns messages into Qt signals for the GUI thread.

Protocol (pickled tuples over two one-way pipes; the child never receives code, only data):
  parent -> child: ("generate", job, composer.request.GenerationRequest) | ("quit",)
  child -> parent: ("loaded", styles, path, seconds) | ("load-failed", message)
                   ("progress", job, done, total) | ("done", job, [[new note row]]) | ("cancelled", job)
                   ("failed", job, message)
Cancelling sets a shared "cancel up to job N" counter that the sampling loop polls.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time

from PySide6.QtCore import QThread, Signal

CHILD_NICE = int(os.environ.get("COMPOSER_MODEL_NICE", "5"))


def torch_threads() -> int:
    """Half the cores (at least one) for the model, so audio, MIDI and the GUI keep running."""
    return max(1, (os.cpu_count() or 2) // 2)


def describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 600 else text[:600] + "…"


def _serve(requests, replies, cancel_up_to, checkpoint: str | None, threads: int, nice: int) -> None:
    """The child's main loop (module level so the spawn start method can import it)."""
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)  # the GUI and audio of the parent win the CPU when it is scarce
        except OSError:
            pass
    started = time.perf_counter()
    try:
        from composer.generate import CoWriter

        continuer = CoWriter.load(checkpoint, threads=threads)
    except Exception as error:
        replies.send(("load-failed", f"The co-writer model could not be loaded: {describe(error)}"))
        return
    replies.send(("loaded", list(continuer.styles), str(getattr(continuer, "path", "") or ""),
                  time.perf_counter() - started))
    while True:
        try:
            message = requests.recv()
        except (EOFError, OSError):
            return  # the window went away
        if message[0] != "generate":
            return
        _, job, request = message
        last_report = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last_report[0] >= 0.05 or done == total:  # ~20 reports a second is plenty
                last_report[0] = now
                replies.send(("progress", job, done, total))

        try:
            results = continuer.generate(request, progress=progress, cancel=lambda: cancel_up_to.value >= job)
        except Exception as error:
            if cancel_up_to.value >= job or type(error).__name__ == "Cancelled":
                replies.send(("cancelled", job))
            else:
                replies.send(("failed", job, f"The co-writer failed: {describe(error)}"))
            continue
        replies.send(("cancelled", job) if cancel_up_to.value >= job
                     else ("done", job, [_pack(request, result) for result in results]))


def _pack(request, result) -> list[tuple]:
    """Only the new notes, as plain tuples: unpickling ~1000 frozen dataclasses costs the
    receiving side ~30 ms of GIL time, which the window would feel; tuples cost ~1 ms.
    (composer.request.apply_result puts the new notes after the context's.)"""
    kept = len(request.context().notes)
    return [(n.pitch, n.onset, n.duration, n.velocity, n.voice, n.generated) for n in result.notes[kept:]]


def _unpack(request, rows: list[tuple]):
    """(the request's score with the region replaced, the new notes)"""
    from composer.music.score import Note
    from composer.request import apply_result

    new = [Note(*row) for row in rows]
    return apply_result(request, new), new

class ModelProcess(QThread):
    """Starts the child and relays its messages as signals (connect them to GUI-thread methods)."""

    loaded = Signal(list, str, float)  # styles, checkpoint path, seconds
    load_failed = Signal(str)
    progressed = Signal(int, int, int)  # job, done, total
    succeeded = Signal(int, list)  # job, [[note rows]] (see unpack_results)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, checkpoint: str | None, parent=None):
        super().__init__(parent)
        context = mp.get_context("spawn")  # never fork a process that runs Qt threads
        requests_in, self._requests_out = context.Pipe(duplex=False)  # (receiving, sending) ends
        self._replies_in, self._replies_out = context.Pipe(duplex=False)
        self._cancel_up_to = context.Value("q", 0, lock=False)
        self._jobs = 0
        self._process = context.Process(
            target=_serve, name="composer-model", daemon=True,
            args=(requests_in, self._replies_out, self._cancel_up_to, checkpoint, torch_threads(), CHILD_NICE))

    def run(self) -> None:
        self._process.start()
        self._replies_out.close()  # the child holds the writing end; EOF then means it has gone
        while True:
            try:
                message = self._replies_in.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "loaded":
                self.loaded.emit(*message[1:])
            elif kind == "load-failed":
                self.load_failed.emit(message[1])
            elif kind == "progress":
                self.progressed.emit(*message[1:])
            elif kind == "done":
                self.succeeded.emit(message[1], list(message[2]))
            elif kind == "failed":
                self.failed.emit(message[1], message[2])
            elif kind == "cancelled":
                self.cancelled.emit(message[1])
        self._process.join(timeout=5)

    @staticmethod
    def unpack_results(request, packed: list) -> list:
        """The child's compact results -> one (Score, new notes) per variation: the request's
        score with its region rewritten, and the notes the co-writer wrote."""
        return [_unpack(request, rows) for rows in packed]

    def generate(self, request) -> int:
        """Queue a generation (a composer.request.GenerationRequest); returns its job number."""
        self._jobs += 1
        self._requests_out.send(("generate", self._jobs, request))
        return self._jobs

    def cancel(self, job: int) -> None:
        self._cancel_up_to.value = max(self._cancel_up_to.value, job)

    def stop(self, timeout_ms: int = 5000) -> None:
        """Cancel everything, ask the child to quit, and wait for it."""
        self._cancel_up_to.value = 1 << 62
        try:
            self._requests_out.send(("quit",))
        except (OSError, ValueError):
            pass
        if not self.wait(timeout_ms) and self._process.is_alive():
            self._process.terminate()
            self.wait(timeout_ms)

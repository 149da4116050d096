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
                   ("failed", job, message) | ("notice", job, text: said with the job's variations)
Cancelling marks the job in a small shared table that the sampling loop polls (one job at a time:
cancelling a call-and-response answer must not cancel a continuation queued before it).

Besides the window's own jobs (signals), any thread can run a job and wait for it (call();
RemoteContinuer): call and response answers through the same process, so the GUI process never
loads the model.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time

from PySide6.QtCore import QThread, Signal

CHILD_NICE = int(os.environ.get("COMPOSER_MODEL_NICE", "5"))
CANCEL_SLOTS = 64  # slot 0: every job up to N (stop); slots 1..63: single cancelled jobs


def _is_cancelled(cancels, job: int) -> bool:
    return cancels[0] >= job or cancels[1 + job % (CANCEL_SLOTS - 1)] == job


def torch_threads() -> int:
    """Half the cores (at least one) for the model, so audio, MIDI and the GUI keep running."""
    return max(1, (os.cpu_count() or 2) // 2)


def describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 600 else text[:600] + "…"


class _WindowGone(Exception):
    """The window's end of the pipe is closed: it quit or was killed while the child worked."""


def _send(replies, message: tuple) -> None:
    """replies.send(message), raising _WindowGone where the window has gone away (a window killed
    while the model loaded left a BrokenPipeError traceback on the terminal; QA qa14 W5)."""
    try:
        replies.send(message)
    except (BrokenPipeError, ConnectionResetError, EOFError) as error:
        raise _WindowGone() from error


def _serve(requests, replies, cancels, checkpoint: str | None, threads: int, nice: int) -> None:
    """The child's main loop (module level so the spawn start method can import it); it ends
    quietly when the window goes away."""
    try:
        _serve_until_gone(requests, replies, cancels, checkpoint, threads, nice)
    except _WindowGone:
        return


def _serve_until_gone(requests, replies, cancels, checkpoint: str | None, threads: int, nice: int) -> None:
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
        _send(replies, ("load-failed", f"The co-writer model could not be loaded: {describe(error)}"))
        return
    _send(replies, ("loaded", list(continuer.styles), str(getattr(continuer, "path", "") or ""),
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
                _send(replies, ("progress", job, done, total))

        try:
            results = continuer.generate(request, progress=progress, cancel=lambda: _is_cancelled(cancels, job))
        except Exception as error:
            if _is_cancelled(cancels, job) or type(error).__name__ == "Cancelled":
                _send(replies, ("cancelled", job))
            else:
                _send(replies, ("failed", job, f"The co-writer failed: {describe(error)}"))
            continue
        if not _is_cancelled(cancels, job):
            for notice in continuer.notices:  # (what the co-writer worked around: a one-track piano's hands)
                _send(replies, ("notice", job, notice))
        _send(replies, ("cancelled", job) if _is_cancelled(cancels, job)
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

class Cancelled(Exception):
    """A call() was cancelled (same name as composer.generate.Cancelled, without torch)."""


class _Waiter:
    """The answer to one call(), handed from the reading thread to the waiting one."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.kind, self.rows, self.message = "", [], ""

    def answer(self, kind: str, message: tuple) -> None:
        if kind == "progress":
            return
        self.kind = kind
        if kind == "done":
            self.rows = list(message[2])
        elif kind == "failed":
            self.message = message[2]
        self.done.set()


class RemoteContinuer:
    """Continuer.continue_score's interface (what call and response uses) answered by the
    co-writer's model process: the window loads the model once, in that process."""

    def __init__(self, process: "ModelProcess", styles: list[str]):
        self.process = process
        self.styles = list(styles)

    def continue_score(self, score, *, length: int = 32, variations: int = 1, style=None, temperature=1.0,
                       top_p=0.95, key=None, seed=None, bars=None, voice=None, progress=None, cancel=None,
                       controls=None) -> list:
        """As composer.generate.Continuer.continue_score (each result: the score's notes, then
        the new ones; `controls`: a composer.music.region.Controls, None = Controls(), sent inside
        the request); blocks the calling thread, never the GUI's."""
        from composer.music.region import Controls
        from composer.music.score import Voice
        from composer.request import continue_request

        if voice is not None and voice >= len(score.voices):
            score = score.copy()
            score.voices += [Voice(name=f"Voice {i + 1}") for i in range(len(score.voices), voice + 1)]
        request = continue_request(
            score, None if voice is None else (voice,), style=None if style == "neutral" else style, key=key,
            temperature=temperature, top_p=top_p, variations=variations, seed=seed,
            length=None if bars is not None else length, bars=bars, controls=controls or Controls())
        return self.process.call(request, cancel)


class ModelProcess(QThread):
    """Starts the child and relays its messages as signals (connect them to GUI-thread methods)."""

    loaded = Signal(list, str, float)  # styles, checkpoint path, seconds
    load_failed = Signal(str)
    progressed = Signal(int, int, int)  # job, done, total
    succeeded = Signal(int, list)  # job, [[note rows]] (see unpack_results)
    failed = Signal(int, str)
    cancelled = Signal(int)
    noticed = Signal(int, str)  # job, what to say with its variations

    def __init__(self, checkpoint: str | None, parent=None):
        super().__init__(parent)
        context = mp.get_context("spawn")  # never fork a process that runs Qt threads
        requests_in, self._requests_out = context.Pipe(duplex=False)  # (receiving, sending) ends
        self._replies_in, self._replies_out = context.Pipe(duplex=False)
        self._cancels = context.Array("q", CANCEL_SLOTS, lock=False)
        self._jobs = 0
        self._send_lock = threading.Lock()  # the window and call() (other threads) both send
        self._waiters: dict[int, _Waiter] = {}  # jobs run by call(), answered to their thread
        self._process = context.Process(
            target=_serve, name="composer-model", daemon=True,
            args=(requests_in, self._replies_out, self._cancels, checkpoint, torch_threads(), CHILD_NICE))

    def run(self) -> None:
        self._process.start()
        self._replies_out.close()  # the child holds the writing end; EOF then means it has gone
        while True:
            try:
                message = self._replies_in.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            waiter = self._waiters.get(message[1]) if kind in ("progress", "done", "failed", "cancelled") else None
            if waiter is not None:
                waiter.answer(kind, message)
            elif kind == "loaded":
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
            elif kind == "notice" and message[1] not in self._waiters:  # (call() returns notes alone)
                self.noticed.emit(message[1], message[2])
        for waiter in list(self._waiters.values()):  # the child has gone: nobody waits forever
            waiter.answer("failed", (None, None, "the co-writer's model process stopped"))
        self._process.join(timeout=5)

    @staticmethod
    def unpack_results(request, packed: list) -> list:
        """The child's compact results -> one (Score, new notes) per variation: the request's
        score with its region rewritten, and the notes the co-writer wrote."""
        return [_unpack(request, rows) for rows in packed]

    def generate(self, request, waiter: "_Waiter | None" = None) -> int:
        """Queue a generation (a composer.request.GenerationRequest); returns its job number.
        Its outcome comes as signals, or to `waiter` (call())."""
        with self._send_lock:
            self._jobs += 1
            if waiter is not None:
                self._waiters[self._jobs] = waiter
            self._requests_out.send(("generate", self._jobs, request))
            return self._jobs

    def call(self, request, cancel=None) -> list:
        """Run a request and wait for it, from any thread but the GUI's (whose event loop the
        signals need): the variations as Scores (see unpack_results). Raises Cancelled when
        cancel() turns True, RuntimeError when the model fails or its process has gone."""
        waiter = _Waiter()
        if not self.isRunning():
            raise RuntimeError("the co-writer's model process is not running")
        job = self.generate(request, waiter)
        try:
            while not waiter.done.wait(0.005):
                if cancel is not None and cancel():
                    self.cancel(job)
                    cancel = None  # asked once; the child answers "cancelled"
        finally:
            self._waiters.pop(job, None)
        if waiter.kind == "cancelled":
            raise Cancelled(f"job {job} was cancelled")
        if waiter.kind == "failed":
            raise RuntimeError(waiter.message)
        return [score for score, _new in self.unpack_results(request, waiter.rows)]

    def cancel(self, job: int) -> None:
        self._cancels[1 + job % (CANCEL_SLOTS - 1)] = job

    def stop(self, timeout_ms: int = 5000) -> None:
        """Cancel everything, ask the child to quit, and wait for it."""
        self._cancels[0] = 1 << 62
        try:
            self._requests_out.send(("quit",))
        except (OSError, ValueError):
            pass
        if not self.wait(timeout_ms) and self._process.is_alive():
            self._process.terminate()
            self.wait(timeout_ms)

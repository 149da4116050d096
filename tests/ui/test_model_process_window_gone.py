"""The co-writer's model process ends quietly when the window goes away while it works: a window
killed while the model loaded (what a logout or `kill` does) left the child's BrokenPipeError
traceback on the terminal (QA qa14). A real child process (spawn), the real model, a real pipe
whose window end is closed before the model has loaded."""

from __future__ import annotations

import multiprocessing as mp

from composer.generate import default_model_path
from composer.ui.model_process import CANCEL_SLOTS, _serve


def test_the_model_process_ends_quietly_when_the_window_is_gone(capfd):
    context = mp.get_context("spawn")
    requests_in, requests_out = context.Pipe(duplex=False)
    replies_in, replies_out = context.Pipe(duplex=False)
    cancels = context.Array("q", CANCEL_SLOTS, lock=False)
    child = context.Process(target=_serve, args=(requests_in, replies_out, cancels, str(default_model_path()), 1, 0))
    child.start()
    replies_out.close()  # the child holds the writing end
    replies_in.close()  # ... and the window is gone before the model has loaded
    requests_out.close()
    child.join(60)
    assert child.exitcode == 0, capfd.readouterr().err
    assert "Traceback" not in capfd.readouterr().err

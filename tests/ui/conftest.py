"""Qt runs offscreen; settings, autosave and recent files go to a temporary folder so tests never
touch the user's own."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from window_helpers import isolate_settings  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    isolate_settings(tmp_path / "config", monkeypatch)
    yield tmp_path / "config"


@pytest.fixture
def window(qtbot):
    """The composer window without the model process or sound (the tests that need them start
    their own); closed without a save prompt."""
    from composer.ui.main_window import MainWindow

    w = MainWindow(load_model=False, start_audio=False)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.document.undo_stack.setClean()  # no save prompt on the way out
    w.close()
    w.deleteLater()


@pytest.fixture
def editor(qtbot):
    """The piano roll's editor view (roll, ruler, velocity lane) on an empty document, shown at
    900 x 600 (a module may override it, asking for this one, to load a score first)."""
    from composer.ui.document import ScoreDocument
    from composer.ui.editor_view import EditorView

    view = EditorView(ScoreDocument())
    view.resize(900, 600)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view

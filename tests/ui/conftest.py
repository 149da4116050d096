"""Qt runs offscreen; settings, autosave and recent files go to a temporary folder so tests never
touch the user's own."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("COMPOSER_CONFIG_DIR", str(tmp_path / "config"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
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

"""Persistent preferences (QSettings): soundfont, audio driver, MIDI input, model checkpoint,
recent files, autosave interval and co-writer settings. Empty string = automatic / default."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

MAX_RECENT = 10


def config_dir() -> Path:
    """Where autosaves live. $COMPOSER_CONFIG_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("COMPOSER_CONFIG_DIR")
    if override:
        return Path(override)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".composer")


class AppSettings:
    def __init__(self) -> None:
        self._q = QSettings("Composer", "Composer")

    def _text(self, key: str) -> str:
        value = self._q.value(key, "")
        return value if isinstance(value, str) else ""

    # --- plain text settings -----------------------------------------------------------------
    @property
    def soundfont(self) -> str:
        return self._text("audio/soundfont")

    @soundfont.setter
    def soundfont(self, value: str) -> None:
        self._q.setValue("audio/soundfont", value)

    @property
    def audio_driver(self) -> str:
        return self._text("audio/driver")

    @audio_driver.setter
    def audio_driver(self, value: str) -> None:
        self._q.setValue("audio/driver", value)

    @property
    def midi_input(self) -> str:
        return self._text("midi/input")

    @midi_input.setter
    def midi_input(self, value: str) -> None:
        self._q.setValue("midi/input", value)

    @property
    def checkpoint(self) -> str:
        return self._text("model/checkpoint")

    @checkpoint.setter
    def checkpoint(self, value: str) -> None:
        self._q.setValue("model/checkpoint", value)

    @property
    def autosave_seconds(self) -> int:
        try:
            return max(5, int(self._q.value("files/autosave_seconds", 60)))
        except (TypeError, ValueError):
            return 60

    @autosave_seconds.setter
    def autosave_seconds(self, value: int) -> None:
        self._q.setValue("files/autosave_seconds", int(value))

    # --- recent files ------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._q.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if isinstance(v, str)][:MAX_RECENT]

    def add_recent(self, path: str | Path) -> list[str]:
        text = str(Path(path).resolve())
        recent = [text] + [p for p in self.recent_files() if p != text]
        self._q.setValue("files/recent", recent[:MAX_RECENT])
        return recent[:MAX_RECENT]

    def last_directory(self) -> str:
        return self._text("files/last_directory")

    def set_last_directory(self, path: str | Path) -> None:
        self._q.setValue("files/last_directory", str(Path(path).parent))

    # --- co-writer settings (the panel's dict) -----------------------------------------------
    def generation(self) -> dict:
        self._q.beginGroup("generation")
        try:
            return {k: self._q.value(k) for k in self._q.childKeys()}
        finally:
            self._q.endGroup()

    def set_generation(self, values: dict) -> None:
        self._q.beginGroup("generation")
        try:
            for k, v in values.items():
                self._q.setValue(k, "" if v is None else v)
        finally:
            self._q.endGroup()

    def sync(self) -> None:
        self._q.sync()

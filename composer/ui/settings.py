"""Persistent preferences (QSettings): soundfont, audio driver, MIDI input, model checkpoint,
recent files, autosave interval and co-writer settings. Empty string = automatic / default.

Values are validated on reading: a hand-edited or damaged settings file cannot make the app do
what the dialog never offers (`audio/driver=file` had FluidSynth write a WAV file into the working
folder while the status bar said sound works); what was ignored is listed in `ignored` for the
window to show. The settings file holds recent file names, so it is private to the user (0600).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

MAX_RECENT = 10
# The drivers the Settings dialog offers ("" = automatic); anything else in the file is ignored.
AUDIO_DRIVERS = ["", "pulseaudio", "pipewire", "alsa", "jack", "coreaudio", "dsound", "wasapi", "sdl2"]
MIN_AUTOSAVE_SECONDS, MAX_AUTOSAVE_SECONDS = 5, 3600
MAX_SETTING_TEXT = 4096  # a path or port name; longer is damage
log = logging.getLogger(__name__)


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
        self.ignored: list[str] = []  # settings-file values refused on reading, in words
        self._private()
        self.audio_driver  # noqa: B018 - validate now, so `ignored` is complete at start
        self.autosave_seconds  # noqa: B018

    def _text(self, key: str) -> str:
        value = self._q.value(key, "")
        if not isinstance(value, str) or len(value) > MAX_SETTING_TEXT or "\x00" in value:
            self._ignore(key, value)
            return ""
        return value

    def _ignore(self, key: str, value) -> None:
        text = f"{key}={str(value)[:40]!r} in {self._q.fileName()} was ignored"
        if text not in self.ignored:
            self.ignored.append(text)
            log.warning("%s", text)

    def _set(self, key: str, value) -> None:
        self._q.setValue(key, value)
        self._q.sync()  # written now, so it is made private now (Qt keeps the mode afterwards)
        self._private()

    def _private(self) -> None:
        """Make the settings file readable by the user alone (it lists recent files)."""
        name = self._q.fileName()
        try:
            if name and os.path.isfile(name) and stat.S_IMODE(os.stat(name).st_mode) & 0o077:
                os.chmod(name, 0o600)
        except OSError:
            pass

    # --- plain text settings -----------------------------------------------------------------
    @property
    def soundfont(self) -> str:
        return self._text("audio/soundfont")

    @soundfont.setter
    def soundfont(self, value: str) -> None:
        self._set("audio/soundfont", value)

    @property
    def wav_normalise(self) -> bool:
        """WAV exports peak-normalised to -1 dBFS (the default) or left as the synth renders them."""
        return self._q.value("export/wav_normalise", "true") not in ("false", False, "0", 0)

    @wav_normalise.setter
    def wav_normalise(self, on: bool) -> None:
        self._set("export/wav_normalise", "true" if on else "false")

    @property
    def audio_driver(self) -> str:
        """One of AUDIO_DRIVERS; anything else in the file reads as "" (automatic)."""
        value = self._text("audio/driver")
        if value not in AUDIO_DRIVERS:
            self._ignore("audio/driver", value)
            return ""
        return value

    @audio_driver.setter
    def audio_driver(self, value: str) -> None:
        if value not in AUDIO_DRIVERS:
            raise ValueError(f"audio driver {value!r} is not one of {AUDIO_DRIVERS}")
        self._set("audio/driver", value)

    @property
    def midi_input(self) -> str:
        return self._text("midi/input")

    @midi_input.setter
    def midi_input(self, value: str) -> None:
        self._set("midi/input", value)

    @property
    def checkpoint(self) -> str:
        return self._text("model/checkpoint")

    @checkpoint.setter
    def checkpoint(self, value: str) -> None:
        self._set("model/checkpoint", value)

    @property
    def autosave_seconds(self) -> int:
        raw = self._q.value("files/autosave_seconds", 60)
        try:
            value = int(raw)
        except (TypeError, ValueError, OverflowError):
            value = None
        if value is None or not MIN_AUTOSAVE_SECONDS <= value <= MAX_AUTOSAVE_SECONDS:
            self._ignore("files/autosave_seconds", raw)
            return 60
        return value

    @autosave_seconds.setter
    def autosave_seconds(self, value: int) -> None:
        self._set("files/autosave_seconds", int(value))

    # --- recent files ------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self._q.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            value = []
        return [v for v in value if isinstance(v, str) and 0 < len(v) <= MAX_SETTING_TEXT][:MAX_RECENT]

    def add_recent(self, path: str | Path) -> list[str]:
        text = str(Path(path).resolve())
        recent = [text] + [p for p in self.recent_files() if p != text]
        self._set("files/recent", recent[:MAX_RECENT])
        return recent[:MAX_RECENT]

    def last_directory(self) -> str:
        return self._text("files/last_directory")

    def set_last_directory(self, path: str | Path) -> None:
        self._set("files/last_directory", str(Path(path).parent))

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
        self._private()

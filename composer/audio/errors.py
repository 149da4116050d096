"""What can go wrong with sound, each with a message a user can act on."""

from __future__ import annotations

from pathlib import Path


class AudioError(Exception):
    """Base of every sound-engine error; str(error) is the message to show the user."""


class FluidSynthMissing(AudioError):
    """libfluidsynth (or pyfluidsynth) cannot be loaded."""


class SoundFontError(AudioError):
    """No soundfont found, or one that FluidSynth cannot load (the message names the file)."""

    def __init__(self, message: str, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        super().__init__(message)


class AudioDriverError(AudioError):
    """No audio output could be opened (the message lists the drivers tried and why)."""


class RenderCancelled(AudioError):
    """An offline render was cancelled by its caller; the partial file has been removed."""

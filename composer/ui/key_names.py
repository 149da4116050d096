"""Keys and scales as a musician writes them, for what the window shows: 'A harmonic minor',
'E blues', 'C major pentatonic'. The identifiers ('harmonic_minor') stay inside, in settings and
project files, and on the command line (--key A:harmonic_minor). Qt-free."""

from __future__ import annotations

from composer.music.scales import PITCH_CLASS_NAMES, Key


def scale_text(scale: str) -> str:
    """'harmonic_minor' -> 'harmonic minor'."""
    return scale.replace("_", " ")


def key_text(key: Key) -> str:
    """'A harmonic minor' for Key(9, 'harmonic_minor') (str(key) is 'A:harmonic_minor')."""
    return f"{PITCH_CLASS_NAMES[key.tonic]} {scale_text(key.scale)}"

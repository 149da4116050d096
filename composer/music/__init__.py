"""Pure music domain: no Qt, no torch."""

from composer.music.scales import SCALES, Key, estimate_key, note_name, pitch_class_of
from composer.music.score import (
    DEFAULT_BPM,
    DEFAULT_VELOCITY,
    TICKS_PER_QUARTER,
    Note,
    Score,
    TempoChange,
    TimeSignature,
    Voice,
)
from composer.music.transform import grid_ticks, melody, quantise, transpose, transpose_range

__all__ = [
    "DEFAULT_BPM", "DEFAULT_VELOCITY", "TICKS_PER_QUARTER", "SCALES", "Key", "Note", "Score",
    "TempoChange", "TimeSignature", "Voice", "estimate_key", "grid_ticks", "melody", "note_name",
    "pitch_class_of", "quantise", "transpose", "transpose_range",
]

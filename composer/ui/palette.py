"""Colours: hue by voice, shade by velocity, continuation notes striped, so a musician can tell
voices, dynamics and what the co-writer wrote at a glance."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

VOICE_HUES = (205, 28, 140, 280, 0, 55, 175, 320)  # blue, orange, green, violet, red, yellow, teal, pink
VELOCITY_LEVELS = 8

BACKGROUND = QColor(38, 40, 46)
BLACK_KEY_ROW = QColor(31, 33, 38)
C_ROW_LINE = QColor(70, 74, 84)
ROW_LINE = QColor(46, 48, 55)
GRID_LINE = QColor(50, 53, 61)
BEAT_LINE = QColor(64, 68, 79)
BAR_LINE = QColor(104, 110, 126)
PLAYHEAD = QColor(255, 92, 72)
LOOP_SHADE = QColor(90, 170, 255, 28)
LOOP_EDGE = QColor(90, 170, 255, 160)
SELECTION_EDGE = QColor(255, 255, 255)
RUBBER_BAND = QColor(150, 200, 255, 60)
GHOST = QColor(255, 255, 255, 150)  # outlines with no voice (a live take); a variation's use voice_colour
GHOST_FILL_ALPHA = 45  # a previewed note is only tinted inside: accepted notes stay the solid ones
REPLACED_ALPHA = 70  # notes a fill preview would replace: faded to this much of their colour...
REPLACED_HATCH = QBrush(QColor(20, 20, 24, 150), Qt.BrushStyle.DiagCrossPattern)  # ...and cross-hatched


def voice_hue(voice: int) -> int:
    return VOICE_HUES[voice % len(VOICE_HUES)]


def velocity_level(velocity: int) -> int:
    return min(VELOCITY_LEVELS - 1, velocity * VELOCITY_LEVELS // 128)


@lru_cache(maxsize=1024)
def note_fill(voice: int, level: int, generated: bool, selected: bool) -> QColor:
    """Louder = more saturated and brighter; continuations lighter so the stripes show."""
    strength = (level + 1) / VELOCITY_LEVELS
    saturation = int(70 + 160 * strength)
    value = int(140 + 110 * strength)
    if generated:
        saturation = int(saturation * 0.75)
    if selected:
        value = 255
        saturation = int(saturation * 0.55)
    return QColor.fromHsv(voice_hue(voice), saturation, min(255, value))


def voice_colour(voice: int) -> QColor:
    """The voice's own colour: its notes' fill at full velocity (hue by voice)."""
    return note_fill(voice, VELOCITY_LEVELS - 1, False, False)


@lru_cache(maxsize=64)
def ghost_pen(voice: int) -> QPen:
    """Dashed outline of a previewed (not yet accepted) note, in its voice's colour, so the parts
    of a multi-voice fill or continuation can be told apart."""
    return QPen(voice_colour(voice), 1.5, Qt.PenStyle.DashLine)


@lru_cache(maxsize=64)
def ghost_fill(voice: int) -> QColor:
    colour = QColor(voice_colour(voice))
    colour.setAlpha(GHOST_FILL_ALPHA)
    return colour


@lru_cache(maxsize=1024)
def replaced_fill(voice: int, level: int) -> QColor:
    """A note that accepting the previewed fill would replace: its usual colour, faded."""
    colour = QColor(note_fill(voice, level, False, False))
    colour.setAlpha(REPLACED_ALPHA)
    return colour


@lru_cache(maxsize=64)
def replaced_edge(voice: int) -> QPen:
    return QPen(QColor.fromHsv(voice_hue(voice), 120, 150, 160), 1, Qt.PenStyle.DotLine)


@lru_cache(maxsize=64)
def note_edge(voice: int, generated: bool) -> QPen:
    pen = QPen(QColor.fromHsv(voice_hue(voice), 200, 70 if not generated else 110), 1)
    if generated:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


@lru_cache(maxsize=64)
def continuation_stripes(voice: int) -> QBrush:
    return QBrush(QColor.fromHsv(voice_hue(voice), 255, 90, 110), Qt.BrushStyle.BDiagPattern)

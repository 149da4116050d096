"""Painting the piano roll: only what is visible, notes batched by colour (one drawRects call per
colour instead of one call per note keeps 10,000-note scores smooth)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from composer.music.instruments import drum_name
from composer.music.meter import MeterMap
from composer.music.score import Note
from composer.ui import bar_grid, palette
from composer.ui.note_store import NoteStore
from composer.ui.roll_geometry import RollGeometry

BLACK_KEYS = {1, 3, 6, 8, 10}
MIN_GRID_PX = 6  # grid lines closer than this are noise
LABEL_MIN_ROW = 11  # note names inside notes from this row height...
LABEL_MIN_WIDTH = 26  # ...on notes at least this wide (px)
LABEL_COLOUR = QColor(20, 20, 24, 210)
LABEL_MAX_NOTES = 600  # more notes in view than this: names would be clutter (and cost frame time)


@dataclass(slots=True)
class RollFrame:
    """Everything one frame needs; built by the widget, painted here."""

    geometry: RollGeometry
    scroll_x: int
    scroll_y: int
    width: int
    height: int
    store: NoteStore
    selection: set[int]
    meters: MeterMap  # the score's meter map: bar and beat lines per meter section
    spell: Callable[[int, int], str]  # (pitch, tick) -> its name there: in the written chord, else key
    grid: int  # snap grid in ticks (480 per quarter)
    preview: dict[int, Note] = field(default_factory=dict)  # notes being dragged, by id
    new_notes: list[Note] = field(default_factory=list)  # a note being drawn
    ghosts: list[Note] = field(default_factory=list)  # an unaccepted continuation
    replaced: set[int] = field(default_factory=set)  # ids of notes the previewed fill would replace (dimmed)
    loop: tuple[int, int] | None = None
    playhead: int = 0
    rubber_band: QRectF | None = None
    drum_voices: frozenset[int] = frozenset()  # voices whose notes are drums: labelled with the drum, not a pitch

    def visible_ticks(self) -> tuple[int, int]:
        g = self.geometry
        return int(g.tick_at(self.scroll_x)), int(g.tick_at(self.scroll_x + self.width)) + 1

    def visible_pitches(self) -> tuple[int, int]:
        g = self.geometry
        return g.pitch_at(self.scroll_y + self.height), g.pitch_at(self.scroll_y)


def paint_roll(p: QPainter, f: RollFrame) -> None:
    g = f.geometry
    t0, t1 = f.visible_ticks()
    low, high = f.visible_pitches()
    p.fillRect(0, 0, f.width, f.height, palette.BACKGROUND)
    _paint_rows(p, f, low, high)
    _paint_grid(p, f, t0, t1)
    if f.loop is not None:
        x0, x1 = g.x(f.loop[0]) - f.scroll_x, g.x(f.loop[1]) - f.scroll_x
        p.fillRect(QRectF(x0, 0, x1 - x0, f.height), palette.LOOP_SHADE)
    _paint_notes(p, f, t0, t1, low, high)
    if f.geometry.row_height >= LABEL_MIN_ROW:
        _paint_labels(p, f, t0, t1, low, high)
    if f.ghosts:
        _paint_ghosts(p, f, t0, t1)
    if f.rubber_band is not None:
        p.setPen(QPen(palette.SELECTION_EDGE, 1, Qt.PenStyle.DotLine))
        p.setBrush(palette.RUBBER_BAND)
        p.drawRect(f.rubber_band)
    x = g.x(f.playhead) - f.scroll_x
    if -2 <= x <= f.width + 2:
        p.setPen(QPen(palette.PLAYHEAD, 2))
        p.drawLine(QRectF(x, 0, 0, f.height).topLeft(), QRectF(x, 0, 0, f.height).bottomLeft())


def _paint_ghosts(p: QPainter, f: RollFrame, t0: int, t1: int) -> None:
    """The previewed variation: dashed outlines, lightly tinted, each in its voice's colour."""
    by_voice: dict[int, list[QRectF]] = defaultdict(list)
    for n in f.ghosts:
        if n.end >= t0 and n.onset <= t1:
            by_voice[n.voice].append(_rect(f, n))
    for voice, rects in by_voice.items():
        p.setBrush(palette.ghost_fill(voice))
        p.setPen(palette.ghost_pen(voice))
        p.drawRects(rects)
    p.setBrush(QBrush())


def _rect(f: RollFrame, n: Note) -> QRectF:
    g = f.geometry
    x = g.x(n.onset) - f.scroll_x
    w = max(2.0, g.x(n.end) - g.x(n.onset) - 1)
    return QRectF(x, g.y(n.pitch) - f.scroll_y + 1, w, g.row_height - 2)


def note_label(f: RollFrame, n: Note) -> str:
    """The name written on a note: in a drum voice the drum its key plays (General MIDI: the ride
    had read 'Eb3' in one bar and 'D#3' in another, spelled by the key; QA qa16), else the pitch
    spelled in the written chord or key there."""
    return (drum_name(n.pitch) if n.voice in f.drum_voices else None) or f.spell(n.pitch, n.onset)


def _paint_labels(p: QPainter, f: RollFrame, t0: int, t1: int, low: int, high: int) -> None:
    """Note names on notes, once zoomed in far enough for them to fit."""
    font = p.font()
    font.setPixelSize(max(8, min(12, f.geometry.row_height - 4)))
    p.setFont(font)
    p.setPen(LABEL_COLOUR)
    align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    ids = f.store.in_range(t0, t1, low, high)
    if len(ids) > LABEL_MAX_NOTES:
        return
    for i in ids:
        n = f.preview.get(i, f.store[i])
        rect = _rect(f, n)
        if rect.width() >= LABEL_MIN_WIDTH:
            p.drawText(rect.adjusted(3, 0, -2, 0), align, note_label(f, n))


def _paint_rows(p: QPainter, f: RollFrame, low: int, high: int) -> None:
    g = f.geometry
    for pitch in range(low, high + 1):
        y = g.y(pitch) - f.scroll_y
        if pitch % 12 in BLACK_KEYS:
            p.fillRect(0, y, f.width, g.row_height, palette.BLACK_KEY_ROW)
        p.setPen(palette.C_ROW_LINE if pitch % 12 == 0 else palette.ROW_LINE)
        bottom = y + g.row_height - 1
        p.drawLine(0, bottom, f.width, bottom)


def grid_ticks(f: RollFrame, t0: int, t1: int) -> dict[str, list[int]]:
    """The vertical lines of ticks [t0, t1]: "bar" and "beat" lines follow the meter map (a 3/4
    section has its bars of three quarters), "grid" lines are the snap grid's multiples between
    them. A kind whose lines would be closer than MIN_GRID_PX is left out (empty)."""
    g, meters = f.geometry, f.meters
    shortest_bar = min(c.bar_ticks for c in meters.changes)
    shortest_beat = min(c.beat_ticks for c in meters.changes)
    bars, beats = bar_grid.bar_lines(meters, t0, t1), bar_grid.beat_lines(meters, t0, t1)
    grid: list[int] = []
    if g.x(f.grid) >= MIN_GRID_PX:
        taken = set(bars) | set(beats)
        grid = [t for t in bar_grid.grid_points(meters, t0, t1, f.grid) if t not in taken]
    return {"grid": grid,
            "beat": beats if g.x(shortest_beat) >= MIN_GRID_PX else [],
            "bar": bars if g.x(shortest_bar) >= MIN_GRID_PX else []}


def _paint_grid(p: QPainter, f: RollFrame, t0: int, t1: int) -> None:
    g = f.geometry
    lines = grid_ticks(f, t0, t1)
    for kind, colour in (("grid", palette.GRID_LINE), ("beat", palette.BEAT_LINE), ("bar", palette.BAR_LINE)):
        p.setPen(colour)
        for tick in lines[kind]:
            x = int(g.x(tick)) - f.scroll_x
            p.drawLine(x, 0, x, f.height)


def _paint_notes(p: QPainter, f: RollFrame, t0: int, t1: int, low: int, high: int) -> None:
    # key: voice, velocity level, generated, selected, replaced (by the previewed fill: dimmed)
    groups: dict[tuple[int, int, bool, bool, bool], list[QRectF]] = defaultdict(list)
    ids = f.store.in_range(t0, t1, low, high)
    store, selection, preview, replaced = f.store, f.selection, f.preview, f.replaced
    for i in ids:
        if i in preview:
            continue
        n = store[i]
        groups[(n.voice, palette.velocity_level(n.velocity), n.generated, i in selection,
                i in replaced)].append(_rect(f, n))
    for i, n in preview.items():
        groups[(n.voice, palette.velocity_level(n.velocity), n.generated, True, False)].append(_rect(f, n))
    for n in f.new_notes:
        groups[(n.voice, palette.velocity_level(n.velocity), n.generated, True, False)].append(_rect(f, n))
    outlines = f.geometry.px_per_quarter >= 12 and f.geometry.row_height >= 6
    for (voice, level, generated, selected, dimmed), rects in groups.items():
        if dimmed:  # faded and cross-hatched: what Accept would take out (the document is untouched)
            p.setBrush(palette.replaced_fill(voice, level))
            p.setPen(QPen(palette.SELECTION_EDGE, 1) if selected and outlines else palette.replaced_edge(voice))
            p.drawRects(rects)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(palette.REPLACED_HATCH)
            p.drawRects(rects)
            continue
        p.setBrush(palette.note_fill(voice, level, generated, selected))
        if outlines:
            p.setPen(QPen(palette.SELECTION_EDGE, 2) if selected else palette.note_edge(voice, generated))
        else:
            p.setPen(Qt.PenStyle.NoPen)
        p.drawRects(rects)
        if generated:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(palette.continuation_stripes(voice))
            p.drawRects(rects)
    p.setBrush(QBrush())

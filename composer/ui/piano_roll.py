"""The piano-roll editor: a custom-painted scroll area. Mouse gestures become undoable document
edits on release; while dragging, only a preview is drawn (nothing enters the undo stack).

Gestures: Draw tool - click empty space to add a note, drag right to set its length. Both tools -
click a note to select (Shift toggles), drag its body to move (snapped; Alt = free), drag its
right end to resize, right-click to delete, drag on empty space (Select tool, or Shift) for a
rubber band. Keys: arrows transpose (Shift = octave) and nudge, Delete removes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from PySide6.QtCore import QEasingCurve, QPoint, QPointF, QPropertyAnimation, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from composer.music.chords import ChordSymbol, spelled_in_chord
from composer.music.instruments import drum_name
from composer.music.scales import Key
from composer.music.score import DEFAULT_VELOCITY, TICKS_PER_QUARTER, Note, TimeSignature
from composer.music.meter import MeterMap
from composer.ui import bar_grid, edit_ops
from composer.ui.document import ScoreDocument
from composer.ui.roll_geometry import MAX_ROW, MIN_ROW, RollGeometry
from composer.ui.roll_painter import RollFrame, paint_roll

RESIZE_HANDLE_PX = 6
SMOOTH_SCROLL_MS = 110  # a wheel notch glides instead of jumping
EXTRA_BARS = 16  # room to write past the last note
FIT_MARGIN_PX = 24  # room left around notes brought into view
FIT_MAX_ROW = 20  # Zoom to Fit never makes rows taller than this (a 3-note selection is not a wall)
# The furthest a view the window places zooms out to show a whole result or file: a 16th is 3 px,
# a 4/4 bar 48 px (about 18 bars in the default window). Past that a long file keeps its zoom.
AUTO_MIN_PX_PER_QUARTER = 12.0
CONTEXT_BARS = 2  # the bars before new notes shown with them: the music they continue or sit under


def bar_beat(tick: int, meters: MeterMap | TimeSignature) -> str:
    """'3:2' = bar 3, beat 2 at `tick` (ticks, 480 per quarter) in the meter map (bar 1 = first
    full bar, a pickup is bar 0: composer.ui.bar_grid); off the beat, the hundredths: '3:2.50'."""
    where = bar_grid.bar_beat(bar_grid.as_meter_map(meters), tick)
    text = f"{where.bar}:{where.beat}"
    return text + f".{where.hundredths:02d}" if where.ticks else text


def readout_text(pitch: int, tick: int, meters: MeterMap | TimeSignature, velocity: int | None = None,
                 key: Key | None = None, chord: ChordSymbol | None = None, drum: bool = False) -> str:
    """What the pointer is on: 'E5  3:2  vel 80' (velocity only over or while dragging a note),
    the pitch spelled in `key` (the written key at `tick`: 'Eb5' in Bb major, 'D#5' in D major),
    a tone of the written `chord` there as the chord spells it (E7's 'G#4' in F major); in a drum
    voice the drum its key plays ('Closed Hi-Hat  3:2', General MIDI), not a pitch spelled by the
    key (a hi-hat read 'Gb2' in F major, 'F#2' in A major; QA qa14)."""
    name = (drum_name(pitch) if drum else None) or spelled_in_chord(pitch, key, chord)
    text = f"{name}  {bar_beat(tick, meters)}"
    return text if velocity is None else f"{text}  vel {velocity}"


@dataclass(slots=True)
class Drag:
    kind: str  # "draw" | "move" | "resize" | "rubber"
    origin: QPoint  # content coordinates of the press
    anchor: int | None = None  # the id of the grabbed note
    originals: dict[int, Note] = field(default_factory=dict)
    preview: dict[int, Note] = field(default_factory=dict)
    new_note: Note | None = None
    additive: bool = False
    current: QPoint | None = None  # content coordinates of the latest move


class PianoRoll(QAbstractScrollArea):
    view_changed = Signal()  # scrolled or zoomed: keyboard, ruler and lane repaint
    audition = Signal(int, int, int)  # pitch, velocity, voice: let the user hear a note
    audition_off = Signal(int, int)  # pitch, voice
    spelling_changed = Signal()  # the playhead or pointer crossed into another written key: the keyboard respells

    def __init__(self, document: ScoreDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.geometry_ = RollGeometry()
        self.snap = edit_ops.Snap(16)
        self.tool = "draw"
        self.current_voice = 0
        self.draw_velocity = DEFAULT_VELOCITY
        self.playhead = 0
        self.loop: tuple[int, int] | None = None
        self.ghosts: list[Note] = []
        self.replaced: set[int] = set()  # ids of the notes the previewed fill would replace (drawn dimmed)
        self._drag: Drag | None = None
        self._last_length = TICKS_PER_QUARTER
        self._sounding: tuple[int, int] | None = None
        self.readout = ""  # pitch, bar:beat (and velocity) under the pointer, drawn beside it
        self._readout_at: QPoint | None = None  # viewport position of the pointer
        self._pointer_tick: int | None = None  # the tick last pointed at in the roll (spelling_key)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._glides = {}
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            glide = QPropertyAnimation(bar, b"value", self)
            glide.setDuration(SMOOTH_SCROLL_MS)
            glide.setEasingCurve(QEasingCurve.Type.OutCubic)
            self._glides[bar] = glide
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        # Whether the user scrolled or zoomed since the window last placed the view (a result,
        # an opened file, Zoom to Fit): then a result is only brought into view, the zoom kept.
        self.moved_by_hand = False
        # The zoom last chosen by hand (or the default): the most a placed view zooms in, so a
        # short result after a long one zooms back in, but never past what the user reads at.
        self.preferred_zoom = (self.geometry_.px_per_quarter, self.geometry_.row_height)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.actionTriggered.connect(self._hand_moved)  # dragged, clicked, paged: not setValue
        document.notes_changed.connect(self._notes_changed)
        self.view_changed.connect(self._view_moved)
        document.selection_changed.connect(self.viewport().update)
        document.score_settings_changed.connect(lambda _name: self.viewport().update())
        self._update_ranges()
        self.center_on_pitch(64)

    # --- coordinates -------------------------------------------------------------------------
    @property
    def geometry_model(self) -> RollGeometry:
        return self.geometry_

    def scroll_x(self) -> int:
        return self.horizontalScrollBar().value()

    def scroll_y(self) -> int:
        return self.verticalScrollBar().value()

    def content_pos(self, pos: QPoint) -> QPoint:
        return QPoint(pos.x() + self.scroll_x(), pos.y() + self.scroll_y())

    def view_pos(self, tick: float, pitch: int) -> QPoint:
        """Viewport pixel at the middle of a pitch row at a tick (tests aim with this)."""
        g = self.geometry_
        return QPoint(int(round(g.x(tick))) - self.scroll_x(), g.y(pitch) + g.row_height // 2 - self.scroll_y())

    def visible_ticks(self) -> tuple[int, int]:
        g = self.geometry_
        return int(g.tick_at(self.scroll_x())), int(g.tick_at(self.scroll_x() + self.viewport().width()))

    def spelling_key(self) -> Key | None:
        """The written key the keyboard names its keys in: the one where the pointer last was in
        the roll while that tick is in view (the bars one looks at and writes in, kept when the
        pointer moves on to the keyboard to play a row: a view of F major bars 1-4 and A major
        bars 5-7 reads C#/F#/G# rows after pointing at bar 6, as the readout there names its
        notes; it read F major's Db/Gb/Ab from the playhead at bar 1), else the one at the
        playhead while the playhead is in view (where one plays and records; moving the playhead
        with the pointer off the roll hands it the choice), else the one at the view's left edge
        (a score scrolled to its Bb major bars names Bb major's flats). None: no key written."""
        left, right = self.visible_ticks()
        if self._pointer_tick is not None and left <= self._pointer_tick <= right:
            return self.document.key_at(self._pointer_tick)
        return self.document.key_at(self.playhead if left <= self.playhead <= right else left)

    # --- scrolling and zoom ------------------------------------------------------------------
    def _content_width(self) -> int:
        ghosts_end = max((n.end for n in self.ghosts), default=0)  # a continuation can be scrolled to
        end = max(self.document.store.end, ghosts_end, self.playhead, self.loop[1] if self.loop else 0)
        return int(self.geometry_.x(end + EXTRA_BARS * self.document.meter_map().at(end).bar_ticks))

    def _update_ranges(self) -> None:
        vp = self.viewport()
        h = self.horizontalScrollBar()
        h.setRange(0, max(0, self._content_width() - vp.width()))
        h.setPageStep(vp.width())
        h.setSingleStep(max(4, int(self.geometry_.x(self.snap.ticks))))
        v = self.verticalScrollBar()
        v.setRange(0, max(0, self.geometry_.height - vp.height()))
        v.setPageStep(vp.height())
        v.setSingleStep(self.geometry_.row_height)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_ranges()
        self.view_changed.emit()

    def _scrolled(self) -> None:
        self.viewport().update()
        self.view_changed.emit()

    def _view_moved(self) -> None:
        """Scrolled or zoomed under a still pointer: its readout says what is under it now (it
        went on naming the bar it was over before Zoom to Fit or a wheel scroll)."""
        if self._drag is None and self._readout_at is not None:
            self._update_readout(self._readout_at)

    def _notes_changed(self) -> None:
        self._update_ranges()
        if self._drag is None and self._readout_at is not None:
            # The pointer did not move, the notes under it did (Ctrl+Z, Accept): the readout
            # went on showing an undone note's pitch and velocity until the mouse moved.
            self._update_readout(self._readout_at)
        self.viewport().update()
        self.view_changed.emit()

    def center_on_pitch(self, pitch: int) -> None:
        g = self.geometry_
        self.verticalScrollBar().setValue(g.y(pitch) - self.viewport().height() // 2)

    def _hand_moved(self, *_args) -> None:
        self.moved_by_hand = True

    def _hand_zoomed(self) -> None:
        self.moved_by_hand = True
        self.preferred_zoom = (self.geometry_.px_per_quarter, self.geometry_.row_height)

    def zoom_horizontal(self, factor: float, anchor_x: int | None = None) -> None:
        """Zoom keeping the tick under anchor_x (viewport x; default the left edge) in place
        (the zoom keys and Ctrl+wheel: a zoom chosen by hand)."""
        anchor_x = 0 if anchor_x is None else anchor_x
        tick = self.geometry_.tick_at(self.scroll_x() + anchor_x)
        changed = self.geometry_.zoom_x(factor)
        self._hand_zoomed()
        if changed:
            self._update_ranges()
            self.horizontalScrollBar().setValue(int(self.geometry_.x(tick)) - anchor_x)
            self.viewport().update()
            self.view_changed.emit()

    def zoom_vertical(self, step: int, anchor_y: int | None = None) -> None:
        anchor_y = self.viewport().height() // 2 if anchor_y is None else anchor_y
        pitch = self.geometry_.pitch_at(self.scroll_y() + anchor_y)
        changed = self.geometry_.zoom_y(step)
        self._hand_zoomed()
        if changed:
            self._update_ranges()
            self.verticalScrollBar().setValue(self.geometry_.y(pitch) - anchor_y)
            self.viewport().update()
            self.view_changed.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        mods = event.modifiers()
        delta = event.angleDelta()
        steps = (delta.y() or delta.x()) / 120.0
        pos = event.position().toPoint()
        if mods & Qt.KeyboardModifier.ControlModifier:
            self.zoom_horizontal(1.15 ** steps, pos.x())
        elif mods & Qt.KeyboardModifier.ShiftModifier:
            self.zoom_vertical(1 if steps > 0 else -1, pos.y())
        else:
            # Touchpads send pixel deltas (already smooth); wheel notches glide three rows.
            pixels = event.pixelDelta()
            if not pixels.isNull():
                dx, dy = -pixels.x(), -pixels.y()
            else:
                dx = -delta.x() * self.geometry_.row_height * 3 // 120
                dy = -delta.y() * self.geometry_.row_height * 3 // 120
            if mods & Qt.KeyboardModifier.AltModifier:
                dx, dy = dy, 0
            self._hand_moved()
            glide = pixels.isNull()
            self.scroll_by(self.horizontalScrollBar(), dx, glide)
            self.scroll_by(self.verticalScrollBar(), dy, glide)
        event.accept()

    def scroll_by(self, bar, pixels: int, glide: bool = True) -> None:
        if not pixels:
            return
        animation = self._glides[bar]
        running = animation.state() == QPropertyAnimation.State.Running
        target = (animation.endValue() if running else bar.value()) + pixels
        target = max(bar.minimum(), min(bar.maximum(), target))
        animation.stop()
        if not glide:
            bar.setValue(target)
            return
        animation.setStartValue(bar.value())
        animation.setEndValue(target)
        animation.start()

    def fit_to(self, notes: list[Note], *, zoom_in: bool = False) -> None:
        """Bring `notes` into view: scroll to them, zooming out when they do not fit (and, with
        `zoom_in`, in, so they fill the view: View > Zoom to Fit). Notes already in view stay put
        unless zooming in."""
        if not notes:
            return
        if zoom_in:  # Zoom to Fit asks the window to place the view: the next result is placed too
            self.moved_by_hand = False
        g, vp = self.geometry_, self.viewport()
        t0, t1 = min(n.onset for n in notes), max(n.end for n in notes)
        low, high = min(n.pitch for n in notes), max(n.pitch for n in notes)
        width = max(1, vp.width() - 2 * FIT_MARGIN_PX)
        wanted = width / max(1.0, (t1 - t0) / TICKS_PER_QUARTER)
        if wanted < g.px_per_quarter or zoom_in:
            g.zoom_x(wanted / g.px_per_quarter)  # clamped to the geometry's limits
        wanted_row = (vp.height() - 2 * FIT_MARGIN_PX) // (high - low + 1)
        if wanted_row < g.row_height or zoom_in:
            g.zoom_y(max(MIN_ROW, min(FIT_MAX_ROW if zoom_in else MAX_ROW, wanted_row)) - g.row_height)
        self._update_ranges()
        x0, x1 = g.x(t0), g.x(t1)
        left = self.scroll_x()
        if zoom_in or x0 < left or x1 > left + vp.width():
            # The new notes' end at the right, with as much of what comes before as fits.
            self.horizontalScrollBar().setValue(int(min(x0 - FIT_MARGIN_PX, x1 + FIT_MARGIN_PX - vp.width())))
        y0, y1 = g.y(high), g.y(low) + g.row_height
        top = self.scroll_y()
        if zoom_in or y0 < top or y1 > top + vp.height():
            self.verticalScrollBar().setValue(int((y0 + y1 - vp.height()) / 2))
        self.viewport().update()
        self.view_changed.emit()

    def reveal(self, new: list[Note], context: list[Note] = ()) -> None:
        """Show new notes (a result, a previewed variation) with the music around them: the
        `context` notes (what they continue or sit under) from CONTEXT_BARS bars before them to
        their end, pitch range included, zoomed to fit (out to AUTO_MIN_PX_PER_QUARTER, in up to
        the preferred zoom). A long run had left the next 8-bar result squeezed into the first
        8 of 70 bars, an added bass was shown without the melody it sits under, and a run's top
        notes were above the top edge (QA). After a scroll or zoom by hand only `new` is brought
        into view (fit_to), the user's zoom kept unless they do not fit."""
        if not new:
            return
        if self.moved_by_hand:
            self.moved_by_hand = False  # said per result: the next one is placed again
            self.fit_to(new)
            return
        meters = self.document.meter_map()
        first, last = min(n.onset for n in new), max(n.end for n in new)
        earliest = first - CONTEXT_BARS * meters.at(first).bar_ticks
        around = [n for n in context if n.end > earliest and n.onset < last + CONTEXT_BARS * meters.at(last).bar_ticks]
        t0 = max(0, earliest, min(n.onset for n in new + around))
        t1 = max(n.end for n in new + around)
        self._place(t0, t1, new + around, new, squeeze=True)

    def show_piece(self, notes: list[Note]) -> None:
        """An opened score: every part in view from its start, and every bar where they fit at
        AUTO_MIN_PX_PER_QUARTER or more (a 12-bar waltz was shown bars 1-10, QA); a longer piece
        keeps its zoom, its bars readable."""
        self.moved_by_hand = False
        if notes:
            self._place(0, max(n.end for n in notes), notes, notes, squeeze=False)

    def _place(self, t0: int, t1: int, region: list[Note], focus: list[Note], squeeze: bool) -> None:
        """Zoom so ticks t0-t1 and the pitches of `region` fit (between the limits above), then
        scroll t0 to the left edge and the pitches to the middle; where the pitches cannot fit,
        those of `focus`. `squeeze`: past the horizontal limit zoom out to it (else keep the zoom)."""
        g, vp = self.geometry_, self.viewport()
        most_x, most_row = self.preferred_zoom
        wanted = (vp.width() - 2 * FIT_MARGIN_PX) / max(1.0, (t1 - t0) / TICKS_PER_QUARTER)
        if wanted >= AUTO_MIN_PX_PER_QUARTER or squeeze:
            g.zoom_x(min(most_x, max(AUTO_MIN_PX_PER_QUARTER, wanted)) / g.px_per_quarter)
        else:
            g.zoom_x(most_x / g.px_per_quarter)
        low, high = min(n.pitch for n in region), max(n.pitch for n in region)
        wanted_row = (vp.height() - 2 * FIT_MARGIN_PX) // (high - low + 1)
        g.zoom_y(max(MIN_ROW, min(most_row, wanted_row)) - g.row_height)
        self._update_ranges()  # (may bring the horizontal scroll bar, shrinking the viewport)
        if wanted_row < MIN_ROW:
            low, high = min(n.pitch for n in focus), max(n.pitch for n in focus)
        self.horizontalScrollBar().setValue(int(g.x(t0)) - FIT_MARGIN_PX)
        y0, y1 = g.y(high), g.y(low) + g.row_height
        self.verticalScrollBar().setValue(int((y0 + y1 - vp.height()) / 2))
        self.viewport().update()
        self.view_changed.emit()

    def notes_in_view(self, notes: list[Note]) -> bool:
        """Every note lies wholly inside the viewport (tests and the window ask this)."""
        g, vp = self.geometry_, self.viewport()
        left, top = self.scroll_x(), self.scroll_y()
        return all(left <= g.x(n.onset) and g.x(n.end) <= left + vp.width()
                   and top <= g.y(n.pitch) and g.y(n.pitch) + g.row_height <= top + vp.height() for n in notes)

    def follow(self, tick: int) -> None:
        """Keep the playhead on screen during playback: page when it leaves the right edge."""
        x = self.geometry_.x(tick)
        left, width = self.scroll_x(), self.viewport().width()
        if x < left or x > left + width * 0.9:
            self._update_ranges()
            self.horizontalScrollBar().setValue(int(x - width * 0.1))

    # --- state set by the window -------------------------------------------------------------
    def set_playhead(self, tick: int) -> None:
        if tick != self.playhead:
            before = self.spelling_key()
            self.playhead = tick
            if self._readout_at is None:  # the pointer is off the roll: the playhead names the keys
                self._pointer_tick = None
            self.viewport().update()
            if self.spelling_key() != before:
                self.spelling_changed.emit()

    def set_loop(self, loop: tuple[int, int] | None) -> None:
        self.loop = loop
        self._update_ranges()
        self.viewport().update()

    def set_ghosts(self, notes: list[Note]) -> None:
        self.ghosts = list(notes)
        self._update_ranges()
        self.viewport().update()

    def set_replaced(self, notes: list[Note]) -> None:
        """Dim these notes (by value, counting repeats) while a fill that would replace them is
        previewed; [] draws them normally again. Only the drawing changes, never the document."""
        wanted = Counter(notes)
        replaced = set()
        if wanted:
            for note_id, note in self.document.store.items():
                if wanted[note] > 0:
                    wanted[note] -= 1
                    replaced.add(note_id)
        if replaced != self.replaced:
            self.replaced = replaced
            self.viewport().update()

    def set_snap(self, snap: edit_ops.Snap) -> None:
        self.snap = snap
        self._update_ranges()
        self.viewport().update()

    # --- painting ----------------------------------------------------------------------------
    def frame(self) -> RollFrame:
        d = self._drag
        vp = self.viewport()
        return RollFrame(
            geometry=self.geometry_, scroll_x=self.scroll_x(), scroll_y=self.scroll_y(),
            width=vp.width(), height=vp.height(), store=self.document.store,
            selection=self.document.selection, meters=self.document.meter_map(), spell=self.document.spelled,
            grid=self.snap.ticks,
            preview=d.preview if d else {}, new_notes=[d.new_note] if d and d.new_note else [],
            ghosts=self.ghosts, replaced=self.replaced, loop=self.loop, playhead=self.playhead,
            rubber_band=(self._rubber_rect(d).translated(-self.scroll_x(), -self.scroll_y())
                         if d and d.kind == "rubber" else None),
            drum_voices=frozenset(i for i, v in enumerate(self.document.voices) if v.is_drum),
        )

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self.viewport())
        paint_roll(painter, self.frame())
        if self.readout and self._readout_at is not None:
            self._paint_readout(painter)
        painter.end()

    def _paint_readout(self, p: QPainter) -> None:
        metrics = p.fontMetrics()
        box = metrics.boundingRect(self.readout).adjusted(-4, -2, 4, 2)
        box.moveTopLeft(self._readout_at + QPoint(14, 14))
        vp = self.viewport().rect()
        if box.right() > vp.right():  # keep it inside the view, left of the pointer if need be
            box.moveRight(self._readout_at.x() - 8)
        if box.bottom() > vp.bottom():
            box.moveBottom(self._readout_at.y() - 8)
        p.fillRect(box, QColor(20, 22, 26, 220))
        p.setPen(QColor(235, 235, 235))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.readout)

    def _update_readout(self, view_pos: QPoint | None) -> None:
        """The readout for the pointer (or the note being drawn, moved or resized)."""
        if view_pos is not None:  # left: the tick stays, the keyboard keeps naming that bar's key
            before = self.spelling_key()
            self._pointer_tick = max(0, int(self.geometry_.tick_at(self.content_pos(view_pos).x())))
            if self.spelling_key() != before:
                self.spelling_changed.emit()
        text = ""
        if view_pos is not None:
            d, sig = self._drag, self.document.meter_map()
            note = None
            if d is not None and d.kind == "draw":
                note = d.new_note
            elif d is not None and d.anchor is not None:
                note = d.preview.get(d.anchor, d.originals.get(d.anchor))
            elif d is None:
                note_id, _ = self._hit(self.content_pos(view_pos))
                note = self.document.store[note_id] if note_id is not None else None
            if note is not None:
                tick = note.end if d is not None and d.kind == "resize" else note.onset
                text = readout_text(note.pitch, tick, sig, note.velocity, self.document.key_at(note.onset),
                                     self.document.chord_at(note.onset), drum=self._is_drum(note.voice))
            elif d is None or d.kind != "rubber":
                content = self.content_pos(view_pos)
                tick = int(self.geometry_.tick_at(content.x()))
                text = readout_text(self.geometry_.pitch_at(content.y()), tick, sig, key=self.document.key_at(tick),
                                     chord=self.document.chord_at(tick), drum=self._is_drum(self.current_voice))
        if text != self.readout or view_pos != self._readout_at:
            self.readout, self._readout_at = text, view_pos
            self.viewport().update()

    def _is_drum(self, voice: int) -> bool:
        voices = self.document.voices
        return 0 <= voice < len(voices) and voices[voice].is_drum

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._update_readout(None)
        super().leaveEvent(event)

    # --- mouse -------------------------------------------------------------------------------
    def _hit(self, content: QPoint) -> tuple[int | None, bool]:
        """(note id under the point, whether the point is on its resize handle)."""
        g = self.geometry_
        tick = int(g.tick_at(content.x()))
        note_id = self.document.store.at(tick, g.pitch_at(content.y()))
        if note_id is None:
            return None, False
        note = self.document.store[note_id]
        width = g.x(note.end) - g.x(note.onset)
        handle = min(RESIZE_HANDLE_PX, width / 3)
        return note_id, g.x(note.end) - content.x() <= handle

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.setFocus()
        pos = self.content_pos(event.position().toPoint())
        mods = event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        note_id, on_handle = self._hit(pos)
        doc = self.document
        if event.button() == Qt.MouseButton.RightButton:
            if note_id is not None:
                doc.delete_notes(doc.selection if note_id in doc.selection else {note_id}, "Delete notes")
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if note_id is not None:
            if shift:
                doc.set_selection(doc.selection ^ {note_id})
                if note_id not in doc.selection:
                    return
            elif note_id not in doc.selection:
                doc.set_selection({note_id})
            note = doc.store[note_id]
            self._start_sound(note.pitch, note.velocity, note.voice)
            kind = "resize" if on_handle else "move"
            self._drag = Drag(kind, pos, note_id, doc.selected_notes())
            self._update_readout(event.position().toPoint())
            return
        if self.tool == "draw" and not shift:
            g = self.geometry_
            grid = self.snap.ticks
            free = bool(mods & Qt.KeyboardModifier.AltModifier)
            tick = g.tick_at(pos.x())
            onset = int(tick) if free else edit_ops.snap_floor(tick, grid, self.document.meter_map())
            note = Note(g.pitch_at(pos.y()), max(0, onset), self._last_length, self.draw_velocity, self.current_voice)
            self._start_sound(note.pitch, note.velocity, note.voice)
            self._drag = Drag("draw", pos, new_note=note)
        else:
            self._drag = Drag("rubber", pos, additive=shift)
        self._update_readout(event.position().toPoint())
        self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = self.content_pos(event.position().toPoint())
        if self._drag is None:
            _, on_handle = self._hit(pos)
            self.viewport().setCursor(Qt.CursorShape.SizeHorCursor if on_handle else Qt.CursorShape.ArrowCursor)
            self._update_readout(event.position().toPoint())
            return
        self._drag_to(pos, bool(event.modifiers() & Qt.KeyboardModifier.AltModifier))
        self._update_readout(event.position().toPoint())

    def _drag_to(self, pos: QPoint, free: bool) -> None:
        d = self._drag
        d.current = pos
        g = self.geometry_
        grid = self.snap.ticks
        raw_ticks = g.tick_at(pos.x() - d.origin.x())
        if d.kind == "draw" and d.new_note is not None:
            start = d.new_note.onset
            end_tick = g.tick_at(pos.x())
            end = int(end_tick) if free else edit_ops.snap_round(end_tick, grid, self.document.meter_map())
            length = max(1 if free else grid, end - start)
            if abs(pos.x() - d.origin.x()) > 3:
                d.new_note = d.new_note.with_(duration=length)
        elif d.kind == "move" and d.anchor is not None:
            anchor = d.originals[d.anchor]
            dt = edit_ops.move_delta(anchor, raw_ticks, grid, free, self.document.meter_map())
            dp = g.pitch_at(pos.y()) - g.pitch_at(d.origin.y())
            d.preview = edit_ops.moved(d.originals, dt, dp)
            new_pitch = d.preview[d.anchor].pitch if d.preview else anchor.pitch
            if self._sounding and self._sounding[0] != new_pitch:
                self._start_sound(new_pitch, anchor.velocity, anchor.voice)
        elif d.kind == "resize" and d.anchor is not None:
            anchor = d.originals[d.anchor]
            dd = edit_ops.resize_delta(anchor, raw_ticks, grid, free, self.document.meter_map())
            d.preview = edit_ops.resized(d.originals, dd, 1 if free else grid)
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is not None and self._drag.kind != "rubber":
            # The release position is final (and carries Alt even if the moves did not).
            self._drag_to(self.content_pos(event.position().toPoint()),
                          bool(event.modifiers() & Qt.KeyboardModifier.AltModifier))
        d, self._drag = self._drag, None
        self._stop_sound()
        if d is None:
            return
        doc = self.document
        if d.kind == "draw" and d.new_note is not None:
            self._last_length = d.new_note.duration
            ids = doc.add_notes([d.new_note], "Draw note")
            doc.set_selection(ids)
        elif d.kind == "move" and d.preview:
            doc.change_notes(d.preview, "Move notes")
        elif d.kind == "resize" and d.preview:
            doc.change_notes(d.preview, "Resize notes")
            if d.anchor in d.preview:
                self._last_length = d.preview[d.anchor].duration
        elif d.kind == "rubber":
            d.current = self.content_pos(event.position().toPoint())
            rect = self._rubber_rect(d)
            g = self.geometry_
            t0, t1 = int(g.tick_at(rect.left())), int(g.tick_at(rect.right())) + 1
            low, high = g.pitch_at(rect.bottom()), g.pitch_at(rect.top())
            hits = set(doc.store.in_range(t0, t1, low, high))
            doc.set_selection(doc.selection | hits if d.additive else hits)
        self._update_readout(event.position().toPoint())
        self.viewport().update()

    @staticmethod
    def _rubber_rect(d: Drag) -> QRectF:
        """The rubber band in content coordinates."""
        return QRectF(QPointF(d.origin), QPointF(d.current or d.origin)).normalized()

    def _start_sound(self, pitch: int, velocity: int, voice: int) -> None:
        self._stop_sound()
        self._sounding = (pitch, voice)
        self.audition.emit(pitch, velocity, voice)

    def _stop_sound(self) -> None:
        if self._sounding is not None:
            self.audition_off.emit(*self._sounding)
            self._sounding = None

    # --- keyboard ----------------------------------------------------------------------------
    def _bar_step(self, tick: int, forward: bool) -> int:
        """Ticks that move a note at `tick` by one bar, keeping its place in the bar: the length
        of its bar going right, of the bar before going left (4/4 then 3/4: a note on beat 2 of the
        last 4/4 bar lands on beat 2 of the first 3/4 bar, and back)."""
        meters = self.document.meter_map()
        start, end = bar_grid.bar_at(meters, tick)
        if forward:
            return end - start
        before, _ = bar_grid.bar_at(meters, start - 1)
        return before - start
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.document.delete_notes(self.document.selection)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            semitones = (12 if shift else 1) * (1 if key == Qt.Key.Key_Up else -1)
            self.document.change_notes(edit_ops.transposed(self.document.selected_notes(), semitones), "Transpose")
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            selected = self.document.selected_notes()
            if shift and selected:
                ticks = self._bar_step(min(n.onset for n in selected.values()), key == Qt.Key.Key_Right)
            else:
                ticks = self.snap.ticks if key == Qt.Key.Key_Right else -self.snap.ticks
            self.document.change_notes(edit_ops.moved(selected, ticks, 0), "Nudge")
        elif key == Qt.Key.Key_Escape and self._drag is not None:  # the gesture is dropped
            self._drag = None
            self._stop_sound()
            self.viewport().update()
        elif key == Qt.Key.Key_Escape:
            # Deselect notes here; the editor (or the window) above clears the ruler's bars too.
            self.document.set_selection(set())
            event.ignore()
        else:
            super().keyPressEvent(event)

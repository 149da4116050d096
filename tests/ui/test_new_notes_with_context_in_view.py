"""Where the roll looks when new notes arrive (QA 6): the new notes and the music just before or
around them in view, pitch range included; a short result after a long one zoomed back in; an
added bass shown with the melody; Zoom to Fit taking in the previewed variation; an opened 12-bar
waltz shown whole. Real window at its default size (pytest-qt, offscreen); the model process is
not started: the variations are built here as the co-writer builds them and arrive through its
variations_ready signal."""

from __future__ import annotations

import mido

from composer.music.score import Note, Score
from composer.ui.cowriter import Variation, notes_fingerprint

Q = 480
BAR = 4 * Q


def seed_bar() -> Score:
    return Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate((60, 64, 67, 72))])


def arrive(qtbot, window, new: list[Note]) -> Variation:
    """One variation of `new` notes, as Continue would bring it."""
    doc = window.document
    existing = doc.store.notes()
    variation = Variation(1, doc.score().copy(notes=existing + new), {}, added=new,
                          context=notes_fingerprint(existing))
    window.cowriter.variations_ready.emit([variation])
    qtbot.wait(10)
    return variation


def run(first_bar: int, bars: int, pitches: tuple[int, ...], voice: int = 0) -> list[Note]:
    """Eighth notes cycling through `pitches` over `bars` bars from `first_bar` (0 = bar 1)."""
    return [Note(pitches[i % len(pitches)], first_bar * BAR + i * Q // 2, Q // 2, 90, voice, generated=True)
            for i in range(bars * 8)]


def start_with(qtbot, window, score: Score) -> list[Note]:
    window.document.load(score)
    window.after_load()
    qtbot.wait(10)
    return window.document.store.notes()


def test_a_long_result_shows_its_top_notes_and_the_seed(qtbot, window):
    seed = start_with(qtbot, window, seed_bar())
    # 70 bars running up to D6 (the QA's Irish run: B5-D6 were above the top edge)
    long = run(1, 70, (67, 71, 74, 79, 83, 84, 86, 81))
    arrive(qtbot, window, long)
    roll = window.roll
    top, bottom = roll.scroll_y(), roll.scroll_y() + roll.viewport().height()
    g = roll.geometry_
    assert top <= g.y(86) and g.y(60) + g.row_height <= bottom  # D6 and the seed's C4 in view
    assert roll.notes_in_view(seed + long[:8])  # the music it continues, then its start


def test_a_short_result_after_a_long_one_is_zoomed_to_fit_it(qtbot, window):
    seed = start_with(qtbot, window, seed_bar())
    arrive(qtbot, window, run(1, 70, (67, 71, 74, 79)))
    short = run(1, 4, (72, 74, 76, 79))  # 32 notes
    arrive(qtbot, window, short)
    roll = window.roll
    g = roll.geometry_
    assert roll.notes_in_view(seed + short)
    # not squeezed into a corner of a 70-bar view: the seed and the result fill most of the width
    assert g.x(5 * BAR) - g.x(0) > 0.8 * roll.viewport().width()


def test_an_added_bass_is_shown_with_the_melody_over_it(qtbot, window):
    melody = [Note(76 + (i % 3) * 4, i * Q, Q, 90, 0) for i in range(32)]  # E5-C6 over 8 bars
    melody = start_with(qtbot, window, Score(notes=melody))
    bass = [Note(28 + (b % 4) * 2, b * BAR, BAR, 90, 1, generated=True) for b in range(8)]  # E1-B1
    arrive(qtbot, window, bass)
    assert window.roll.notes_in_view(melody + bass)


def test_after_a_zoom_by_hand_a_result_is_only_brought_into_view(qtbot, window):
    seed = start_with(qtbot, window, seed_bar())
    roll = window.roll
    window.editor.zoom_in_action.trigger()  # a closer look, chosen by the user
    zoom = roll.geometry_.px_per_quarter, roll.geometry_.row_height
    new = run(1, 1, (72, 74))
    arrive(qtbot, window, new)
    assert roll.notes_in_view(new)
    assert (roll.geometry_.px_per_quarter, roll.geometry_.row_height) == zoom  # their zoom kept
    assert seed  # (the seed need not be in view then)


def test_zoom_to_fit_takes_in_the_previewed_variation(qtbot, window):
    seed = start_with(qtbot, window, seed_bar())
    bass = [Note(30, (20 + b) * BAR, BAR, 90, 1, generated=True) for b in range(3)]  # far right, low
    arrive(qtbot, window, bass)
    roll = window.roll
    roll.center_on_pitch(100)
    roll.horizontalScrollBar().setValue(0)
    assert roll.ghosts and not roll.notes_in_view(bass)
    window.editor.fit_action.trigger()
    assert roll.notes_in_view(seed + bass)


def test_an_opened_12_bar_waltz_shows_all_its_bars(qtbot, window, tmp_path):
    mid = mido.MidiFile(ticks_per_beat=Q)
    track = mido.MidiTrack([mido.MetaMessage("time_signature", numerator=3, denominator=4, time=0)])
    for i in range(36):  # 12 bars of 3/4, a quarter a beat
        pitch = (67, 71, 74)[i % 3]
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=Q))
    mid.tracks.append(track)
    path = tmp_path / "waltz.mid"
    mid.save(path)
    window.document.undo_stack.setClean()
    assert window.files.open_path(path, confirmed=True)
    qtbot.waitUntil(lambda: len(window.document.store.notes()) == 36, timeout=10000)
    roll = window.roll
    assert roll.notes_in_view(window.document.store.notes())  # bars 1-12, not 1-10
    assert roll.visible_ticks()[0] == 0

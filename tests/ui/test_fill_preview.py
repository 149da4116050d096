"""What a musician sees while previewing co-writer variations in the piano roll: during a Fill
preview the notes Accept would replace are drawn dimmed (the document untouched), and each
previewed outline is drawn in its voice's colour. Real window (pytest-qt, offscreen); the model
process is not started: the variations are built here as the co-writer builds them from a fill's
answer (composer.ui.cowriter.CoWriter._on_succeeded) and arrive through its variations_ready signal."""

from __future__ import annotations

from collections import Counter

from PySide6.QtGui import QColor

from composer.music.score import Note, Score
from composer.ui import palette
from composer.ui.cowriter import Variation, notes_fingerprint

BAR = 1920
Q = 480
FILLED = (0, 1)  # the voices the fill rewrites; voice 2 keeps its notes
SPAN = (BAR, 3 * BAR)  # bars 2-3


def four_bars() -> Score:
    notes = [Note(72 + (i % 3), i * Q, Q, 90, 0) for i in range(16)]  # melody, a note a beat
    notes += [Note(48, b * BAR, BAR, 80, 1) for b in range(4)]  # bass, a note a bar
    notes += [Note(60, b * BAR, 2 * Q, 70, 2) for b in range(4)]  # a third part, not filled
    return Score(notes=notes)


def in_fill(n: Note) -> bool:
    return n.voice in FILLED and SPAN[0] <= n.onset < SPAN[1]


def fill_variations(window, count: int = 2) -> list[Variation]:
    doc = window.document
    existing = doc.store.notes()
    removed = [n for n in existing if in_fill(n)]
    kept = [n for n in existing if not in_fill(n)]
    out = []
    for k in range(count):
        new = [Note(80 + k, SPAN[0] + i * BAR // 2, BAR // 2, 96, 0, generated=True) for i in range(4)]
        new += [Note(40 + k, SPAN[0] + i * BAR, BAR, 90, 1, generated=True) for i in range(2)]
        out.append(Variation(k + 1, doc.score().copy(notes=kept + new), {}, added=new,
                             context=notes_fingerprint(existing), removed=removed))
    return out


def show_fill(qtbot, window) -> list[Variation]:
    window.document.load(four_bars())
    window.after_load()
    variations = fill_variations(window)
    window.cowriter.variations_ready.emit(variations)
    qtbot.wait(10)
    return variations


def ids_in_fill(window) -> set[int]:
    return {i for i, n in window.document.store.items() if in_fill(n)}


def note_pixel(window, n: Note) -> QColor:
    """The colour near the right end of a note's rectangle (away from its name label)."""
    roll = window.roll
    g = roll.geometry_
    image = roll.viewport().grab().toImage()
    x = int(g.x(n.end) - roll.scroll_x()) - 4
    y = int(g.y(n.pitch) - roll.scroll_y() + g.row_height / 2)
    return image.pixelColor(x, y)


def test_fill_preview_marks_the_notes_accept_would_replace_until_accepted(qtbot, window):
    variations = show_fill(qtbot, window)
    doc, roll = window.document, window.roll
    before, undo_count = Counter(doc.store.notes()), doc.undo_stack.count()
    assert roll.ghosts  # the first variation is previewed
    assert roll.replaced == ids_in_fill(window) and len(roll.replaced) == 8 + 2
    assert Counter(doc.store.notes()) == before and doc.undo_stack.count() == undo_count  # only drawn
    window.cowriter_panel.variations.list.setCurrentRow(1)  # another variation of the same fill
    assert roll.replaced == ids_in_fill(window)
    assert window.cowriter_panel.accept(variations[1]) == 6
    assert roll.replaced == set() and roll.ghosts == []
    assert not ids_in_fill(window) - {i for i, n in doc.store.items() if n.generated}
    doc.undo_stack.undo()  # the old notes are back, the variation previewed again
    assert roll.ghosts and roll.replaced == ids_in_fill(window)


def test_dimming_ends_when_the_variations_are_discarded_or_out_of_date(qtbot, window):
    show_fill(qtbot, window)
    roll, doc = window.roll, window.document
    assert roll.replaced
    outside = next(i for i, n in doc.store.items() if n.voice == 2)
    doc.delete_notes([outside])  # the score changed: Accept would add nothing, so nothing is marked
    assert roll.replaced == set()
    doc.undo_stack.undo()
    assert roll.replaced == ids_in_fill(window)
    window.cowriter_panel.variations.set_variations([], [])  # discarded (as when another file opens)
    assert roll.replaced == set() and roll.ghosts == []


def test_replaced_notes_are_drawn_dimmed_and_back_to_normal_after(qtbot, window):
    window.document.load(four_bars())
    window.after_load()
    qtbot.wait(10)
    melody = next(n for n in window.document.store.notes() if in_fill(n) and n.voice == 0)
    unfilled = next(n for n in window.document.store.notes() if n.voice == 2 and n.onset == SPAN[0])
    normal, other = note_pixel(window, melody), note_pixel(window, unfilled)
    window.cowriter.variations_ready.emit(fill_variations(window))
    qtbot.wait(10)
    dimmed = note_pixel(window, melody)
    assert dimmed != normal
    assert dimmed.value() < normal.value() - 40  # faded toward the dark background
    assert note_pixel(window, unfilled) == other  # a voice the fill keeps is drawn as before
    window.cowriter_panel.variations.set_variations([], [])
    qtbot.wait(10)
    assert note_pixel(window, melody) == normal


def test_each_previewed_outline_is_drawn_in_its_voice_colour(qtbot, window):
    variations = show_fill(qtbot, window)
    roll = window.roll
    g = roll.geometry_
    image = roll.viewport().grab().toImage()
    for voice in FILLED:
        ghost = next(n for n in variations[0].added if n.voice == voice)
        x0, x1 = int(g.x(ghost.onset) - roll.scroll_x()), int(g.x(ghost.end) - roll.scroll_x())
        top = int(g.y(ghost.pitch) - roll.scroll_y()) + 1
        edge = {image.pixelColor(x, y).rgb() for x in range(x0 + 1, x1 - 1) for y in range(top - 1, top + 2)}
        assert palette.voice_colour(voice).rgb() in edge, f"voice {voice}'s outline is not in its colour"
        assert palette.GHOST.rgb() not in edge  # not the old white for every voice
    assert palette.voice_colour(0) != palette.voice_colour(1)
    # the voice's colour is the hue its notes are drawn in
    assert palette.voice_colour(1).hue() == palette.note_fill(1, 3, False, False).hue()


def test_accept_keeps_the_notes_a_fill_wrote_as_they_were(qtbot, window):
    """A fill over notes the co-writer wrote (and Accept put in) that keeps some as they were:
    those were counted as already there, then deleted with the notes the fill replaces, and a bar
    of the tune was left empty (QA: 14 of 21 notes added)."""
    doc = window.document
    doc.load(four_bars())
    window.after_load()
    existing = doc.store.notes()
    removed = [n for n in existing if in_fill(n)]
    kept = [n for n in existing if not in_fill(n)]
    same = [n for n in removed if n.voice == 0][:2]  # written again as they were
    new = same + [Note(84, SPAN[0] + BAR, BAR // 2, 96, 0, generated=True)]
    variation = Variation(1, doc.score().copy(notes=kept + new), {}, added=new,
                          context=notes_fingerprint(existing), removed=removed)
    assert window.cowriter.accept(variation) == len(new)
    assert Counter(n for n in doc.store.notes() if in_fill(n)) == Counter(new)  # what was auditioned, all of it

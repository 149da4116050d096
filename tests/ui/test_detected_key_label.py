"""The co-writer panel's "Key lock: Detect from seed" line says the key of the seed as it is now.

Found by QA in the window: after opening a G major tune the line read "Detected: (no seed
notes)", and selecting two bars did not change it; it was brought up to date only by Continue.
Real window (pytest-qt, offscreen), a real MIDI file the test writes; no model is needed."""

from __future__ import annotations

from composer.io import write_midi
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score

G_MAJOR = [67, 71, 74, 71, 72, 76, 74, 72, 71, 74, 79, 74, 72, 69, 66, 62, 67]
A_MINOR = [69, 72, 76, 72, 69, 64, 68, 71, 69, 76, 74, 72, 71, 68, 69, 57]


def test_the_detected_key_follows_the_opened_file_and_the_selection(window, qtbot, tmp_path):
    panel = window.cowriter_panel
    notes = [Note(p, i * Q, Q, 90) for i, p in enumerate(G_MAJOR)]
    notes += [Note(p, (len(G_MAJOR) + i) * Q, Q, 90) for i, p in enumerate(A_MINOR)]
    write_midi(Score(notes=notes), tmp_path / "tune.mid")
    assert window.files.open_path(tmp_path / "tune.mid", confirmed=True)
    assert panel.key_mode.currentText().startswith("Detect")
    qtbot.waitUntil(lambda: "(no seed notes)" not in panel.detected_key.text(), timeout=2000)

    doc = window.document
    a_minor = [i for i, n in doc.store.items() if n.onset >= len(G_MAJOR) * Q]
    doc.set_selection(a_minor)
    # (its G#s make it harmonic minor: composer.music.scales.fitted_scale)
    qtbot.waitUntil(lambda: panel.detected_key.text() == "Detected: A harmonic minor", timeout=2000)
    g_major = [i for i, n in doc.store.items() if n.onset < len(G_MAJOR) * Q]
    doc.set_selection(g_major)
    assert str(panel.seed_key(panel.seed_notes())) == "G:major"
    # music follows the G major bars at once: Continue writes at the piece's end, as with nothing
    # selected, and the line says the key it locks to there, the whole tune's (test_continue_key_after_accept)
    qtbot.waitUntil(lambda: panel.detected_key.text() == "Detected: A dorian", timeout=2000)

"""A line with a slip is still a line: a tune that once sounds a note under one of its own (one
note of the left hand that the split of a one-track piano gave the tune, a double stop) is
written as a single line.

QA qa18 M6: one B3 of a ballad's left hand, split into the right hand's tune of half notes, made
the tune a voice of chords; its fills wrote seconds (E5/F5) and, in every one of 9 variations, a
run of eighths and sixteenths into the region's last beat."""

from __future__ import annotations

import numpy as np

from composer.model.region_writer import MONO_SLIPS, _monophonic
from composer.music import Note, Score, Voice
from composer.request import fill_request

from keyboard_music import BAR, Q, ballad


def test_a_voice_is_a_line_unless_more_than_a_few_of_its_notes_sound_under_it():
    line = np.array([[i * 480, 480, 60 + i % 5, 0, 0] for i in range(40)])
    assert _monophonic(line, 0)
    stray = np.concatenate([line, [[7 * 480, 1920, 50, 0, 0]]])  # a note under the line, held a bar
    assert _monophonic(stray, 0)
    doubled = np.concatenate([line, line[::4] - [0, 0, 3, 0, 0]])  # a third under every 4th note
    assert len(line[::4]) / len(doubled) > MONO_SLIPS and not _monophonic(doubled, 0)
    held = line.copy()
    held[7, 1] = 960  # a note of the line held over the next (legato, or two lines): as before
    assert not _monophonic(held, 0)
    assert _monophonic(line[:1], 0) is None


def test_a_tune_with_one_double_note_is_filled_as_a_line_of_its_rhythm(cowriter):
    right, left = ballad()
    right.append(Note(59, 6 * 2 * Q, BAR - 10, 60))  # the slip: the G chord's B3 under the tune's B4
    score = Score(notes=sorted([*right, *(n.with_(voice=1) for n in left)], key=lambda n: (n.onset, n.pitch)),
                  voices=[Voice("Right", 0), Voice("Left", 0)])
    together = off_beat = notes = 0
    for seed in (1, 2):
        for variation in cowriter.generate(fill_request(score, 4 * BAR, 6 * BAR, (0,), variations=4, seed=seed)):
            new = [n for n in variation.notes if n.generated]
            onsets = [n.onset for n in new]
            notes += len(new)
            together += len(onsets) - len(set(onsets))
            off_beat += sum(n.onset % Q != 0 for n in new)
    # before: 10 notes started with another and 21 off the beat, of 61 (now 0 and 0, of 22)
    assert notes >= 16 and together == 0 and off_beat <= notes // 8, (together, off_beat, notes)

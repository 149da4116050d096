"""A strummed guitar part is continued as the chords it strums, and strummed as it is.

QA qa19 M5: a guitar alone, 5-6-string open voicings on downstrokes and the top three strings
on upstrokes, each string 8 ticks after the one before (as played, or as a guitar plug-in
writes it), was read as broken chords at the co-writer's 40-tick grid: every fill came back as
3-note triads rolling through inversions, where the same part played as block chords kept its
voicings."""

from __future__ import annotations

from collections import Counter

from composer.music import Note, Score, Voice
from composer.music.strum import _clusters
from composer.request import continue_request, fill_request

from keyboard_music import BAR, Q

# open-position shapes, lowest string first
SHAPES = {"G": (43, 47, 50, 55, 59, 67), "C": (48, 52, 55, 60, 64), "D": (50, 57, 62, 66),
          "Em": (40, 47, 52, 55, 59, 64), "Am": (45, 52, 57, 60, 64)}
SONG = ["G", "Em", "C", "D"] * 2 + ["G", "C", "D", "G"]
PATTERN = [(0, True), (2, True), (3, False), (5, False), (6, True), (7, False)]  # eighths; a downstroke?
GAP = 8


def strummed_song() -> Score:
    notes = []
    for b, name in enumerate(SONG):
        for k, (eighth, down) in enumerate(PATTERN):
            until = PATTERN[k + 1][0] if k + 1 < len(PATTERN) else 8
            strings = SHAPES[name] if down else SHAPES[name][-3:][::-1]
            onset = b * BAR + eighth * Q // 2
            for s, pitch in enumerate(strings):
                notes.append(Note(pitch, onset + s * GAP, (until - eighth) * Q // 2 - 30 - s * GAP, 85 if down else 65))
    return Score(notes=notes, voices=[Voice("Guitar", 25)])


def chords_in(score: Score, start: int, end: int) -> list[list[Note]]:
    notes = sorted((n for n in score.notes if start <= n.onset < end), key=lambda n: (n.onset, n.pitch))
    return [group for group in _clusters(notes) if len(group) >= 2]


def test_a_strummed_guitar_keeps_its_voicings_and_its_strum(cowriter):
    score = strummed_song()
    own = Counter(len(c) for c in chords_in(score, 0, 4 * BAR))
    assert own[3] == own[4] + own[5] + own[6] == 12
    big = count = strummed = 0
    downs = ups = 0
    for request, (start, end) in ((fill_request(score, 4 * BAR, 8 * BAR, variations=3, seed=1), (4 * BAR, 8 * BAR)),
                                  (continue_request(score, (0,), bars=4, variations=3, seed=3), (12 * BAR, 16 * BAR))):
        for variation in cowriter.generate(request):
            for chord in chords_in(variation, start, end):
                count += 1
                big += len({n.pitch for n in chord}) >= 4
                onsets = [n.onset for n in chord]
                strummed += len(set(onsets)) == len(chord) and max(onsets) - min(onsets) == GAP * (len(chord) - 1)
                first = min(chord, key=lambda n: n.onset)
                if len(chord) >= 3:
                    on_beat = (first.onset - start) % Q == 0
                    right_way = (first.pitch == min(n.pitch for n in chord)) == on_beat
                    downs, ups = downs + right_way, ups + (not right_way)
    assert count >= 6 * 16, count
    # its own chords: half of 4-6 strings; before, 0 of 144 written chords (all 3-note triads); now 72
    assert big >= 0.3 * count, (big, count)
    # before, written as block chords; now all 144 strummed string by string, down on the beat, up off it
    assert strummed >= 0.9 * count and downs >= 0.9 * (downs + ups), (strummed, count, downs, ups)

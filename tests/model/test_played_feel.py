"""New notes in a played part keep the player's feel: timing off the grid and uneven velocities as
the part's own notes have them (composer.model.feel); a quantised part, or a grid the person
chose, keeps its exact grid. The unit tests write their own notes; the last ones drive the shipped
model through the co-writer, as the window and the command line do."""

from __future__ import annotations

import numpy as np
import pytest

from composer.model.feel import MIN_NOTES, played_feel
from composer.music import Note, Score
from composer.music.region import Controls
from composer.music.releases import TOGETHER
from composer.request import continue_request, fill_request

EIGHTH = 240
GRID = 40  # the model's grid (ticks)


def played_line(count: int = 64, late: float = 10.0, spread: float = 8.0, seed: int = 0) -> list[Note]:
    """A tune of eighths played `late` ticks behind the beat on average, accented on the beat."""
    rng = np.random.default_rng(seed)
    pitches = [67, 69, 71, 72, 74, 72, 71, 69]
    return [Note(pitches[i % 8], max(0, i * EIGHTH + int(rng.normal(late, spread))), 200,
                 int(np.clip(rng.normal(90 if i % 2 == 0 else 75, 7), 1, 127)))
            for i in range(count)]


def on_grid(count: int, start: int, velocity: int = 80, voice: int = 0) -> list[Note]:
    return [Note(60 + i % 5, start + i * EIGHTH, 200, velocity, voice) for i in range(count)]


def offsets(notes) -> np.ndarray:
    onsets = np.array([n.onset for n in notes])
    return onsets - GRID * np.rint(onsets / GRID)


def test_new_notes_take_the_players_timing_and_touch():
    context = played_line()
    new = on_grid(64, 64 * EIGHTH)
    felt = played_feel(new, context, start=64 * EIGHTH, end=None, meters=None, rng=np.random.default_rng(1))
    # The player's notes lie 10 ticks late (sd 8): so do the new ones, no longer all on the grid.
    assert np.median(offsets(context)) == pytest.approx(np.median(offsets(felt)), abs=4)
    assert 4 < np.std(offsets(felt)) < 14
    # Velocities vary around the level as the player's do around their accents (sd 7)
    velocities = np.array([n.velocity for n in felt])
    assert 4 < np.std(velocities) < 12 and len(set(velocities.tolist())) > 10
    assert abs(np.mean(velocities) - 80) < 3  # around the level follow_dynamics gave, not away from it
    assert [n.pitch for n in felt] == [n.pitch for n in new]


def test_a_quantised_part_and_an_even_touch_are_left_as_written():
    context = on_grid(32, 0, velocity=90)
    new = on_grid(16, 32 * EIGHTH, velocity=90)
    assert played_feel(new, context, start=32 * EIGHTH, end=None, meters=None) == new
    # 32nd notes lie off the model's 40-tick grid but on a written one: quantised too
    context = [Note(60 + i % 3, i * 60, 50, 90) for i in range(32)]
    assert played_feel(new, context, start=32 * EIGHTH, end=None, meters=None) == new


def test_a_chosen_grid_keeps_onsets_on_it():
    new = on_grid(16, 64 * EIGHTH)
    felt = played_feel(new, played_line(), start=64 * EIGHTH, end=None, meters=None, timing=False)
    assert [n.onset for n in felt] == [n.onset for n in new]
    assert [n.velocity for n in felt] != [n.velocity for n in new]  # the touch still varies


def test_the_push_of_the_off_beats_is_kept_apart_from_the_beats():
    """A drummer who plays the off-beat eighths early and the beats on time."""
    rng = np.random.default_rng(2)
    context = [Note(42, i * EIGHTH + (int(rng.normal(-15, 3)) if i % 2 else int(rng.normal(0, 3))), 60, 80, 0)
               for i in range(64)]
    new = [Note(42, 64 * EIGHTH + i * EIGHTH, 60, 80, 0) for i in range(64)]
    felt = played_feel(new, context, start=64 * EIGHTH, end=None, meters=None, drum_voices=[0],
                       rng=np.random.default_rng(3))
    shift = np.array([f.onset - n.onset for f, n in zip(felt, new)])
    assert np.median(shift[1::2]) < -10 and abs(np.median(shift[2::2])) < 4


def test_chords_move_together_and_notes_keep_order_inside_the_region():
    context = played_line(late=0, spread=12)
    start, end = 64 * EIGHTH, 64 * EIGHTH + 1920
    chord = [Note(p, start, 240, 80) for p in (60, 64, 67)]
    line = [Note(72, start + 240 + k * GRID, GRID, 80) for k in range(20)]  # a run on every grid point
    last = [Note(74, end - GRID, GRID, 80)]
    new = chord + line + last
    for seed in range(20):
        felt = played_feel(new, context, start=start, end=end, meters=None, rng=np.random.default_rng(seed))
        assert len({n.onset for n in felt[:3]}) == 1 and felt[0].onset >= start
        onsets = [n.onset for n in felt[3:]]
        assert all(b - a > TOGETHER for a, b in zip(onsets, onsets[1:]))  # still separate notes, in order
        assert all(start <= n.onset < end and n.onset + n.duration <= end for n in felt)


def test_a_new_part_plays_with_the_band():
    band = played_line(late=12, spread=4)
    bass = [Note(36, 64 * EIGHTH + i * 480, 400, 80, 1) for i in range(16)]
    felt = played_feel(bass, band, start=64 * EIGHTH, end=None, meters=None, rng=np.random.default_rng(0))
    assert np.median([f.onset - n.onset for f, n in zip(felt, bass)]) > 5
    assert len(band) >= MIN_NOTES


def test_the_cowriter_continues_a_played_take_as_played(cowriter):
    score = Score(notes=played_line(count=48))
    request = continue_request(score, length=32, variations=2, seed=4)
    first, second = cowriter.generate(request), cowriter.generate(request)
    new = [n for s in first for n in s.notes if n.generated]
    assert [(n.onset, n.velocity) for s in second for n in s.notes if n.generated] == \
        [(n.onset, n.velocity) for n in new]  # the same seed, the same performance
    assert np.std(offsets(new)) > 4 and np.median(offsets(new)) > 3
    assert np.std([n.velocity for n in new]) > 5
    straight = cowriter.generate(continue_request(score, length=32, variations=2, seed=4,
                                                  controls=Controls(grid="straight")))
    assert all(n.onset % 120 == 0 for s in straight for n in s.notes if n.generated)


def test_the_cowriter_fills_a_notated_tune_on_its_grid(cowriter):
    notes = on_grid(48, 0, velocity=85)
    request = fill_request(Score(notes=notes), 16 * EIGHTH, 32 * EIGHTH)
    for score in cowriter.generate(request):
        new = [n for n in score.notes if n.generated]
        assert new and all(n.onset % GRID == 0 for n in new)
        assert {n.velocity for n in new} == {85}


def detached_tune(share: float, count: int = 48) -> list[Note]:
    """A waltz-like tune of quarters and halves, each note held `share` of the way to the next."""
    notes, t = [], 0
    for i in range(count):
        gap = 2 * 480 if i % 3 == 0 else 480
        notes.append(Note(60 + (i * 5) % 12, t, int(share * gap), 80))
        t += gap
    return notes


def held_shares(notes) -> list[float]:
    notes = sorted(notes, key=lambda n: n.onset)
    return [a.duration / (b.onset - a.onset) for a, b in zip(notes, notes[1:])]


def test_new_notes_are_articulated_as_the_part_is():
    start = detached_tune(0.6)[-1].onset + 960
    legato = [Note(62, start + i * 480, 480, 80) for i in range(8)]
    felt = played_feel(legato, detached_tune(0.6), start=start, end=None, meters=None, rng=np.random.default_rng(0))
    assert held_shares(felt) == pytest.approx([0.6] * 7)  # a detached player's notes stay detached
    assert felt[-1].duration == 480  # (the last: nothing after it to be detached from)
    # a legato part keeps the model's lengths, and a note before a rest is not held into it
    with_rest = [Note(62, start, 480, 80), Note(64, start + 960, 480, 80), Note(65, start + 1440, 480, 80)]
    assert played_feel(with_rest, detached_tune(1.0), start=start, end=None, meters=None) == with_rest
    shortened = played_feel(with_rest, detached_tune(0.6), start=start, end=None, meters=None)
    assert [n.duration for n in shortened] == [480, 288, 480]


def test_the_cowriter_continues_a_detached_tune_detached(cowriter):
    """A tune played detached (each note 0.6 of the way to the next) had been continued legato in
    2 of 3 variations (every note held to the next: the model learnt lead sheets' full lengths)."""
    score = Score(notes=detached_tune(0.6))
    for variation in cowriter.generate(continue_request(score, bars=8, variations=3, seed=1)):
        shares = held_shares([n for n in variation.notes if n.generated])
        assert np.median(shares) == pytest.approx(0.6, abs=0.05)


def test_a_new_part_plays_with_a_drummer_ahead_of_the_beat():
    """QA qa29: a bass added to a drummer's take (23 ticks ahead of the beat) had stayed exactly on
    the grid, 23 ticks behind the kick: no pitched part to take its timing from."""
    rng = np.random.default_rng(5)
    kit = [Note(36 if i % 2 == 0 else 42, i * EIGHTH + int(rng.normal(-23, 4)) + 480, 60, 90, 0) for i in range(64)]
    bass = [Note(36, 480 + 64 * EIGHTH + i * 480, 400, 80, 1) for i in range(16)]
    felt = played_feel(bass, kit, start=480 + 64 * EIGHTH, end=None, meters=None, drum_voices=[0],
                       rng=np.random.default_rng(1))
    assert np.median([f.onset - n.onset for f, n in zip(felt, bass)]) < -15


def test_a_player_well_behind_the_beat_stays_behind_it():
    """A player 25 ticks late reads, from the model's 40-tick grid, as 15 early at the next point:
    the notes the model writes on the beat take the offsets of the player's notes from the beat."""
    context = played_line(late=25, spread=4)
    new = on_grid(32, 64 * EIGHTH)
    felt = played_feel(new, context, start=64 * EIGHTH, end=None, meters=None, rng=np.random.default_rng(2))
    assert 20 <= np.median([f.onset - n.onset for f, n in zip(felt, new)]) <= 30


def test_moved_notes_never_sound_into_their_next_strike():
    """QA qa29: a note moved late had sounded past the next strike of its pitch moved early (the
    synth then cut that one short: 14 chord tones of an added harmony sounded under 30 ticks).
    A player late on the beat and early off it; new legato eighths on one pitch."""
    from composer.generate import CoWriter

    rng = np.random.default_rng(6)
    context = [Note(60 + i % 5, i * EIGHTH + (15 if i % 2 == 0 else -15) + int(rng.integers(-2, 3)) + 480, 200, 80)
               for i in range(64)]
    start = 480 + 64 * EIGHTH
    new = [Note(64, start + i * EIGHTH, EIGHTH, 80) for i in range(16)]
    request = continue_request(Score(notes=context), seed=3)
    felt = CoWriter._with_feel(request, Score(notes=context), [new])[0]
    assert any(f.onset != n.onset for f, n in zip(felt, new))
    moved = sorted(felt, key=lambda n: n.onset)
    assert all(a.end <= b.onset for a, b in zip(moved, moved[1:])), [(n.onset, n.end) for n in moved]
    # (moved alone, each late beat note sounded 30 ticks into the early off-beat one)
    alone = sorted(played_feel(new, context, start=start, end=None, meters=None, rng=np.random.default_rng(0)),
                   key=lambda n: n.onset)
    assert any(a.end > b.onset for a, b in zip(alone, alone[1:]))


def test_both_hands_of_a_one_track_piano_stay_together(cowriter):
    """QA qa29: each hand of a one-track piano had its own timing draws, and chords of both hands
    came apart by up to 21 ticks (hands played together within 4)."""
    rng = np.random.default_rng(7)
    notes = []
    for i in range(32):
        t = 480 * i + int(rng.normal(8, 5))
        notes += [Note(72 + (i * 2) % 7, t, 400, 80), Note(48 + (i % 4) * 2, t + int(rng.integers(-2, 3)), 400, 70)]
    score = Score(notes=notes)
    for variation in cowriter.generate(continue_request(score, bars=4, variations=2, seed=1)):
        new = sorted(n.onset for n in variation.notes if n.generated)
        together = [b - a for a, b in zip(new, new[1:]) if 0 < b - a <= 30]
        assert len(new) >= 8 and not together, together


def legato_two_hands(seed: int = 8) -> Score:
    """A one-track piano: a right hand of eighths held 30 ticks into the next (legato), never the
    same pitch twice running, over left-hand triads on each beat."""
    rng = np.random.default_rng(seed)
    scale = [64, 65, 67, 69, 71, 72, 74, 76, 77]
    notes, k = [], 4
    for i in range(64):
        k = int(np.clip(k + rng.choice([-2, -1, 1, 2]), 0, len(scale) - 1))
        notes.append(Note(scale[k], i * EIGHTH + int(rng.normal(6, 5)) + 40, EIGHTH + 30, 80))
        if i % 2 == 0:
            root = [48, 53, 55, 48][(i // 8) % 4]
            notes += [Note(root + j, i * EIGHTH + 40, 400, 65) for j in (0, 4, 7)]
    return Score(notes=notes)


def test_a_legato_right_hand_keeps_its_habit_of_moving_on(cowriter):
    """QA qa29: a one-track piano's legato right hand (its notes held a little over the next: no
    line to the planner) had been continued striking one pitch 5-8 times running in 2 of 6
    continuations, where its take never did twice; a legato tune is a tune."""
    longest = []
    for seed in range(1, 7):
        variation = cowriter.generate(continue_request(legato_two_hands(), seed=seed, length=32))[0]
        top = [n.pitch for n in sorted(variation.notes, key=lambda n: n.onset) if n.generated and n.pitch >= 62]
        run = best = 1
        for a, b in zip(top, top[1:]):
            run = run + 1 if a == b else 1
            best = max(best, run)
        longest.append(best)
    assert max(longest) <= 3, longest


def test_a_late_players_lag_is_read_off_and_given_back():
    from composer.model.feel import lag_of, on_the_beat

    late = played_line(late=26, spread=5)
    assert 20 <= lag_of(late, None) <= 32 and lag_of(played_line(late=5), None) == 0
    assert lag_of(on_grid(32, 0), None) == 0
    start = 32 * EIGHTH
    level = on_the_beat(late, start, start + 960, None)
    assert all(n.onset < start for n, m in zip(level, late) if m.onset < start)  # nothing crosses into the region
    assert all(n.onset >= start + 960 for n, m in zip(level, late) if m.onset >= start + 960)
    inside = [m for m in late if start <= m.onset < start + 960]
    assert all(n is m for n, m in zip(level, late) if m in inside)


def test_the_cowriter_continues_a_late_player_late(cowriter):
    """QA qa29: a player 24 ticks behind the beat, read on the model's 40-tick grid as a grid unit
    late, was continued at grid points the player never used: new onsets +10 ticks from the
    sixteenth, sd 30, against the player's +25, sd 6."""
    score = Score(notes=played_line(count=64, late=25, spread=5))
    offsets_new = []
    for seed in (1, 2, 3):
        for variation in cowriter.generate(continue_request(score, bars=4, variations=1, seed=seed)):
            onsets = np.array([n.onset for n in variation.notes if n.generated])
            offsets_new += (onsets - 120 * np.rint(onsets / 120)).tolist()
    assert len(offsets_new) >= 24
    assert 18 <= np.median(offsets_new) <= 32 and np.std(offsets_new) < 12, (np.median(offsets_new), np.std(offsets_new))


def test_a_new_part_sounds_with_the_hit_it_meets():
    """QA qa30: a bass added to a drummer's take drew its offsets from the drummer's timing, right
    on average but 25 ticks (sd) from the kick it sounded with; a new part's note on a sixteenth
    another part plays now sounds with that part's note."""
    rng = np.random.default_rng(9)
    kit = [Note(36, i * 480 + int(rng.normal(-20, 12)) + 480, 60, 90, 0) for i in range(32)]
    bass = [Note(36, 480 + i * 480, 400, 80, 1) for i in range(8, 24)]
    felt = played_feel(bass, kit, start=480 + 8 * 480, end=None, meters=None, drum_voices=[0],
                       rng=np.random.default_rng(1))
    kicks = {round(k.onset / 120) * 120: k.onset for k in kit}
    start = 480 + 8 * 480  # (nothing before the region's start: a kick played early there is not followed)
    assert all(f.onset == max(kicks[n.onset], start) for f, n in zip(felt, bass))

"""The loop guard (composer.model.loops): which next pitch would overstay a cycle, and the seed's
own loops are left alone."""

from composer.model.loops import allowed_periods, longest_cycle_run, loop_bans, most_repeats


def test_the_fifth_statement_of_a_four_note_cycle_is_banned_at_its_last_note():
    cycle = [60, 62, 64, 65]
    line = [55, 57] + cycle * 4 + cycle[:3]  # four statements, the fifth one note short
    assert loop_bans(line) == {65}
    assert loop_bans(line[:-1]) == set()  # one note earlier nothing is decided yet
    assert longest_cycle_run(line + [67]) == 4 and longest_cycle_run(line + [65]) == 5


def test_short_cycles_may_run_about_a_dozen_notes():
    assert most_repeats(1) == 8 and most_repeats(2) == 6 and most_repeats(3) == 4 and most_repeats(8) == 4
    trill = [72, 74] * 6 + [72]  # 13 notes: the 14th would make a seventh statement of the pair
    assert loop_bans(trill) == {74}
    assert loop_bans(trill[:-2]) == set()


def test_a_seed_that_loops_itself_exempts_its_period():
    alberti = [48, 55, 52, 55] * 6
    exempt = allowed_periods(alberti)
    assert 4 in exempt and 1 not in exempt and 8 not in exempt
    assert loop_bans(alberti + [48, 55, 52], exempt) == set()
    assert 65 in loop_bans([60, 62, 64, 65] * 4 + [60, 62, 64])  # without the exemption: banned


def test_varied_lines_are_never_constrained():
    line = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 71, 74, 76, 74, 72] * 2
    assert longest_cycle_run(line) == 1
    assert all(loop_bans(line[:n]) == set() for n in range(len(line)))


def test_a_figure_longer_than_eight_notes_may_come_three_times_in_a_row():
    """A long continuation could copy a 12- or 25-note figure of its own for 150 notes in a row
    (QA: 157 of 200 notes one 2-bar figure); a longer figure is stated three times at most."""
    figure = [64, 67, 69, 67, 64, 62, 60, 62, 64, 67, 64, 62]  # 12 notes, two bars of eighths
    line = figure * 3 + figure[:11]
    assert most_repeats(12) == 3 and loop_bans(line) == {62}
    assert loop_bans(figure * 2 + figure[:11]) == set()  # the third statement is free
    assert longest_cycle_run(line + [62], 12) == 4
    assert 12 in allowed_periods(figure * 3) and 12 not in allowed_periods(figure * 2)  # a refrain of the piece
    long_riff = list(range(50, 66))  # a 16-note bass figure its context states five times: its style
    exempt = allowed_periods(long_riff * 5)
    assert 16 in exempt and loop_bans(long_riff * 5 + long_riff[:15], exempt) == set()


def test_a_phrase_of_six_bars_is_guarded_too():
    """A 36-note phrase came four times in a row when figures up to 32 notes were guarded (QA)."""
    phrase = [60 + (i * 5) % 12 for i in range(36)]
    assert loop_bans(phrase * 3 + phrase[:35]) == {phrase[35]}

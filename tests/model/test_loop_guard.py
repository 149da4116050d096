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

"""The baseline pain: the median of each measure over the first seven days at home."""

from planner.engine.review.week_log import baseline_pain, median
from tests.planner.engine.weeks import day, log


def test_the_baseline_is_the_median_of_each_measure_over_the_first_seven_days_at_home():
    logs = (
        log(0, during=5, after=2),
        log(1, during=3, after=None),
        log(2, during=4, after=2),
        log(7, during=9, after=9),  # the eighth day: not the first week
        log(-1, during=9, after=9),  # before home training started
    )
    assert baseline_pain(logs, first_home_day=day(0)) == (4, 2)


def test_an_even_count_takes_the_mean_of_the_middle_two_rounded_half_up():
    logs = (log(0, during=2, after=1), log(1, during=3, after=2), log(6, during=3, after=1))
    logs = (*logs, log(6, during=2, after=1))
    assert baseline_pain(logs, first_home_day=day(0)) == (3, 1)  # 2.5 is 3; 1 and 1 are 1
    assert [median(v) for v in ([2, 3], [1, 4], [0, 1, 1, 3], [])] == [3, 3, 1, None]


def test_a_measure_without_scores_in_the_first_week_has_no_baseline():
    logs = (log(0, during=None, after=2), log(8, during=3, after=3))
    assert baseline_pain(logs, first_home_day=day(0)) == (None, 2)
    assert baseline_pain((), first_home_day=day(0)) == (None, None)


def test_the_baseline_does_not_depend_on_the_order_of_the_entries():
    logs = tuple(log(n % 7, during=n % 5, after=(3 * n) % 4) for n in range(12))
    expected = baseline_pain(logs, first_home_day=day(0))
    assert baseline_pain(reversed(logs), first_home_day=day(0)) == expected

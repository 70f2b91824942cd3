from datetime import date
from decimal import Decimal

import pytest

from rehab import scoring


class TestOswestry:
    def test_full_questionnaire_is_sum_over_fifty(self):
        result = scoring.odi_score([2] * 10)
        assert result == scoring.OdiResult(percent=40, band="moderate", answered=10)

    def test_skipped_section_divides_by_sections_answered(self):
        # 18 points over 9 sections: 18 / 45 = 40 %, not 18 / 50 = 36 %.
        result = scoring.odi_score([2, 2, 2, 2, 2, 2, 2, 2, 2, None])
        assert result is not None
        assert (result.percent, result.answered) == (40, 9)

    def test_two_skipped_sections_still_scored(self):
        result = scoring.odi_score([5, 5, 5, 5, 5, 5, 5, 5, None, None])
        assert result is not None and result.percent == 100 and result.band == "bed_bound"

    def test_three_skipped_sections_are_not_scored(self):
        assert scoring.odi_score([1] * 7 + [None] * 3) is None

    def test_rounds_half_up(self):
        # 7 / 45 = 15.56 % -> 16
        result = scoring.odi_score([1, 1, 1, 1, 1, 1, 1, 0, 0, None])
        assert result is not None and result.percent == 16

    @pytest.mark.parametrize(
        ("percent", "band"),
        [
            (0, "minimal"),
            (20, "minimal"),
            (21, "moderate"),
            (40, "moderate"),
            (41, "severe"),
            (60, "severe"),
            (61, "crippled"),
            (80, "crippled"),
            (81, "bed_bound"),
            (100, "bed_bound"),
        ],
    )
    def test_band_edges(self, percent, band):
        assert scoring.odi_band(percent) == band

    def test_answer_out_of_range_names_the_section(self):
        with pytest.raises(scoring.ScoringError, match="section 4 must be scored 0-5, got 6"):
            scoring.odi_score([0, 0, 0, 6, 0, 0, 0, 0, 0, 0])

    def test_wrong_number_of_sections(self):
        with pytest.raises(scoring.ScoringError, match="10 sections"):
            scoring.odi_score([0] * 9)


class TestStartBack:
    def test_three_or_fewer_is_low_even_if_all_psychosocial(self):
        items = [False] * 6 + [True] * 3
        assert scoring.start_back_score(items).risk == "low"

    def test_four_with_psychosocial_three_is_medium(self):
        items = [True, False, False, False, True, True, True, False, False]
        result = scoring.start_back_score(items)
        assert (result.total, result.psychosocial, result.risk) == (4, 3, "medium")

    def test_psychosocial_four_is_high(self):
        items = [False, False, False, False, True, True, True, True, False]
        result = scoring.start_back_score(items)
        assert (result.total, result.psychosocial, result.risk) == (4, 4, "high")

    def test_all_agree_is_high(self):
        assert scoring.start_back_score([True] * 9) == scoring.StartBackResult(9, 5, "high")

    def test_wrong_item_count(self):
        with pytest.raises(scoring.ScoringError):
            scoring.start_back_score([True] * 8)


class TestAgeAndBmi:
    def test_age_before_and_on_birthday(self):
        assert scoring.age_on(date(1980, 6, 15), date(2026, 6, 14)) == 45
        assert scoring.age_on(date(1980, 6, 15), date(2026, 6, 15)) == 46

    def test_leap_day_birthday_counts_on_first_of_march(self):
        assert scoring.age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25
        assert scoring.age_on(date(2000, 2, 29), date(2026, 3, 1)) == 26

    def test_bmi_one_decimal(self):
        assert scoring.bmi(Decimal("70"), 170) == Decimal("24.2")
        assert scoring.bmi(Decimal("98"), 175) == Decimal("32.0")


class TestChairStandFitness:
    @pytest.mark.parametrize(
        ("age", "sex", "stands", "level"),
        [
            (72, "male", 11, "low"),  # men 70-74: 12-17
            (72, "male", 12, "moderate"),
            (72, "male", 17, "moderate"),
            (72, "male", 18, "high"),
            (67, "female", 10, "low"),  # women 65-69: 11-16
            (67, "female", 17, "high"),
            (92, "female", 4, "moderate"),  # women 90-94: 4-11
            (35, "male", 20, "high"),  # under 60 compared with 60-64: 14-19
            (35, "male", 13, "low"),
        ],
    )
    def test_against_age_norms(self, age, sex, stands, level):
        assert scoring.fitness_from_chair_stand(age, sex, stands) == level

    def test_negative_stands_rejected(self):
        with pytest.raises(scoring.ScoringError):
            scoring.fitness_from_chair_stand(70, "female", -1)

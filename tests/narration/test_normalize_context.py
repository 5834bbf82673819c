"""Tokens read by their context: slash dates or fractions, roman numerals, St./Dr./No.,
years or quantities, times with or without a space, probabilities and lone symbols."""

from __future__ import annotations

import pytest

from postcast.narration.normalize import normalize_lines, normalize_text


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Due on 3/14/2026.", "Due on March fourteenth twenty twenty-six."),
        ("Due on 14/3/2026.", "Due on the fourteenth of March twenty twenty-six."),
        ("Submit by 3/14 at the latest.", "Submit by March fourteenth at the latest."),
        ("Her birthday is on 7/4, fine.", "Her birthday is on July fourth, fine."),
        ("Taxes are due 4/15.", "Taxes are due April fifteenth."),
        # Without a cue word, or with "of" after it, a pair is a fraction.
        ("About 1/3 of us came.", "About one third of us came."),
        ("I read 3/4 of it.", "I read three quarters of it."),
        ("Cut it by 1/3 of its value.", "Cut it by one third of its value."),
        ("The ratio 5/8 recurs.", "The ratio five eighths recurs."),
        # "by 1/4" is more often a quarter than the fourth of January.
        ("It fell by 1/4 overnight.", "It fell by one quarter overnight."),
        ("On 13/14 nothing.", "On thirteen fourteenths nothing."),
    ],
)
def test_slash_dates_against_fractions(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Henry VIII wrote it.", "Henry the eighth wrote it."),
        ("Henry V spoke.", "Henry the fifth spoke."),
        ("Malcolm X spoke.", "Malcolm X spoke."),
        ("Elizabeth II reigned.", "Elizabeth the second reigned."),
        ("Part II goes deeper.", "Part two goes deeper."),
        ("World War II ended.", "World War two ended."),
        ("Volume III is long.", "Volume three is long."),
        ("It is in vol. II now.", "It is in volume two now."),
        ("Super Bowl LVIII was loud.", "Super Bowl fifty-eight was loud."),
        ("I think I agree with Part I.", "I think I agree with Part one."),
        ("After World War II, I left.", "After World War two, I left."),
        ("Sam and I agree.", "Sam and I agree."),
    ],
)
def test_roman_numerals_by_the_word_before(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Meet at 3pm.", "Meet at three PM."),
        ("Meet at 3 pm today.", "Meet at three PM today."),
        ("Meet at 10:30am today.", "Meet at ten thirty AM today."),
        ("Meet at 10:30 a.m. today.", "Meet at ten thirty AM today."),
        ("Breakfast is 7-9am.", "Breakfast is seven to nine AM."),
        ("Lunch is 12:30-1:30pm.", "Lunch is twelve thirty to one thirty PM."),
        ("Scores went 7-9 today.", "Scores went seven to nine today."),
    ],
)
def test_times_with_and_without_a_space(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("St. Louis is big.", "Saint Louis is big."),
        ("Visit St. Paul's soon.", "Visit Saint Paul's soon."),
        ("It is on Elm St. in town.", "It is on Elm Street in town."),
        ("It is on Elm St. The end.", "It is on Elm Street. The end."),
        ("It is on Elm St.", "It is on Elm Street."),
        ("Ask Dr. Okafor.", "Ask Doctor Okafor."),
        (
            "The office is on Mulholland Dr. near the hill.",
            "The office is on Mulholland Drive near the hill.",
        ),
        ("It is on Oak Dr. The door is red.", "It is on Oak Drive. The door is red."),
        ("We met at No. 10 today.", "We met at number ten today."),
        ("No. I don't think so.", "No. I don't think so."),
        ("It is in No. IV now.", "It is in number four now."),
    ],
)
def test_saint_street_doctor_drive_number(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("In 1998 it began.", "In nineteen ninety-eight it began."),
        ("Since 2020 it grew.", "Since twenty twenty it grew."),
        (
            "Some 1998 people signed.",
            "Some one thousand nine hundred and ninety-eight people signed.",
        ),
        ("We had 2000 participants.", "We had two thousand participants."),
        ("We had 2,000 participants.", "We had two thousand participants."),
        ("The 2008 crisis hurt.", "The two thousand and eight crisis hurt."),
        ("Costs are in 2020 dollars here.", "Costs are in twenty twenty dollars here."),
        ("I read AI 2027 twice.", "I read AI twenty twenty-seven twice."),
        ("Eliezer's 2022 post.", "Eliezer's twenty twenty-two post."),
        ("See you at EAG 2024 then.", "See you at EAG twenty twenty-four then."),
        ("About 1500 people came.", "About one thousand five hundred people came."),
    ],
)
def test_four_digit_numbers_as_years_or_quantities(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("My P(doom) is 10%.", "My P of doom is ten percent."),
        # Bayes' rule: side by side they multiply, a slash divides
        (
            "So P(H|E) = P(E|H)P(H)/P(E).",
            "So P of H given E equals P of E given H times P of H over P of E.",
        ),
        ("Then P(A)/2 is small.", "Then P of A over two is small."),
        ("Your p(doom)?", "Your P of doom?"),
        ("P(AGI by 2030) is low.", "P of AGI by twenty thirty is low."),
        ("We want P(A|B), not P(B | A).", "We want P of A given B, not P of B given A."),
        ("P(Y | do(X)) differs", "P of Y given do(X) differs"),
        ("Call help(me) now.", "Call help(me) now."),
    ],
)
def test_probabilities(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Sorting is O(n log n).", "Sorting is big O of n log n."),
        ("An O(n log n) sort, an O(1) step.", "A big O of n log n sort, a big O of one step."),
        (
            "It needs O(n^2) memory and O(1) time.",
            "It needs big O of n squared memory and big O of one time.",
        ),
        ("Call FOO(3) now.", "Call FOO(three) now."),
    ],
)
def test_big_o_notation(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Prices are in $ here.", "Prices are in dollars here."),
        ("Pay in £ or €.", "Pay in pounds or euros."),
        ("Costs ($) are listed.", "Costs (dollars) are listed."),
        ("The rate (€/hour) rose.", "The rate (euros per hour) rose."),
        ("It costs $5.", "It costs five dollars."),
    ],
)
def test_currency_symbols_alone(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("That is roughly ~30% of cases.", "That is roughly thirty percent of cases."),
        ("It is about ~20 minutes away.", "It is about twenty minutes away."),
        ("Around ≈40 came.", "Around forty came."),
        ("Turnout was ~60%.", "Turnout was roughly sixty percent."),
        ("Approx. 40% said yes.", "Approximately forty percent said yes."),
    ],
)
def test_an_approximation_is_said_once(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


def test_context_rules_keep_one_line_per_input_line() -> None:
    lines = ["St. Louis, 3pm.", "", "P(doom) ~ 10%?"]
    assert list(normalize_lines(lines)) == [
        "Saint Louis, three PM.",
        "",
        "P of doom roughly ten percent?",
    ]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It rose from 1/3 to 2/3.", "It rose from one third to two thirds."),
        ("It was cut by 2/3.", "It was cut by two thirds."),
        ("It runs from 3/14 to 3/20.", "It runs from March fourteenth to March twentieth."),
    ],
)
def test_weak_date_cues_need_a_day_no_fraction_has(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Meet on Tue 12/3.", "Meet on Tuesday December third."),
        ("Meet Tue, 12/3 at 5pm.", "Meet Tuesday, December third at five PM."),
        ("Deadline: Fri 1/10", "Deadline: Friday January tenth"),
        ("Sat 3/14 and Sun 3/15", "Saturday March fourteenth and Sunday March fifteenth"),
        ("Monday, 1/4 of us left.", "Monday, one quarter of us left."),  # a share still
    ],
)
def test_a_slash_date_after_a_weekday_is_a_date(written: str, spoken: str) -> None:
    """ "Tue 12/3" was "Tuesday twelve thirds"."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It won on 7/10 tasks.", "It won on seven out of ten tasks."),
        ("It failed 3/5 runs.", "It failed three out of five runs."),
        ("Only 4/12 respondents agreed.", "Only four out of twelve respondents agreed."),
        # a date still, a fraction still, and a verb after a named value
        ("Starting 9/1 students return.", "Starting September first students return."),
        ("On 1/15 applications open.", "On January fifteenth applications open."),
        ("About 2/3 of people agreed.", "About two thirds of people agreed."),
        ("The ratio 5/8 recurs.", "The ratio five eighths recurs."),
    ],
)
def test_a_pair_before_a_plural_noun_counts_it(written: str, spoken: str) -> None:
    """ "on 7/10 tasks" was read as a date, "July tenth tasks"."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("QALYs/$ is the metric.", "QALYs per dollar is the metric."),
        ("Lives per £ matter.", "Lives per pound matter."),
        ("Prices in $ or €.", "Prices in dollars or euros."),  # a lone symbol, as before
    ],
)
def test_a_count_per_unit_of_money(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


def test_a_plural_possessive_before_a_year_names_it() -> None:
    spoken = normalize_text("Rethink Priorities' 2024 survey.")
    assert spoken == "Rethink Priorities' twenty twenty-four survey."


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "The 95% CI was [0.21, 0.43].",
            "The ninety-five percent CI was zero point two one to zero point four three.",
        ),
        (
            "The 90% CI (0.1, 0.5) is wide.",
            "The ninety percent CI zero point one to zero point five is wide.",
        ),
        ("HDI: (-1.2, 3.4).", "HDI: minus one point two to three point four."),
        ("Growth in [10%, 20%] a year.", "Growth in ten percent to twenty percent a year."),
        # a point, and whole numbers in brackets (citations), are no interval
        (
            "A point (0.1, 0.5) on the plane.",
            "A point (zero point one, zero point five) on the plane.",
        ),
        ("As shown [1, 2], it works.", "As shown [one, two], it works."),
    ],
)
def test_an_interval_reads_from_one_end_to_the_other(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("IMO, this is wrong.", "In my opinion, this is wrong."),
        ('"Yes." IMO it is fine.', '"Yes." In my opinion it is fine.'),
        (
            "It is wrong IMO. IMO it holds, imo.",
            "It is wrong in my opinion. In my opinion it holds, in my opinion.",
        ),
        # the International Mathematical Olympiad, as AI posts discuss it
        ("The model won IMO gold at the IMO.", "The model won IMO gold at the IMO."),
        ("An IMO-level result on IMO problems.", "An IMO-level result on IMO problems."),
    ],
)
def test_imo_is_an_opinion_unless_it_is_the_olympiad(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "An OOM more compute, or 2 OOMs.",
            "An order of magnitude more compute, or two orders of magnitude.",
        ),
        (
            "That is 3 OOMs of compute, a few OOMs.",
            "That is three orders of magnitude of compute, a few orders of magnitude.",
        ),
        (
            "The run went OOM at step 4k, an OOM error.",
            "The run went out of memory at step four thousand, an out-of-memory error.",
        ),
        (
            "The job OOMed twice; it kept OOMing.",
            "The job ran out of memory twice; it kept running out of memory.",
        ),
        ("OOM is an acronym.", "OOM is an acronym."),  # no context: its letters
    ],
)
def test_oom_is_an_order_of_magnitude_or_out_of_memory(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken

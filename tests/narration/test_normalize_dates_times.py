"""Dates (several formats), decades, eras, quarters and clock times."""

from __future__ import annotations

import pytest

from postcast.narration.normalize import normalize_text


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Due March 14, 2027.", "Due March fourteenth, twenty twenty-seven."),
        ("Born Oct. 2 1961 in Leeds.", "Born October second nineteen sixty-one in Leeds."),
        ("It opens on 9 August 2031.", "It opens on the ninth of August twenty thirty-one."),
        ("On the 4th of July we rest.", "On the fourth of July we rest."),
        ("By Dec 31 we ship.", "By December thirty-first we ship."),
        ("In June 1812 it began.", "In June eighteen twelve it began."),
        ("Filed 2023-11-09.", "Filed November ninth twenty twenty-three."),
        ("Filed 7/4/1976.", "Filed July fourth nineteen seventy-six."),
        ("Filed 28/02/2019.", "Filed the twenty-eighth of February twenty nineteen."),
        ("Filed 3/9/07.", "Filed March ninth oh seven."),
        ("Filed 31.12.1999.", "Filed the thirty-first of December nineteen ninety-nine."),
    ],
)
def test_dates(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Music of the 1970s.", "Music of the nineteen seventies."),
        ("Back in the '90s.", "Back in the nineties."),
        ("Since the 2010s.", "Since the twenty tens."),
        ("From the 1950s-60s.", "From the nineteen fifties to sixties."),
        ("Built in 480 BC.", "Built in four eighty B.C."),
        ("In AD 1066 it fell.", "In A.D ten sixty-six it fell."),
        ("Profits rose in Q4 2025.", "Profits rose in the fourth quarter of twenty twenty-five."),
        (
            "Sales over Q1–Q3 2025.",
            "Sales over the first to the third quarter of twenty twenty-five.",
        ),
        (
            "Between Q1-Q2 2024 it fell.",
            "Between the first and the second quarter of twenty twenty-four it fell.",
        ),
        ("Tens of 1000s of users.", "Tens of thousands of users."),
    ],
)
def test_decades_eras_quarters(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Meet at 6:45 today.", "Meet at six forty-five today."),
        ("Doors open at 19:00 sharp.", "Doors open at nineteen hundred sharp."),
        ("It resets at 00:00 UTC.", "It resets at midnight U.T.C."),
        ("Fed at 00:30 daily.", "Fed at twelve thirty AM daily."),
        ("Open 9:00–17:00 Mon–Fri.", "Open nine o'clock to seventeen hundred Monday to Friday."),
        ("Shut Sat-Sun. Sun-dried.", "Shut Saturday to Sunday. Sun-dried."),
        ("Lunch at 12:05 pm works.", "Lunch at twelve oh five PM works."),
        ("Wake at 7am daily.", "Wake at seven AM daily."),
        ("It aired at 8 P.M. EDT on Friday.", "It aired at eight PM E.D.T on Friday."),
        ("Open 9am-5pm weekdays.", "Open nine AM to five PM weekdays."),
        (
            "The record is 2:03:07 now.",
            "The record is two hours three minutes and seven seconds now.",
        ),
        ("See John 3:16 again.", "See John three sixteen again."),
        (
            "The deadline is 11:59:59 pm PT on Friday.",
            "The deadline is eleven fifty-nine and fifty-nine seconds PM PT on Friday.",
        ),
        ("At 14:00:05 UTC it broke.", "At fourteen hundred and five seconds U.T.C it broke."),
        ("At 11:00:30 am.", "At eleven o'clock and thirty seconds AM."),
        ("Ends 11:59:00 pm.", "Ends eleven fifty-nine PM."),
    ],
)
def test_times(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


def test_a_time_at_the_end_of_a_sentence_keeps_the_full_stop() -> None:
    assert normalize_text("We left at 11 p.m. Nobody noticed.") == (
        "We left at eleven PM. Nobody noticed."
    )
    assert normalize_text("We left at 11 p.m. and walked.") == "We left at eleven PM and walked."


@pytest.mark.parametrize("text", ["I may go.", "Let us march on.", "We meet in May."])
def test_month_names_that_are_words_stay_words(text: str) -> None:
    assert normalize_text(text) == text


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "It runs 14–15 May 2026.",
            "It runs the fourteenth to the fifteenth of May twenty twenty-six.",
        ),
        ("It runs 14-15 May.", "It runs the fourteenth to the fifteenth of May."),
        (
            "It runs May 14–15, 2026 there.",
            "It runs May fourteenth to fifteenth, twenty twenty-six there.",
        ),
        ("Meet on May 14–15 then.", "Meet on May fourteenth to fifteenth then."),
        ("From 1 to 28 February.", "From the first to the twenty-eighth of February."),
        ("From 2020–2024 it grew.", "From twenty twenty to twenty twenty-four it grew."),
        ("Results for Q4'24.", "Results for the fourth quarter of twenty-four."),
        ("In H1 2025 we grew.", "In the first half of twenty twenty-five we grew."),
        ("The 2020/21 season.", "The twenty twenty to twenty-one season."),
        ("The FY2024-25 budget.", "The FY twenty twenty-four to twenty-five budget."),
        ("He died in '02.", "He died in oh two."),
        ("The class of ’98 met.", "The class of ninety-eight met."),
        ("It narrowed in '24–'25.", "It narrowed in twenty-four to twenty-five."),
        ("Between '19-'21 it rose.", "Between nineteen and twenty-one it rose."),
        ("He said '12 points' twice.", "He said 'twelve points' twice."),
        ("Held May 30 – June 1.", "Held May thirtieth to June first."),
        ("Held 30 May – 1 June.", "Held the thirtieth of May to the first of June."),
        ("Between 2020–2024 it grew.", "Between twenty twenty and twenty twenty-four it grew."),
        (
            "It ran between 14–15 May.",
            "It ran between the fourteenth and the fifteenth of May.",
        ),
        ("Open between 9am–5pm daily.", "Open between nine AM and five PM daily."),
        ("Between the 1990s–2000s.", "Between the nineteen nineties and two thousands."),
        ("In 2020-24 it grew.", "In twenty twenty to twenty-four it grew."),
        ("In 1998-03 it grew.", "In nineteen ninety-eight to two thousand and three it grew."),
    ],
)
def test_year_and_day_ranges(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Meet on Sat., Jan. 4.", "Meet on Saturday, January fourth."),
        ("Doors open Fri 14 March.", "Doors open Friday the fourteenth of March."),
        ("Due Thurs, Oct 2.", "Due Thursday, October second."),
        # not before a date: the star, a newspaper, a verb
        ("We looked at the Sun.", "We looked at the Sun."),
        ("The Sun 5 March edition.", "The Sun the fifth of March edition."),
        ("She sat, March 2 or not.", "She sat, March second or not."),
    ],
)
def test_an_abbreviated_weekday_before_a_date(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("The grant runs Jan–Jun 2026.", "The grant runs January to June twenty twenty-six."),
        ("From Jan-Mar we met.", "From January to March we met."),
        ("Jan 2025–Mar 2026.", "January twenty twenty-five to March twenty twenty-six."),
        ("It ran Jan.–Mar. Then it stopped.", "It ran January to March. Then it stopped."),
        ("Between Sept.–Dec. 2025.", "Between September and December twenty twenty-five."),
    ],
)
def test_a_span_of_months(written: str, spoken: str) -> None:
    """ "Jan–Jun 2026" was read "Jan–June twenty twenty-six"."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Apply by Fri.", "Apply by Friday."),
        ("We meet every Wed at noon.", "We meet every Wednesday at noon."),
        ("See you next Tues, ok?", "See you next Tuesday, ok?"),
        ("The Sun rose.", "The Sun rose."),
    ],
)
def test_an_abbreviated_weekday_where_a_day_is_expected(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "Round 2 opens 3/1 and closes 3/15.",
            "Round two opens March first and closes March fifteenth.",
        ),
        ("The survey ends 6/30.", "The survey ends June thirtieth."),
        ("Post updated 11/2.", "Post updated November second."),
        ("It closes 1/3 of the gap.", "It closes one third of the gap."),
    ],
)
def test_a_slash_date_after_a_verb_of_opening_or_closing(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "Our Q4 2024 results beat Q1 2025.",
            "Our fourth quarter of twenty twenty-four results beat the first quarter of twenty "
            "twenty-five.",
        ),
        ("Their H1 2026 plan.", "Their first half of twenty twenty-six plan."),
    ],
)
def test_a_quarter_after_a_determiner_takes_no_second_article(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("We shipped in Jan '24.", "We shipped in January twenty-four."),
        ("Since Sept ’25, things changed.", "Since September twenty-five, things changed."),
    ],
)
def test_a_month_with_an_abbreviated_year(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "Posted 2026-12-01T10:00Z, then edited.",
            "Posted December first twenty twenty-six at ten o'clock U.T.C, then edited.",
        ),
        (
            "Logged 2025-01-02T23:59:59.123Z.",
            "Logged January second twenty twenty-five at twenty-three fifty-nine U.T.C.",
        ),
        (  # an offset was read as a sum ("plus zero five:thirty")
            "At 2026-03-14 09:30:00+05:30 it ran.",
            "At March fourteenth twenty twenty-six at nine thirty U.T.C plus five thirty it ran.",
        ),
        (
            "Closes Dec 1 (Mon), 11:59pm AoE.",
            "Closes December first (Monday), eleven fifty-nine PM anywhere on Earth.",
        ),
    ],
)
def test_timestamps_deadlines_and_a_weekday_in_brackets(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken

"""Numbers in running text: cardinals, years, decimals, ordinals, fractions, ranges."""

from __future__ import annotations

import pytest

from postcast.narration.normalize import normalize_text


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("We invited 7 guests.", "We invited seven guests."),
        ("It has 42 chapters.", "It has forty-two chapters."),
        ("About 256 people came.", "About two hundred and fifty-six people came."),
        (
            "The list had 8,192 entries.",
            "The list had eight thousand one hundred and ninety-two entries.",
        ),
        ("It fell to -7 overnight.", "It fell to minus seven overnight."),
        ("Code 0071 failed.", "Code zero zero seven one failed."),
        ("He owns 3 bikes and 1 car.", "He owns three bikes and one car."),
    ],
)
def test_cardinals(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It began in 1848.", "It began in eighteen forty-eight."),
        ("By 2045, maybe.", "By twenty forty-five, maybe."),
        ("Since 2003 we have met yearly.", "Since two thousand and three we have met yearly."),
        ("1969 was a good year.", "nineteen sixty-nine was a good year."),
        ("She sold 1750 copies.", "She sold one thousand seven hundred and fifty copies."),
        ("They counted 7400 votes.", "They counted seven thousand four hundred votes."),
        ("After the 2008 crisis.", "After the two thousand and eight crisis."),
        ("The 2016 election.", "The twenty sixteen election."),
        ("The 1500 soldiers.", "The one thousand five hundred soldiers."),
    ],
)
def test_years_versus_counts(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("The rate is 0.75 today.", "The rate is zero point seven five today."),
        ("Pi is about 3.14159.", "Pi is about three point one four one five nine."),
        ("A share of .25 remains.", "A share of point two five remains."),
        ("Python 3.12.1 is out.", "Python three point twelve point one is out."),
        (
            "It needs 6.02e23 atoms.",
            "It needs six point zero two times ten to the power of twenty-three atoms.",
        ),
        ("Roughly 10^9 steps.", "Roughly ten to the power of nine steps."),
        ("A 70B model.", "A seventy billion model."),
    ],
)
def test_decimals_versions_and_powers(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("She came 3rd.", "She came third."),
        ("The 52nd week.", "The fifty-second week."),
        ("Our 113th meetup.", "Our one hundred and thirteenth meetup."),
        ("The 2,000th visitor.", "The two thousandth visitor."),
        ("A typo: 7rd place.", "A typo: seven rd place."),
    ],
)
def test_ordinals(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Add 2/3 of the flour.", "Add two thirds of the flour."),
        ("Only 1/8 was left.", "Only one eighth was left."),
        ("It took 5 3/4 hours.", "It took five and three quarters hours."),
        ("Cut 1/2 an apple.", "Cut one half an apple."),
        ("Say 7/10ths.", "Say seven tenths."),
        ("A 50/50 chance.", "A fifty fifty chance."),
        ("About 1½ cups.", "About one and a half cups."),
    ],
)
def test_fractions(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Wait 3-4 days.", "Wait three to four days."),
        ("Pages 40–45 cover it.", "Pages forty to forty-five cover it."),
        ("The war of 1914-1918.", "The war of nineteen fourteen to nineteen eighteen."),
        ("In 1939-45 rationing.", "In nineteen thirty-nine to forty-five rationing."),
        ("Call 555-0199 now.", "Call five five five, zero one nine nine now."),
        ("A ratio of 4:1.", "A ratio of four to one."),
        ("Boards of 3x6 and 2x4.", "Boards of three by six and two by four."),
        ("It is 2.5x faster.", "It is two point five times faster."),
        ("It is 3-5x faster.", "It is three to five times faster."),
        ("The 80/20 rule.", "The eighty twenty rule."),
        ("Rated 4.5/5 overall.", "Rated four point five out of five overall."),
        ("She is 5'7\" tall.", "She is five foot seven tall."),
        ("An 8' fence, and '42' in quotes.", "An eight feet fence, and 'forty-two' in quotes."),
    ],
)
def test_ranges_and_products(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken

"""Numbers in running text: cardinals, years, decimals, ordinals, fractions, ranges."""

from __future__ import annotations

import pytest

from postcast.narration.normalize import normalize_text
from postcast.narration.spoken_numbers import cardinal, range_word


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
        (
            "Call +44 20 7946 0958.",
            "Call plus four four, two zero, seven nine four six, zero nine five eight.",
        ),
        (
            "Dial +49 30 1234567.",
            "Dial plus four nine, three zero, one two three four five six seven.",
        ),
        ("Temperatures: +12 15 18", "Temperatures: plus twelve fifteen eighteen"),  # too short
        ("A ratio of 4:1.", "A ratio of four to one."),
        ("Boards of 3x6 and 2x4.", "Boards of three by six and two by four."),
        ("It is 2.5x faster.", "It is two point five times faster."),
        ("It is 3-5x faster.", "It is three to five times faster."),
        ("A 2x–3x gain.", "A two to three times gain."),  # the sign on both ends
        ("It grew x10 overall.", "It grew ten times overall."),  # the sign before
        ("A x2 speedup, x1.5 faster.", "A two times speedup, one point five times faster."),
        ("Let x1 and x2 be reals.", "Let x one and x two be reals."),  # variables
        ("So x10 + x11 = 3.", "So x ten plus x eleven equals three."),
        ("The 80/20 rule.", "The eighty twenty rule."),
        ("Rated 4.5/5 overall.", "Rated four point five out of five overall."),
        ("She is 5'7\" tall.", "She is five foot seven tall."),
        ("An 8' fence, and '42' in quotes.", "An eight feet fence, and 'forty-two' in quotes."),
    ],
)
def test_ranges_and_products(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("A rate of 3e-3 works.", "A rate of three times ten to the power of minus three works."),
        ("Decay was 1e-6.", "Decay was ten to the power of minus six."),
        ("Set eps=1e-8.", "Set eps equals ten to the power of minus eight."),
        (
            "With lr = 3e-4 it ran.",
            "With lr equals three times ten to the power of minus four it ran.",
        ),
        (
            "It fell to -2e-3 after.",
            "It fell to minus two times ten to the power of minus three after.",
        ),
        (
            "Their 8e-3, not 7.5e+3.",
            "Their eight times ten to the power of minus three, "
            "not seven point five times ten to the power of three.",
        ),
        (
            "About 6.02e23 atoms.",
            "About six point zero two times ten to the power of twenty-three atoms.",
        ),
        (
            "p = 2.5×10^-4 here.",
            "p equals two point five times ten to the power of minus four here.",
        ),
    ],
)
def test_scientific_notation_keeps_its_sign(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("We used 2^14 tokens.", "We used two to the power of fourteen tokens."),
        ("So 2^10 = 1,024.", "So two to the power of ten equals one thousand and twenty-four."),
        (
            "That gives 2^14=16,384 ways.",
            "That gives two to the power of fourteen equals "
            "sixteen thousand three hundred and eighty-four ways.",
        ),
        ("We have 16,384 GPUs.", "We have sixteen thousand three hundred and eighty-four GPUs."),
        ("Only 16,384x more.", "Only sixteen thousand three hundred and eighty-four times more."),
    ],
)
def test_exponents_and_whole_numbers(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("They raised 25k.", "They raised twenty-five thousand."),
        ("A 7B model.", "A seven billion model."),
        ("Salaries of 40–60k.", "Salaries of forty to sixty thousand."),
        ("Between 1-2M users.", "Between one and two million users."),
        ("It found 1,000s of bugs.", "It found thousands of bugs."),
        ("We ran 3 seeds x 5 models.", "We ran three seeds by five models."),
        ("It has a 4K display.", "It has a four K display."),
        ("The 4th–5th place.", "The fourth to fifth place."),
        ("A 10K grant.", "A ten thousand grant."),
        ("Using 8xA100s for a day.", "Using eight A one hundreds for a day."),
        ("On 8 x A100 GPUs.", "On eight A one hundred GPUs."),
        ("Some T4s and 4xH100 nodes.", "Some T fours and four H one hundred nodes."),
        ("See RSP v2.1 and v2.", "See RSP version two point one and version two."),
        ("We saw 10,000s of posts.", "We saw tens of thousands of posts."),
        ("It ran for 1,000s.", "It ran for one thousand seconds."),
        ("Only 1/100 failed.", "Only one hundredth failed."),
        ("Some 3/1000 failed.", "Some three thousandths failed."),
        ("Rated 7/10 by users.", "Rated seven out of ten by users."),
        ("A 9/10 chance.", "A nine out of ten chance."),
        ("Then 3/10 of them.", "Then three tenths of them."),
        ("Just 1/10 left.", "Just one tenth left."),
        ("I give it a 10/10.", "I give it a ten out of ten."),
        # a count of trials before its outcome, and an unreduced pair ending a clause
        ("Results: 12/15 passed.", "Results: twelve out of fifteen passed."),
        ("Only 7/15 were correct.", "Only seven out of fifteen were correct."),
        ("We got 7/9 right.", "We got seven out of nine right."),
        ("Then 2/3 disagreed.", "Then two thirds disagreed."),  # halves to quarters stay
        ("He got 36/36 on the ACT.", "He got thirty-six out of thirty-six on the ACT."),
        ("A 50/50 bet, 20/20 vision.", "A fifty fifty bet, twenty twenty vision."),
        ("Score: 12/15.", "Score: twelve out of fifteen."),
        ("Add 2/4 cup.", "Add two quarters cup."),  # a noun follows: a fraction
        ("Add 6/8 of it.", "Add six eighths of it."),
        # a big pair is a count out of a total; a big denominator is said "over"
        (
            "He scored 1500/1600 on the SAT.",
            "He scored one thousand five hundred out of one thousand six hundred on the SAT.",
        ),
        ("Only 250/1000 passed.", "Only two hundred and fifty out of one thousand passed."),
        ("A 7/256 chance.", "A seven over two hundred and fifty-six chance."),
        ("Or 1/1,000,000 of it.", "Or one millionth of it."),
        ("Some 3/1,000 failed.", "Some three thousandths failed."),
        ("It reached 3/4.", "It reached three quarters."),
        ("I ran a 5k today.", "I ran a five K today."),
        ("A 10k race is long.", "A ten K race is long."),
        ("Views hit 10k today.", "Views hit ten thousand today."),
    ],
)
def test_scales_and_scores(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


def test_number_words_are_cached_and_range_words_are_not() -> None:
    """num2words is slow and a post repeats its numbers: cardinals come from a cache. The
    joining word of a range depends on the text around it, so it is never cached (a cache
    keyed by the match would also keep every paragraph it saw alive)."""
    cardinal.cache_clear()
    assert cardinal(1234) == cardinal(1234) == "one thousand two hundred and thirty-four"
    assert cardinal.cache_info().hits == 1
    assert not hasattr(range_word, "cache_info")
    assert normalize_text("between 2–3 and 2–3") == "between two and three and two to three"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Warming slows by 2100.", "Warming slows by twenty-one hundred."),
        ("In 2150 we may know.", "In twenty-one fifty we may know."),
        ("The year 2300 is far.", "The year twenty-three hundred is far."),
        (
            "From 2100 to 2200, it slows.",
            "From twenty-one hundred to twenty-two hundred, it slows.",
        ),
        # without a year's cue, or before a counted noun, a number past 2099 counts
        ("In 2500 trials it held.", "In two thousand five hundred trials it held."),
        ("About 2100 people came.", "About two thousand one hundred people came."),
        ("It costs 2100 dollars.", "It costs two thousand one hundred dollars."),
    ],
)
def test_years_past_2099_after_a_cue(written: str, spoken: str) -> None:
    """Long-term forecasts say "by 2100"; it was read "two thousand one hundred"."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("He runs 5k in 20min.", "He runs five K in twenty minutes."),
        ("It runs 5k jobs a day.", "It runs five thousand jobs a day."),  # things run
        ("Use Node 20.x or 3.x.", "Use Node twenty point x or three point x."),
        ("~60% of users agreed.", "Roughly sixty percent of users agreed."),
    ],
)
def test_races_version_wildcards_and_a_leading_approximation(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Use Python 3.12 now.", "Use Python three point twelve now."),
        (
            "See Table 4.12 and Figure 2.10.",
            "See Table four point twelve and Figure two point ten.",
        ),
        ("Version 2.11 ships.", "Version two point eleven ships."),
        # a quantity, a leading zero, a sentence's first word: a decimal's digits
        ("It was 3.14 on average.", "It was three point one four on average."),
        ("Ubuntu 22.04 works.", "Ubuntu twenty-two point zero four works."),
        ("At 3.45 we left.", "At three point four five we left."),
    ],
)
def test_a_release_or_numbered_part_reads_its_parts_as_numbers(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("10^6–10^7 params.", "ten to the power of six to ten to the power of seven params."),
        ("10⁶–10⁷ params.", "ten to the power of six to ten to the power of seven params."),
        ("10^6-10^7 params.", "ten to the power of six to ten to the power of seven params."),
        ("Rates rose 25bps.", "Rates rose twenty-five basis points."),
        ("A 1 Mbps link.", "A one megabit per second link."),
        ("It shipped in wk 3.", "It shipped in week three."),
    ],
)
def test_ranges_of_powers_basis_points_and_weeks(written: str, spoken: str) -> None:
    """ "10^6-10^7" was read "ten^six to ten ..." (its "6-10" taken for a range)."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Odds of 1:10,000 are long.", "Odds of one to ten thousand are long."),
        ("A ratio of 3.5:1 holds.", "A ratio of three point five to one holds."),
        ("Odds 1,000:1 on.", "Odds one thousand to one on."),
        ("At 1:10, we met.", "At one ten, we met."),  # a time stays a time
    ],
)
def test_a_ratio_is_read_whole(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("So 2^10-1 is odd.", "So two to the power of ten minus one is odd."),
        ("We scored 2^3-2^2 points.", "We scored two cubed minus two squared points."),
        ("Factor x^2-y^2 first.", "Factor x squared minus y squared first."),
        ("A 2^n-1 bound.", "A two to the power of n minus one bound."),
        (
            "It is 10^6-10^7 tokens.",
            "It is ten to the power of six to ten to the power of seven tokens.",
        ),
    ],
)
def test_a_minus_after_a_power_subtracts(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It rose. 3 things matter.", "It rose. Three things matter."),
        (
            "Cost: $5. $6 is more. 7% of it.",
            "Cost: five dollars. Six dollars is more. Seven percent of it.",
        ),
        # where the reading changes the count of sentences, nothing is guessed
        ("No. 5 is here. 3 left.", "Number five is here. three left."),
    ],
)
def test_a_later_sentence_that_opens_on_a_figure_opens_with_a_capital(
    written: str, spoken: str
) -> None:
    assert normalize_text(written) == spoken

"""Money and measures: currencies, cents, scales, units, per-unit rates, percentages."""

from __future__ import annotations

import pytest

from postcast.narration.normalize import normalize_text


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It costs $4,500.", "It costs four thousand five hundred dollars."),
        ("Only $1 each.", "Only one dollar each."),
        ("A coffee is $3.75 here.", "A coffee is three dollars and seventy-five cents here."),
        ("Tip $0.05 more.", "Tip five cents more."),
        ("Pay $7.00 now.", "Pay seven dollars now."),
        ("Rent is £950 a month.", "Rent is nine hundred and fifty pounds a month."),
        ("Stamps cost £0.01 each.", "Stamps cost one penny each."),
        ("The bill was €12.40.", "The bill was twelve euros and forty cents."),
        ("Tickets cost 80€.", "Tickets cost eighty euros."),
        ("It sold for 2.5 million USD.", "It sold for two point five million US dollars."),
        ("A budget of ¥5000.", "A budget of five thousand yen."),
        ("They raised $3.2 billion.", "They raised three point two billion dollars."),
        ("Grants of $40k are common.", "Grants of forty thousand dollars are common."),
        ("A $2M round.", "A two million dollar round."),
        ("It is a $5 fee.", "It is a five dollar fee."),
        ("A 6-month, $100k grant.", "A six month, one hundred thousand dollar grant."),
        ("It was a $5 million in grants year.", "It was a five million dollars in grants year."),
        ("An €80 ticket.", "An eighty euro ticket."),
        ("A $0.99 app.", "A ninety-nine cent app."),
        ("It costs 3.50 dollars.", "It costs three dollars and fifty cents."),
        ("He lost 3.50 pounds.", "He lost three point five zero pounds."),  # may weigh
        ("Sales rose 5% YoY.", "Sales rose five percent year on year."),
        ("I got a $5.", "I got a five dollars."),  # no noun follows: not attributive
        ("Between $5–$10 each.", "Between five dollars and ten dollars each."),
        ("It costs 0.5¢ a token, or 1¢.", "It costs zero point five cents a token, or one cent."),
        ("It pays A$300 a week.", "It pays three hundred Australian dollars a week."),
        ("Budget $10-20 per head.", "Budget ten to twenty dollars per head."),
        ("Prices of $5-$8 apply.", "Prices of five dollars to eight dollars apply."),
        ("It is $12/hr.", "It is twelve dollars per hour."),
        ("We pay $9/user.", "We pay nine dollars per user."),
    ],
)
def test_money(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("A 5km run.", "A five kilometer run."),
        (
            "Here g = 9.8 m/s² and v = 3 m/s.",
            "Here g equals nine point eight meters per second squared and v equals three "
            "meters per second.",
        ),
        ("It is 30x20x10 cm.", "It is thirty by twenty by ten centimeters."),
        ("Density 5kg/m³ for 2wks.", "Density five kilograms per cubic meter for two weeks."),
        ("He ran it in 3h 45m.", "He ran it in three hours forty-five minutes."),
        ("A 1m30s clip and a 5m wall.", "A one minute thirty seconds clip and a five meter wall."),
        ("It weighs 1 kg.", "It weighs one kilogram."),
        ("Lift 20 lbs twice.", "Lift twenty pounds twice."),
        ("Drive at 65 mph.", "Drive at sixty-five miles per hour."),
        ("It was 38°C outside.", "It was thirty-eight degrees Celsius outside."),
        ("Water boils at 212 °F.", "Water boils at two hundred and twelve degrees Fahrenheit."),
        ("A 16 GB card.", "A sixteen gigabyte card."),
        ("A 100 Mbps line.", "A one hundred megabit per second line."),
        ("The flat is 54 m² in size.", "The flat is fifty-four square meters in size."),
        ("Speed 3 m/s.", "Speed three meters per second."),
        ("It took 250 ms.", "It took two hundred and fifty milliseconds."),
        ("A 12-inch pizza.", "A twelve inch pizza."),
        ("A 5-km loop.", "A five kilometer loop."),
        ("Growth of 7%.", "Growth of seven percent."),
        ("Up 5%-8% a year.", "Up five to eight percent a year."),
        ("Between 10-15% of people.", "Between ten and fifteen percent of people."),
        ("Just 0.5 percent.", "Just zero point five percent."),
        ("Wait 3 s and retry.", "Wait three seconds and retry."),
    ],
)
def test_measures(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("I had 2 in a row.", "I had two in a row."),  # "in" is a word here, not inches
        ("A 5G phone.", "A five G phone."),  # a lone "G" is no unit
        ("Plan 9 from space.", "Plan nine from space."),
        ("Give me 5 min.", "Give me five minutes."),
    ],
)
def test_words_after_numbers_stay_words(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("They raised $25k fast.", "They raised twenty-five thousand dollars fast."),
        ("The grant was $1.5M.", "The grant was one point five million dollars."),
        # an amount written as a power of ten: the currency after it
        ("It cost ~$10^9.", "It cost roughly ten to the power of nine dollars."),
        (
            "The budget was £3.5e6.",
            "The budget was three point five times ten to the power of six pounds.",
        ),
        ("costs $2 x 10^6 a year", "costs two times ten to the power of six dollars a year"),
        ("3 x 10^8 m/s", "three times ten to the power of eight meters per second"),
        ("a 2x speedup", "a two times speedup"),
        ("Her salary is £20k.", "Her salary is twenty thousand pounds."),
        ("They spent $2bn on it.", "They spent two billion dollars on it."),
        ("The seed was $500K.", "The seed was five hundred thousand dollars."),
        ("Budgets of $1–2M.", "Budgets of one to two million dollars."),
    ],
)
def test_money_with_scale_abbreviations(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Drink 2 L of water.", "Drink two liters of water."),
        ("It draws 65 W idle.", "It draws sixty-five watts idle."),
        ("The freezer is at -18°C.", "The freezer is at minus eighteen degrees Celsius."),
        ("It is 20–25°C today.", "It is twenty to twenty-five degrees Celsius today."),
        # without its degree sign, only right after the number: "3 C programs" is a language
        (
            "It was 20-25C, past the 2C target.",
            "It was twenty to twenty-five degrees Celsius, past the two degrees Celsius target.",
        ),
        ("We wrote 3 C programs in Series C.", "We wrote three C programs in Series C."),
        ("It was 25 °C.", "It was twenty-five degrees Celsius."),  # the sign may stand apart
        ("About 200-300 kcal.", "About two hundred to three hundred kilocalories."),
        ("Runs at 30 tokens/s here.", "Runs at thirty tokens per second here."),
        ("About 100 requests/hr.", "About one hundred requests per hour."),
        ("Use and/or here.", "Use and or here."),
    ],
)
def test_more_measures(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # a power of ten, however written, keeps its unit
        ("At 3×10⁸ m/s.", "At three times ten to the power of eight meters per second."),
        ("At 3×10^8 m/s.", "At three times ten to the power of eight meters per second."),
        ("At 1.2e9 km.", "At one point two times ten to the power of nine kilometers."),
        ("A gap of 10⁻⁹ m.", "A gap of ten to the power of minus nine meters."),
        ("Wait 1e-6 s first.", "Wait ten to the power of minus six seconds first."),
        ("A mass of 2×10³⁰ kg.", "A mass of two times ten to the power of thirty kilograms."),
        # without a unit the exponent is read as before
        ("About 10⁹ years.", "About ten to the power of nine years."),
        ("Then 2e3 steps.", "Then two times ten to the power of three steps."),
    ],
)
def test_scientific_notation_before_a_unit(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("A drop of -5 km.", "A drop of minus five kilometers."),
        ("Add -0.5 kg.", "Add minus zero point five kilograms."),
        ("From -5 to 10 km.", "From minus five to ten kilometers."),
    ],
)
def test_a_negative_amount_keeps_its_unit(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Add 1/2 kg.", "Add one half of a kilogram."),
        ("Walk 3/4 mi today.", "Walk three quarters of a mile today."),
        ("Wait 1/2 hr.", "Wait one half of an hour."),
        ("Take 5/4 kg.", "Take five quarters of a kilogram."),
        ("A 1/2 kg bag.", "A one half kilogram bag."),  # before a noun: no "of a"
        ("Add 1 1/2 kg.", "Add one and a half kilograms."),
    ],
)
def test_a_fraction_of_a_unit(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("About 25 people/km².", "About twenty-five people per square kilometer."),
        ("We pay 3 dollars/GB.", "We pay three dollars per gigabyte."),
        ("Runs at 30 tokens/s.", "Runs at thirty tokens per second."),
        # a slash between words that are not units stays a slash or an "or"
        ("He/she reads in/out logs.", "He slash she reads in slash out logs."),
        ("Some people/m here.", "Some people slash m here."),  # "m" alone: metre or minute?
    ],
)
def test_a_count_per_unit_after_a_word(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "It gives 12.5 WELLBYs/$1k.",
            "It gives twelve point five WELLBYs per one thousand dollars.",
        ),
        ("About 3 lives/£1M spent.", "About three lives per one million pounds spent."),
    ],
)
def test_a_count_per_amount_of_money(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "It costs $2.50/1M input tokens and $10/1M output.",
            "It costs two dollars and fifty cents per million input tokens and ten dollars "
            "per million output.",
        ),
        ("Down to $0.06/1k tokens.", "Down to six cents per thousand tokens."),
        ("It is $15 per 1M tokens.", "It is fifteen dollars per million tokens."),
        ("At $3/10k words.", "At three dollars per ten thousand words."),
    ],
)
def test_a_price_per_so_many(written: str, spoken: str) -> None:
    # "$2.50/1M tokens", the way model prices are written, was "slash one million"
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It is a 3-5 yr project.", "It is a three to five year project."),
        ("A 5-10 km walk.", "A five to ten kilometer walk."),
        ("It takes 3-5 yrs.", "It takes three to five years."),  # not before a noun
        ("(2 min read)", "(two minute read)"),  # a reading time, with or without "a"
        ("We bought a 2 TB SSD.", "We bought a two terabyte SSD."),  # an acronym is a noun
        ("A $5M NGO grant.", "A five million dollar NGO grant."),
        ("It closed a $20M Series B.", "It closed a twenty million dollar Series B."),
        ("It has 2 TB SSD storage.", "It has two terabytes SSD storage."),  # no article
        ("It is a 12 min read.", "It is a twelve minute read."),
        ("Read it in 2 min.", "Read it in two minutes."),
        ("It took 5 min reading it.", "It took five minutes reading it."),
    ],
)
def test_a_range_before_a_noun_names_its_unit_in_the_singular(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Total cost: USD 1.2 million.", "Total cost: one point two million US dollars."),
        ("It was EUR 500.", "It was five hundred euros."),
        ("The USD is strong.", "The USD is strong."),
    ],
)
def test_a_currency_code_before_the_amount(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("We are ~6 mo. into it.", "We are roughly six months into it."),
        ("It took 3 hrs. of work.", "It took three hours of work."),
        ("In 18 mos. we grew.", "In eighteen months we grew."),
        ("It took 5 min. Then we left.", "It took five minutes. Then we left."),  # a full stop
    ],
)
def test_a_units_dot_inside_a_sentence_is_not_a_full_stop(written: str, spoken: str) -> None:
    """ "6 mo. into it" was "six months. into it": the voice stopped mid-sentence."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It runs at 60fps.", "It runs at sixty frames per second."),
        ("A 1 fps stream at 30 FPS.", "A one frame per second stream at thirty frames per second."),
    ],
)
def test_frames_per_second(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken

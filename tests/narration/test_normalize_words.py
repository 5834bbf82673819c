"""URLs, e-mail addresses, abbreviations, initials, roman numerals and symbols."""

from __future__ import annotations

import pytest

from postcast.narration.normalize import normalize_text
from postcast.narration.normalize_words import normalize_code_sections


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Read arXiv:1706.03762.", "Read arXiv one seven zero six dot zero three seven six two."),
        (
            "See arxiv: 2310.01405v2, or arXiv:hep-th/9901001.",
            "See arXiv two three one zero dot zero one four zero five, version two, or arXiv "
            "hep dash th slash nine nine zero one zero zero one.",
        ),
        (
            "Cited as doi:10.1038/nature12373.",
            "Cited as DOI one zero dot one zero three eight slash nature one two three seven "
            "three.",
        ),
        ("It fixed CVE-2024-3094.", "It fixed CVE twenty twenty-four three zero nine four."),
    ],
)
def test_paper_and_security_identifiers_are_read_as_identifiers(written: str, spoken: str) -> None:
    # they were read as quantities: "two thousand four hundred and one point one two..."
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "See https://forum.example.org/p/42-ideas today.",
            "See HTTPS colon slash slash forum dot example dot org slash p slash four two "
            "dash ideas today.",
        ),
        ("Visit www.example.net.", "Visit WWW dot example dot net."),
        ("It is on example.com now.", "It is on example dot com now."),
        (
            "Mail bob.smith7@mail.example.fr please.",
            "Mail bob dot smith seven at mail dot example dot F.R please.",
        ),
        ("Open notes.pdf first.", "Open notes dot PDF first."),
    ],
)
def test_web_addresses(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Fruit, e.g. apples, is fine.", "Fruit, for example apples, is fine."),
        ("One thing, i.e. this one.", "One thing, that is this one."),
        ("Bring pens, paper, etc. and food.", "Bring pens, paper, et cetera and food."),
        ("Bring pens, paper, etc. Then go.", "Bring pens, paper, et cetera. Then go."),
        ("Cats vs. dogs.", "Cats versus dogs."),
        ("It got 1★, then 3.5⭐.", "It got one star, then three point five stars."),
        ("Rating: ★★★☆☆", "Rating: three out of five stars"),
        ("My p(AGI by 2030) = 25%.", "My P of AGI by twenty thirty equals twenty-five percent."),
        ("P(doom by 2100) = 10%", "P of doom by twenty-one hundred equals ten percent"),
        ("x = 2030", "x equals two thousand and thirty"),  # no year's cue word: a number
        ("It's 2x better on avg. Then worse.", "It's two times better on average. Then worse."),
        ("The avg score was 4.", "The average score was four."),
        ("Ask Dr. Okafor and Mrs. Lee.", "Ask Doctor Okafor and Misses Lee."),
        ("Ask Prof. Ada Byrne.", "Ask Professor Ada Byrne."),
        ("See No. 7 and pp. 3-9.", "See number seven and pages three to nine."),
        ("He lives on Baker St. in town.", "He lives on Baker Street in town."),
        ("We met at St. Andrews.", "We met at Saint Andrews."),
        ("Read T. S. Eliot today.", "Read T.S Eliot today."),
        ("Ask John Q. Public.", "Ask John Q Public."),
        ("It was plan B. Then we left.", "It was plan B. Then we left."),
        ("The U.S. army grew.", "The U.S army grew."),
        ("Work 24/7 no more.", "Work twenty-four seven no more."),
        ("FWIW, AFAICT it holds.", "For what it's worth, as far as I can tell it holds."),
        ("It works, tbh, IIRC.", "It works, to be honest, if I remember correctly."),
        (
            "YMMV; OTOH, AFAIK, IMHO.",
            "Your mileage may vary; on the other hand, as far as I know, in my humble opinion.",
        ),
        ("Written in C#, F# and .NET.", "Written in C sharp, F sharp and dot net."),
    ],
)
def test_abbreviations_and_initials(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Read Chapter XII first.", "Read Chapter twelve first."),
        ("After World War I it changed.", "After World War one it changed."),
        ("Louis XIV was king.", "Louis the fourteenth was king."),
        ("See Part III below.", "See Part three below."),
        ("You and I agree.", "You and I agree."),
        ("Malcolm X spoke.", "Malcolm X spoke."),
        ("MIX the DC CD.", "MIX the DC CD."),
    ],
)
def test_roman_numerals(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Salt & pepper.", "Salt and pepper."),
        ("Learn C++ now.", "Learn C plus plus now."),
        ("If x = 3 then y > 2.", "If x equals three then y greater than two."),
        ("Cause -> effect.", "Cause to effect."),
        ("It costs ~20 now.", "It costs roughly twenty now."),
        ("A ~30% chance.", "A roughly thirty percent chance."),
        ("Take 3 + 4 = 7.", "Take three plus four equals seven."),
        ("Compute 9-3=6.", "Compute nine minus three equals six."),
        ("Use x^2 here.", "Use x squared here."),
        ("Score ≥ 80 wins.", "Score greater than or equal to eighty wins."),
        ("Rank #1 today.", "Rank number one today."),
        ("A read/write disk.", "A read slash write disk."),
        ("Give to AWF / LTFF now.", "Give to AWF or LTFF now."),
        ("A rate of 5‰ is low.", "A rate of five per mille is low."),
        ("MMLU (%) rose (+5).", "MMLU (percent) rose (plus five)."),
        ("The mean x̄ is small.", "The mean x bar is small."),
        ("It is 1.2 DALYs/person/year.", "It is one point two DALYs per person per year."),
        ("A 3×3 grid, as 3 × 4 is 12.", "A three by three grid, as three times four is twelve."),
        ("Rates were 4.5% p.a. then.", "Rates were four point five percent per annum then."),
        ("Made by Acme® with TurboTax™.", "Made by Acme with TurboTax."),
        ("So A ⇒ B, and B ⟹ C.", "So A implies B, and B implies C."),
        (
            "A ↔ C, as x <=> y and p ⇔ q.",
            "A if and only if C, as x if and only if y and p if and only if q.",
        ),
        ("See ¶4 of the ruling.", "See paragraph four of the ruling."),
        ("The heading¶ ends.", "The heading ends."),
        # a number times a variable is one term: never "three times" or "twox"
        (
            "Solve 2x - 4 = 0 and 3x=6.",
            "Solve two x minus four equals zero and three x equals six.",
        ),
        ("Then y = 2x here.", "Then y equals two x here."),
        ("So 2n + 1 is odd.", "So two n plus one is odd."),
        ("It is 3x faster.", "It is three times faster."),  # a multiplier, no operator
        # a one-letter function of its argument
        (
            "Let f(x) = 3x + 2, so f(2) = 8.",
            "Let f of x equals three x plus two, so f of two equals eight.",
        ),
        ("Set g(a, b) = a and x(t) moves.", "Set g of a and b equals a and x of t moves."),
        ("Call foo(x) then see (a) and (b).", "Call foo(x) then see (a) and (b)."),
        # named functions, and subscripts typed with an underscore
        (
            "Take log(x), sqrt(2) and ln(1 + x).",
            "Take log of x, the square root of two and the natural log of one plus x.",
        ),
        (
            "So Var(X) = 2 and the max(a, b) is 3.",
            "So the variance of X equals two and the max of a and b is three.",
        ),
        (
            "Sum w_i * x_i with a_1 = 3 and D_KL.",
            "Sum w sub i times x sub i with a sub one equals three and D sub KL.",
        ),
        ("Use snake_case, my_var and x_train.", "Use snake_case, my_var and x_train."),
    ],
)
def test_symbols_and_math(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("See sec. 3 first.", "See section three first."),
        ("See Sec. 4.2 first.", "See section four point two first."),
        ("As fig. 2 shows.", "As figure two shows."),
        ("Plug into eq. 4 now.", "Plug into equation four now."),
        ("Ch. 5 covers it.", "Chapter five covers it."),
        ("It is on pp. 12–15.", "It is on pages twelve to fifteen."),
        ("See §§3–4 and § 5.", "See sections three to four and section five."),
        ("It is in vol. 3 here.", "It is in volume three here."),
        ("It is in Thm. 2 here.", "It is in theorem two here."),
        ("The sec. was short.", "The sec. was short."),
        ("Plug into Eq. (4) now.", "Plug into equation (four) now."),
        ("Acme Ltd. and Foo Corp. merged.", "Acme Limited and Foo Corporation merged."),
        ("The est. cost, Est. 1990.", "The estimated cost, established nineteen ninety."),
        ("The Dept. of Energy.", "The Department of Energy."),
        ("Thanks (h/t Zvi). H/T to Scott.", "Thanks (hat tip Zvi). Hat tip to Scott."),
        ("See fn. 4 and Fn. 2.", "See footnote four and footnote two."),
        ("Status: N/A, or n/a.", "Status: not applicable, or not applicable."),
        ("After WWII, not WW3.", "After World War Two, not World War Three."),
        ("Some 70 pct said yes.", "Some seventy percent said yes."),
        ("In Smith (ed.), Essays.", "In Smith (editor), Essays."),
        ("Bostrom and Cirkovic (eds.) edited it.", "Bostrom and Cirkovic (editors) edited it."),
        (
            "Smith, 2nd ed., 2020. See the 3rd ed. It is new.",
            "Smith, second edition, twenty twenty. See the third edition. It is new.",
        ),
        ("Ed Miliband spoke.", "Ed Miliband spoke."),
    ],
)
def test_section_and_figure_abbreviations(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


def test_a_number_i_like_keeps_the_pronoun() -> None:
    assert normalize_text("It is a number I like.") == "It is a number I like."


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Donate to a 501(c)(3) charity.", "Donate to a five oh one c three charity."),
        ("Max out your 401(k) first.", "Max out your four oh one k first."),
        ("A 457(b) plan.", "A four fifty-seven b plan."),
        ("See Section 230(c)(1).", "See Section two thirty c one."),
        ("A 1031(a) swap.", "A ten thirty-one a swap."),
        ("Question 2(a)(iv) asks.", "Question two a four asks."),  # a roman part
    ],
)
def test_numbered_sections_and_their_parts(written: str, spoken: str) -> None:
    """Tax-code sections are everywhere in posts on giving: "a 501(c)(3)" was read "five
    hundred and one(c)(three)"."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize("written", ["f(x) and g(2)", "x=2(a+b)", "see (a) and (b)", "v2(a)"])
def test_what_is_not_a_numbered_section(written: str) -> None:
    """A function's argument, a product, list markers, a name with digits: other rules' work."""
    assert normalize_code_sections(written) == written


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Tier 1 vs. Tier 2 orgs differ.", "Tier one versus Tier two orgs differ."),
        ("Big labs, e.g. OpenAI, do this.", "Big labs, for example OpenAI, do this."),
        ("It is one thing, i.e. The Plan.", "It is one thing, that is The Plan."),
        # "etc." may end a sentence; at the very end a lead keeps its full stop
        ("Apples, pears, etc. Then more.", "Apples, pears, et cetera. Then more."),
        ("It was Tier 1 vs.", "It was Tier one versus."),
    ],
)
def test_an_abbreviation_that_leads_on_never_ends_the_sentence(written: str, spoken: str) -> None:
    """ "vs. Tier 2" kept its dot ("versus. Tier two"): the voice stopped mid-comparison."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("With >100B params.", "With more than one hundred billion params."),
        ("Scores (≥90%) pass.", "Scores (at least ninety percent) pass."),
        ("A (<5%) share.", "A (less than five percent) share."),
        ("Buy ≤3 boxes.", "Buy at most three boxes."),
        # between two terms, or after a lone letter, it is a comparison
        ("Since a > b, stop.", "Since a greater than b, stop."),
        ("Since x ≥y, stop.", "Since x greater than or equal to y, stop."),
    ],
)  # fmt: skip
def test_a_bound_on_an_amount_is_read_as_prose(written: str, spoken: str) -> None:
    """ ">100B params" was "greater than one hundred billion params"."""
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Thanks to @habryka for comments.", "Thanks to habryka for comments."),
        ("Meet @5pm.", "Meet at five PM."),  # not a mention
        ("16k GPUs @ 700W each.", "sixteen thousand GPUs at seven hundred watts each."),
        ("Mail me@example.org.", "Mail me at example dot org."),
        ("This is a 101-level intro.", "This is a one oh one-level intro."),
        ("Read EA 101 first.", "Read EA one oh one first."),
        ("In 101 cases it held.", "In one hundred and one cases it held."),
    ],
)
def test_mentions_and_first_courses(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Tagged #EffectiveAltruism today.", "Tagged Effective Altruism today."),
        ("See #long_term and #AIsafety.", "See long term and AIsafety."),
        ("Use the #general channel.", "Use the general channel."),
        ("Rank #1 in C#.", "Rank number one in C sharp."),
    ],
)
def test_a_hashtag_or_channel_is_said_without_its_sign(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken

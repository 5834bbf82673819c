"""The two simple readers beside the maths engine: TeX by rule (for what the engine rejects)
and Unicode maths in running text. Neither needs Node."""

from __future__ import annotations

import random

import pytest
from narration_samples import FORBIDDEN

from postcast.narration.normalize import normalize_text
from postcast.narration.tex_words import tex_words


@pytest.mark.parametrize(
    ("tex", "words"),
    [
        (r"\frac{a_1}{\sqrt{n}}", "a sub 1 over the square root of n"),
        (r"\sqrt[3]{8} + \sqrt[k]{x}", "the cube root of 8 plus the kth root of x"),
        (r"\sum_{i=1}^{n} x_i^2", "the sum from i equals 1 to n of x sub i squared"),
        (
            r"\int_0^\infty e^{-x} dx",
            "the integral from 0 to infinity of e to the power of minus x, d x",
        ),
        (
            r"\beta \leq \Gamma \neq \epsilon",
            "beta less than or equal to gamma not equal to epsilon",
        ),
        (r"\hat{\theta}_{\mathrm{MLE}}", "theta hat sub M L E"),
        (r"\pi^*(x) \propto e^{r(x)}", "pi star of x is proportional to e to the power of r x"),
        (
            r"\Var(X) = \E[X^2] - \E[X]^2",
            "variance of X equals E of X squared minus E of X, squared",
        ),
        (r"\KL(p \,\|\, q) \geq 0", "K L of p, q greater than or equal to 0"),
        (r"\begin{align} f(x) &= 1 \\ g &= 2 \end{align}", "f of x equals 1, g equals 2"),
        (r"\notarealmacro{q}", "q"),
        (r"A^T B", "A transpose B"),
    ],
)
def test_tex_is_read_by_the_simple_rule(tex: str, words: str) -> None:
    assert tex_words(tex) == words


def test_no_tex_markup_survives_the_simple_rule() -> None:
    pieces = [r"\frac{", "}{", "}", r"\sqrt{", "^", "_", "{", r"\alpha", r"\left(", r"\right)",
              "x", "2", "+", r"\foo", r"\\", "&", "[", "]", r"\mathbb{R}", "$", "%", "#", "@",
              "~"]  # fmt: skip
    rng = random.Random(20260512)
    for _ in range(300):
        words = tex_words("".join(rng.choice(pieces) for _ in range(rng.randrange(1, 25))))
        for bad in ("\\", "{", "}", "^", "_", "$", "&", "#", "@", "~", "  "):
            assert bad not in words, (bad, words)


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("β₁ = 0.3", "beta sub one equals zero point three"),
        ("the error is σ/√n.", "the error is sigma over the square root of n."),
        ("Δx ≤ 5", "delta x less than or equal to five"),
        ("R² ≈ 0.31", "R squared is approximately zero point three one"),
        ("3 ± 0.1", "three plus or minus zero point one"),
        ("a 10× increase", "a ten times increase"),
        ("below 10⁻³ now", "below ten to the power of minus three now"),
        ("2ⁿ states", "two to the n states"),
        ("x² + y³", "x squared plus y cubed"),
        ("θ₀ and xᵢ", "theta sub zero and x sub i"),
        ("C₆H₁₂O₆ and CO₂", "C six H twelve O six and CO two"),
        (
            "for every x ∈ S, f(θ₀) ≤ f(x)",
            "for every x in S, f of theta sub zero less than or equal to f of x",
        ),
        ("∀ε ∃δ", "for all epsilon there exists delta"),
        ("√(n+1)", "the square root of (n plus one)"),
        ("as argued¹ before", "as argued before"),
        ("the λόγος of it", "the λόγος of it"),  # a Greek word is not maths
        ("an area of 5 km²", "an area of five square kilometers"),
        ("the sum ∑ᵢ wᵢ", "the sum over i of w sub i"),
        ("take ∏ⱼ pⱼ now", "take the product over j of p sub j now"),
        ("x̂, ŷ and θ* here", "x hat, y hat and theta star here"),
        ("|x − y| < δ", "the absolute value of x minus y less than delta"),
        ("n! and (n-k)! ways", "n factorial and (n-k) factorial ways"),
        ("c = 3×10⁸", "c equals three times ten to the power of eight"),
        ("a | b and a!", "a | b and a!"),  # bars with spaces are no absolute value
        # logic as decision-theory posts write it
        ("By Löb, □A → A implies □A.", "By Löb, box A to A implies box A."),
        ("If ⊢ φ then M ⊨ φ.", "If proves phi then M models phi."),
        ("and ¬□⊥ holds", "and not box bottom holds"),
        ("A ⊥ B given C", "A perp B given C"),
        ("x ∼ N(0, 1) and y ∼ π", "x drawn from N(zero, one) and y drawn from pi"),
        ("∼100 people", "about one hundred people"),
        ("prices ↑, costs ↓", "prices up, costs down"),
        ("∴ done; ∵ reasons", "therefore done; because reasons"),
        ("A ⊕ B", "A o plus B"),
        ("the ℓ₁ penalty on ‖w‖", "the l sub one penalty on the norm of w"),
        (
            "⟨u, v⟩ = 0 and ⟨E⟩ rises",
            "the inner product of u and v equals zero and the average of E rises",
        ),
    ],
)
def test_unicode_maths_in_running_text_is_spoken(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken


def test_unicode_maths_leaves_no_symbol_behind() -> None:
    said = normalize_text("Let β₁, β₂ ∈ ℝ with β₁ ≤ β₂, Δ = β₂ − β₁ and σ/√n ≈ 0.1 ± 0.01.")
    assert said == (
        "Let beta sub one, beta sub two in R with beta sub one less than or equal to beta sub "
        "two, delta equals beta sub two minus beta sub one and sigma over the square root of n "
        "is approximately zero point one plus or minus zero point zero one."
    )
    assert not [char for char in said if not char.isascii()]
    assert not [bad for bad in FORBIDDEN if bad in said]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Jane Doe · 5 min read · 4 likes", "Jane Doe, five minute read, four likes"),
        ("Home • About • Contact", "Home, About, Contact"),
        ("Take a · b and 2 · 3.", "Take a times b and two times three."),
    ],
)
def test_a_spaced_middle_dot_between_words_separates_them(written: str, spoken: str) -> None:
    assert normalize_text(written) == spoken

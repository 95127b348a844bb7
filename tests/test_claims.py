"""The claims stage: who asserted what, through whom, with what stance.

Real text is read from /work/shared at run time (never copied here); the short
sentences written below are our own.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from dragoman.claims import extract_claims, lexicon, quote_regions
from dragoman.nlp import load_pipeline

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared beside the repository
GOLD = SHARED / "gold"


def needs_shared():
    if not GOLD.is_dir():
        pytest.skip("/work/shared/gold is absent: real-text tests need the shared gold sets")


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(("dragoman_claims",))


def claims_of(nlp, text):
    return nlp(text)._.claims


def only(claims, word):
    found = [c for c in claims if word in c.evidence]
    assert found, f"no claim with evidence containing {word!r}: {claims}"
    return found[0]


# ------------------------------------------------------------------ our own sentences

def test_indirect_claim_has_subject_speaker_and_clause_content(nlp):
    c = only(claims_of(nlp, "The foreign minister said on Monday that the border would reopen next week."), "border")
    assert c.speaker.name == "foreign minister"
    assert c.content.startswith("the border would reopen")
    assert c.stance == "asserted" and c.cue == "said"


def test_direct_quote_before_inverted_cue(nlp):
    text = "\u201cWe will not withdraw our troops,\u201d said the defence ministry spokesman."
    c = only(claims_of(nlp, text), "troops")
    assert "spokesman" in c.speaker.name
    assert "withdraw our troops" in c.content


def test_told_outlet_is_the_channel(nlp):
    c = only(claims_of(nlp, "A senior diplomat told Reuters that the talks had collapsed."), "talks")
    assert c.speaker.name == "senior diplomat"
    assert [v.name for v in c.via] == ["Reuters"]
    assert c.speaker.sector == "GOV"


def test_citing_adds_the_cited_source_to_via(nlp):
    text = "The agency reported that the convoy was hit twice, citing a local police officer."
    c = only(claims_of(nlp, text), "convoy")
    assert c.speaker.name == "agency"
    assert any("police officer" in v.name for v in c.via)


def test_according_to(nlp):
    c = only(claims_of(nlp, "According to the governor, five people were killed in the blast."), "blast")
    assert c.speaker.name == "governor"
    assert c.content.startswith("five people were killed")


def test_denial_verbs_deny(nlp):
    c = only(claims_of(nlp, "The army denied that its aircraft had struck the hospital."), "hospital")
    assert c.stance == "denied"
    c = only(claims_of(nlp, "The minister ruled out any withdrawal from the northern bases."), "withdrawal")
    assert c.stance == "denied" and c.cue == "ruled out"


def test_negated_event_under_an_asserting_cue_is_a_denial(nlp):
    c = only(claims_of(nlp, "The ministry said its planes had not carried out strikes on the town."), "planes")
    assert c.stance == "denied"
    # a negated opinion is an assertion of its own, not a denial
    c = only(claims_of(nlp, "The senator said the plan is not realistic."), "plan")
    assert c.stance == "asserted"


def test_hedges_make_speculation(nlp):
    c = only(claims_of(nlp, "An analyst said the new bases could deter further attacks."), "bases")
    assert c.stance == "speculated"
    c = only(claims_of(nlp, "Officials suggested that the talks might resume in spring."), "talks")
    assert c.stance == "speculated"


def test_neither_confirmed_nor_denied_is_unconfirmed(nlp):
    c = only(claims_of(nlp, "The ministry neither confirmed nor denied that troops had crossed the river."), "troops")
    assert c.stance == "unconfirmed"


def test_pronoun_speaker_resolves_to_the_previous_speaker(nlp):
    text = ("The prime minister said the ceasefire was holding. "
            "She added that aid convoys would enter the city on Friday.")
    claims = claims_of(nlp, text)
    c = only(claims, "aid convoys")
    assert c.speaker.name == "prime minister"


def test_coordinated_speakers_give_one_claim_with_the_others_listed(nlp):
    text = "A local official, a rebel commander and a medical source stated that the shelling had stopped."
    claims = [c for c in claims_of(nlp, text) if "shelling" in c.evidence]
    assert len(claims) == 1
    assert claims[0].speaker.name == "local official"
    assert {v.name for v in claims[0].via} >= {"rebel commander", "medical source"}


def test_non_reporting_uses_of_cue_words_are_not_claims(nlp):
    claims = claims_of(nlp, "The United States continues to maintain a military presence in the east.")
    assert claims == []
    # a relative clause whose object is the antecedent, an infinitive with its own subject,
    # a setting preposition: none of them gives a content
    assert claims_of(nlp, "The army opened a second front, which the minister confirmed on Monday.") == []
    assert claims_of(nlp, "The treaty allows the neighbouring state to assert its control over the coast.") == []
    assert claims_of(nlp, "The minister spoke to reporters in Ankara on Tuesday.") == []


def test_parenthetical_and_as_attributions(nlp):
    c = only(claims_of(nlp, "The latest test, the ministry said, was its largest yet."), "largest")
    assert c.speaker.name == "ministry" and c.content.startswith("was its largest yet")
    c = only(claims_of(nlp, "As Reuters noted, the talks collapsed on Monday."), "collapsed")
    assert c.speaker.name == "Reuters" and c.content == "the talks collapsed on Monday"


def test_according_to_in_the_middle_takes_the_clause_before(nlp):
    text = "Five people were killed, according to the governor, and ten were wounded."
    c = only(claims_of(nlp, text), "killed")
    assert c.speaker.name == "governor" and c.content == "Five people were killed"
    c = only(claims_of(nlp, "Two bridges were destroyed, according to a statement by the army."), "bridges")
    assert c.speaker.name == "army"


def test_first_person_cue_inside_a_quotation_is_the_quoted_speakers_voice(nlp):
    claims = claims_of(nlp, "\u201cI think the talks will fail,\u201d the envoy said.")
    assert [c.speaker.name for c in claims] == ["envoy"]
    assert "the talks will fail" in claims[0].content


def test_citing_a_reason_is_a_claim_citing_a_source_is_a_channel(nlp):
    c = only(claims_of(nlp, "The court blocked the sale, citing a threat to public health."), "threat")
    assert c.speaker.name == "court" and c.content == "a threat to public health"
    c = only(claims_of(nlp, "The agency reported that the convoy was hit, citing a police officer."), "convoy")
    assert [v.name for v in c.via] == ["police officer"]


def test_adjective_of_conviction_and_preposition_contents(nlp):
    c = only(claims_of(nlp, "Officials were confident that the ceasefire would hold."), "ceasefire")
    assert c.speaker.name == "Officials" and c.content == "the ceasefire would hold"
    c = only(claims_of(nlp, "The envoy warned of a humanitarian catastrophe in the city."), "catastrophe")
    assert c.content.startswith("of a humanitarian catastrophe")


def test_described_group_speaker_keeps_its_words(nlp):
    c = only(claims_of(nlp, "Those close to the president say that he will not run again."), "run again")
    assert c.speaker.name == "Those close to the president"
    c = only(claims_of(nlp, "Some note that the sanctions have not changed the government's course."), "sanctions")
    assert c.speaker.name == "Some"


def test_second_subject_from_a_quotation_does_not_hide_the_speaker(nlp):
    # the parse makes "One" a second subject of "said"
    text = ('"She would make a superb ambassador. Not fine, superb. One of the ablest negotiators in the whole region," '
            "Foreign Minister Jane Roe said in a phone interview.")
    c = only(claims_of(nlp, text), "ablest")
    assert c.speaker.name == "Foreign Minister Jane Roe"
    assert c.content.startswith("She would make a superb ambassador")


def test_transcript_turns_are_their_speakers_statements(nlp):
    text = ("MODERATOR: Will the border crossing reopen before the winter?\n\n"
            "MINISTER: The crossing will reopen next week for aid convoys.\n")
    claims = claims_of(nlp, text)
    by_speaker = {c.speaker.name: c for c in claims if c.cue == ":"}
    assert set(by_speaker) == {"MODERATOR", "MINISTER"}
    assert by_speaker["MINISTER"].content.startswith("The crossing will reopen")


def test_contradicting_claims_are_linked(nlp):
    text = ("Activists said government aircraft dropped barrel bombs on the village. "
            "The government denied that its aircraft dropped barrel bombs on the village.")
    claims = claims_of(nlp, text)
    assert len(claims) == 2
    assert claims[0].contradicts == [1] and claims[1].contradicts == [0]


def test_headline_colon_attribution(nlp):
    claims = claims_of(nlp, "Defence ministry: fifty fighters killed in overnight raids\n\nThe raids continued.")
    assert claims and claims[0].speaker.name == "Defence ministry" and claims[0].cue == ":"


def test_quote_regions_pair_curly_and_straight_quotes_but_not_apostrophes():
    text = "He said \u201cTurkey\u2019s army will stay\u201d and \"no more\"."
    regions = quote_regions(text)
    assert [text[a:b] for a, b in regions] == ["\u201cTurkey\u2019s army will stay\u201d", "\"no more\""]


def test_lexicon_is_valid_and_covers_the_main_cues():
    lex = lexicon()
    for lemma in ("say", "tell", "deny", "suggest", "confirm"):
        assert lemma in lex.verbs
    assert lex.verbs["deny"].stance == "denied" and lex.verbs["suggest"].stance == "speculated"
    assert ("rule", "out") in lex.phrasal and ("according", "to") in lex.prepositional


# ------------------------------------------------------------------ real text from /work/shared

def _scorer():
    path = SHARED / "tools" / "score.py"
    spec = importlib.util.spec_from_file_location("dragoman_shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score_set(nlp, name, limit=None):
    needs_shared()
    score = _scorer()
    folder = GOLD / name
    golds = sorted(folder.glob("*.gold.json"))[:limit]
    if not golds:
        pytest.skip(f"{folder} holds no gold files")
    found = matched = stance_ok = predicted = 0
    for path in golds:
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (folder / (path.name[: -len(".gold.json")] + ".txt")).read_text(encoding="utf-8")
        preds = [c.model_dump() for c in extract_claims(nlp(text))]
        found += len(gold.get("claims", []))
        predicted += len(preds)
        for g, p in score.pair(gold.get("claims", []), preds, score.claim_match):
            matched += 1
            stance_ok += p["stance"] in g["stances"]
    return matched / max(found, 1), stance_ok / max(matched, 1), matched / max(predicted, 1)


def test_dev_article_claims(nlp):
    recall, stance, precision = _score_set(nlp, "dev")
    assert recall >= 0.85 and stance >= 0.9
    assert precision >= 0.4  # was 0.41 with 34 claims for 14; over-production is an error too


def test_fakes_dev_claims(nlp):
    recall, stance, _ = _score_set(nlp, "fakes-dev")
    assert recall >= 0.7 and stance >= 0.9


def test_polnear_sample_claims(nlp):
    recall, stance, precision = _score_set(nlp, "polnear-dev", limit=20)
    assert recall >= 0.6 and stance >= 0.85 and precision >= 0.45


def _real_sentence(pattern: str, folder: str = "polnear-dev") -> tuple[str, re.Match]:
    needs_shared()
    rx = re.compile(pattern, re.M)
    for path in sorted((GOLD / folder).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        m = rx.search(text)
        if m:
            return text, m
    pytest.skip(f"no sentence in {folder} matches {pattern}")


def test_real_direct_quote_with_named_speaker(nlp):
    text, m = _real_sentence(r"^\u201c[^\u201c\u201d\n]{20,200},\u201d (?P<name>[A-Z][a-z]+) said\.$")
    claims = extract_claims(nlp(text))
    hits = [c for c in claims if c.start <= m.start() + 1 < c.end]
    assert hits and hits[0].speaker.name == m.group("name") and hits[0].stance in ("asserted", "denied")


def test_real_according_to_sentence(nlp):
    text, m = _real_sentence(r"[^.\n]{20,}, according to (?:the )?(?P<name>[A-Z]\w+(?: [A-Z]\w+)*)\.")
    claims = extract_claims(nlp(text))
    hits = [c for c in claims if c.start <= m.start() + 20 < c.end and c.cue.lower() == "according to"]
    assert hits and m.group("name").split()[-1] in hits[0].speaker.name


def test_real_denials_in_fakes_dev_are_denied(nlp):
    needs_shared()
    score = _scorer()
    for path in sorted((GOLD / "fakes-dev").glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        denials = [g for g in gold["claims"] if g["stances"] == ["denied"]]
        if not denials:
            continue
        text = path.with_name(path.name[: -len(".gold.json")] + ".txt").read_text(encoding="utf-8")
        preds = [c.model_dump() for c in extract_claims(nlp(text))]
        pairs = score.pair(denials, preds, score.claim_match)
        assert pairs, f"{path.name}: no denial found"
        assert sum(p["stance"] == "denied" for _, p in pairs) >= 0.75 * len(pairs)


# ------------------------------------------------------------------ more of our own sentences

def test_statement_date_comes_from_the_cue_clause_not_the_content(nlp):
    from dragoman.model import DateMention
    text = "On Monday, the ministry said that the strikes began on Saturday."
    doc = nlp.make_doc(text)
    for _, proc in nlp.pipeline:
        if _ != "dragoman_claims":
            doc = proc(doc)
    doc._.dates = [DateMention(mention="Monday", start=3, end=9, value="2025-03-03"),
                   DateMention(mention="Saturday", start=text.index("Saturday"),
                               end=text.index("Saturday") + 8, value="2025-03-01")]
    claims = extract_claims(doc)
    assert claims and claims[0].date == "2025-03-03"


def test_quotation_continued_after_the_attribution_keeps_the_speaker(nlp):
    text = ("\u201cThe crossing is closed,\u201d the governor said. "
            "\u201cNo trucks have entered since the weekend.\u201d")
    claims = claims_of(nlp, text)
    follow = [c for c in claims if "No trucks" in c.evidence and "crossing" not in c.evidence]
    assert follow and follow[0].speaker.name == "governor"


def test_quotation_signed_with_a_dash(nlp):
    claims = claims_of(nlp, "\u201cWe only want to go home.\u201d \u2014 Amina Haddad\n")
    assert claims and claims[0].speaker.name == "Amina Haddad"


def test_time_expressions_are_never_speakers(nlp):
    claims = claims_of(nlp, "The talks will resume, a spokesman said last week.")
    assert all("week" not in c.speaker.name for c in claims)
    assert any(c.speaker.name == "spokesman" for c in claims)


def test_nested_attribution_records_the_outer_speaker_as_via(nlp):
    text = "Diplomatic sources said the two presidents had stressed that the ceasefire must hold."
    claims = claims_of(nlp, text)
    inner = [c for c in claims if c.speaker.name == "two presidents"]
    assert inner and [v.name for v in inner[0].via] == ["Diplomatic sources"]


def test_subject_before_the_cue_wins_over_a_noun_after_it(nlp):
    text = "Lina Farouk, a researcher at a policy institute, said parents still want local schools."
    claims = [c for c in claims_of(nlp, text) if c.cue == "said"]
    assert claims and claims[0].speaker.name == "Lina Farouk"


def test_noun_cue_with_a_possessor_and_a_that_clause(nlp):
    text = "The ministry's denial that its jets struck the market convinced few observers."
    claims = [c for c in claims_of(nlp, text) if c.cue == "denial"]
    assert claims and claims[0].speaker.name == "ministry" and claims[0].stance == "denied"
    assert claims[0].content.startswith("its jets struck the market")


def test_it_is_never_a_plural_speaker():
    """'it' in a reported clause refers to a thing or one body, not to the plural speaker of the
    sentence before ("Lithuania's armed forces said ... The president welcomed the agreement,
    saying it showed that ..."): the nested clause is the president's, not the armed forces'.
    The text is the project's own fictional example article."""
    from dragoman.ingest import article_from_text
    from dragoman.pipeline import analyze_article

    path = Path(__file__).resolve().parents[1] / "examples" / "baltic-defence-visit-second-outlet.txt"
    analysis = analyze_article(article_from_text(path.read_text(encoding="utf-8"), doc=path.stem,
                                                 published="2025-03-12"))
    about_allies = [c for c in analysis.claims if "allies in the region" in c.content]
    assert about_allies, "the president's reported clause is a claim"
    assert all("armed forces" not in (c.speaker.name or "") for c in about_allies)


# ------------------------------------------------------------------ noise an analyst should not see

@pytest.mark.parametrize("text", [
    "The governor defended the $3 million she says she spent on the new bridge.",   # relative clause with a gap
    "Voters rejected the reform that the mayor claims he will pass next year.",
])
def test_cue_in_a_gapped_relative_clause_is_no_claim(nlp, text):
    claims = claims_of(nlp, text)
    assert not [c for c in claims if c.cue in ("says", "claims")], claims


def test_relative_clauses_that_keep_their_statement_whole_are_claims(nlp):
    kept = claims_of(nlp, "The agency, which said that the vote was fair, closed its office.")
    assert any(c.cue == "said" and c.content.startswith("the vote was fair") for c in kept)
    setting = claims_of(nlp, "The leaders held a press conference, in which the president expressed "
                              "support for the new constitution.")
    assert any(c.cue == "expressed" and "president" in c.speaker.name for c in setting)


def test_speaker_restating_in_own_content_is_one_claim(nlp):
    claims = claims_of(nlp, "The governor says she opposes the new fuel tax.")
    assert len(claims) == 1 and claims[0].content == "she opposes the new fuel tax"


def test_adding_that_stays_a_claim_of_its_own(nlp):
    claims = claims_of(nlp, "The minister said the border would reopen on Monday, adding that trade "
                            "would resume within a week.")
    assert {c.cue for c in claims} >= {"said", "adding"}
    assert all(c.speaker.name == "minister" for c in claims)


@pytest.mark.parametrize("text", [
    "Who would have believed that the talks would collapse so quickly?",
    "Nobody would question the courage of the rescue workers.",
    "When the envoy came to see me last week, I did not expect him to resign.",
])
def test_no_one_named_is_no_speaker(nlp, text):
    assert claims_of(nlp, text) == []


def test_infinitive_cue_takes_the_subject_of_the_verb_it_completes(nlp):
    text = "When the energy minister came to talk to me in March about pipelines, I did not expect him to mention prices."
    claims = claims_of(nlp, text)
    assert [c.speaker.name for c in claims] == ["energy minister"]


def test_headline_colon_needs_a_name_not_a_title(nlp):
    assert not claims_of(nlp, "Storm Over the Capital: Rebels Advance Toward the Airport\n\nThe city was quiet.")
    assert not claims_of(nlp, "Editor\u2019s note: This article has been updated with new figures\n")
    named = claims_of(nlp, "Pentagon: Two soldiers killed in the overnight attack\n\nThe base was closed.")
    assert named and named[0].speaker.name == "Pentagon"


def test_show_attributes_only_when_a_record_speaks(nlp):
    assert not claims_of(nlp, "Supporters of the party continue to show signs of fatigue.")
    poll = claims_of(nlp, "A new poll shows that the president is leading in the capital.")
    assert poll and poll[0].speaker.name == "new poll"


def test_said_the_same_of_is_a_claim_about_its_object(nlp):
    claims = claims_of(nlp, "Only 40 percent trusted the army, while 70 percent said the same of the police.")
    said = [c for c in claims if c.cue == "said"]
    assert said and said[0].content == "the same of the police"


def test_first_person_in_an_unclosed_quotation_paragraph_is_the_quoted_speaker(nlp):
    text = ("\u201cThe crossing must stay open,\u201d the governor said. \u201cAnd I think the trucks will come back "
            "before the winter.\"")
    assert not [c for c in claims_of(nlp, text) if c.cue == "think"]


def test_real_trailing_he_said_keeps_the_speaker_quoted_before(nlp):
    """Unpunctuated wire copy: a paragraph closed by "... he said." quotes the monitoring group's
    head (the speaker of the claim before), though another man was named in between."""
    needs_shared()
    from dragoman.ingest import article_from_text
    from dragoman.pipeline import analyze_article
    path = GOLD / "fakes-dev" / "fakes-1924058070.txt"
    if not path.exists():
        pytest.skip("fakes-dev article absent")
    gold = json.loads(path.with_name("fakes-1924058070.gold.json").read_text(encoding="utf-8"))
    quote = next((g for g in gold["claims"] if g["quote"].startswith("his extremist group")), None)
    if quote is None:
        pytest.skip("gold claim absent")
    analysis = analyze_article(article_from_text(path.read_text(encoding="utf-8"), doc=path.stem,
                                                 published=gold.get("published")))
    hits = [c for c in analysis.claims if quote["quote"] in c.evidence]
    assert hits and all(quote["speaker"].split()[0] in c.speaker.name for c in hits)


def test_calling_someone_is_no_claim_calling_them_something_is(nlp):
    assert not claims_of(nlp, "The president called the prime minister on Friday to offer condolences.")
    assert not claims_of(nlp, "The council called an emergency meeting on Friday.")
    named = claims_of(nlp, "The opposition leader called the election a farce.")
    assert named and named[0].content == "the election a farce"
    demand = claims_of(nlp, "The senator called for new sanctions on the regime.")
    assert demand and demand[0].content.startswith("for new sanctions")


def test_a_second_cue_keeps_its_that_clause_and_the_first_keeps_its_object(nlp):
    claims = claims_of(nlp, "The interior minister expressed readiness to reopen the crossings for aid convoys, "
                            "noting that the talks with the rebels were still under way.")
    contents = {c.cue: c.content for c in claims}
    assert contents.get("noting", "").startswith("the talks with the rebels")
    assert contents.get("expressed", "").startswith("readiness to reopen the crossings"), contents

"""Places: toponyms found and geocoded offline, checked on real article text.

The article-based tests read /work/shared (the gold sets) at run time and skip
when it is absent; the one-line sentences are written for these tests.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import spacy

from dragoman.nlp import MODEL_PACKAGE, register_extensions
from dragoman.places import Gazetteer, find_places

HERE = Path(__file__).resolve()
SHARED_CANDIDATES = [HERE.parents[2] / "shared", Path("/work/shared")]
SHARED = next((p for p in SHARED_CANDIDATES if (p / "gold").is_dir()), None)


def km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@pytest.fixture(scope="session")
def nlp():
    register_extensions()
    import dragoman.places  # noqa: F401  registers the factory
    model = spacy.load(MODEL_PACKAGE)
    model.add_pipe("dragoman_places")
    return model


def places(nlp, text):
    return nlp(text)._.places


def gold_docs(set_name):
    if SHARED is None:
        pytest.skip("the shared gold sets (/work/shared/gold) are not on this machine")
    folder = SHARED / "gold" / set_name
    for gold_path in sorted(folder.glob("*.gold.json")):
        text_path = folder / (gold_path.name[: -len(".gold.json")] + ".txt")
        yield text_path.read_text(encoding="utf-8"), json.loads(gold_path.read_text(encoding="utf-8"))


def correct(pred, gold):
    if gold.get("kind") == "country" and pred.country == gold.get("country") and pred.kind in (None, "country"):
        return True
    return km((pred.lat, pred.lon), (gold["lat"], gold["lon"])) <= 161


def accuracy(nlp, set_name):
    total = right = 0
    for text, gold in gold_docs(set_name):
        found = places(nlp, text)
        for g in gold.get("places", []):
            total += 1
            right += any(p.mention.casefold() == g["mention"].casefold() and correct(p, g) for p in found)
    return right / total


def test_canonical_article_places_are_found_and_geocoded(nlp):
    # capitals, countries, "northeastern Syria", "the Syrian desert", "the Mediterranean coast"
    assert accuracy(nlp, "dev") >= 0.9


def test_articles_from_other_outlets(nlp):
    # Arabic-derived names the small model misses (al-Bab, Deir Ezzor, Albu Kamal), provinces, bases
    assert accuracy(nlp, "fakes-dev") >= 0.85


def test_damascus_is_in_syria_not_oregon(nlp):
    text, _ = next(iter(gold_docs("dev")))
    damascus = [p for p in places(nlp, text) if p.mention == "Damascus"]
    assert damascus and all(p.country == "SYR" for p in damascus)
    assert km((damascus[0].lat, damascus[0].lon), (33.51, 36.29)) < 30


def test_directional_region_is_the_part_of_the_country(nlp):
    found = places(nlp, "Kurdish-led forces still hold most of northeastern Syria, while rebels keep the south of Syria.")
    ne = [p for p in found if p.mention == "northeastern Syria"]
    assert ne and ne[0].kind == "region" and ne[0].country == "SYR"
    assert ne[0].lat > 35.8 and ne[0].lon > 39.5            # the Hasakah side, not Damascus
    south = [p for p in found if p.mention == "south of Syria"]
    assert south and south[0].lat < 33.8


def test_directional_region_works_for_any_country(nlp):
    found = places(nlp, "Floods hit northern Italy and western Canada this week.")
    italy = next(p for p in found if p.mention == "northern Italy")
    canada = next(p for p in found if p.mention == "western Canada")
    assert italy.lat > 44.5 and italy.country == "ITA"
    assert canada.lon < -110 and canada.country == "CAN"


def test_metonymic_capital_is_a_place(nlp):
    found = places(nlp, "Ankara insists that the agreement with Damascus stands.")
    ankara = [p for p in found if p.mention == "Ankara"]
    assert ankara and ankara[0].country == "TUR" and ankara[0].kind == "city"


def test_demonym_is_not_a_place_but_the_syrian_desert_is(nlp):
    found = places(nlp, "Turkish and Syrian officials discussed bases in the Syrian desert.")
    mentions = {p.mention for p in found}
    assert "Turkish" not in mentions and "Syrian" not in mentions
    desert = [p for p in found if p.mention == "Syrian desert"]
    assert desert and desert[0].country == "SYR"


def test_unknown_place_does_not_drop_the_others(nlp):
    found = places(nlp, "The convoy moved from Qaryat Zuwayqir al-Fawqa to Aleppo and then to Homs.")
    names = {p.mention: p for p in found}
    assert names["Aleppo"].country == "SYR" and names["Homs"].country == "SYR"


def test_tripoli_follows_the_article_country(nlp):
    lebanon = places(nlp, "Protesters in Lebanon blocked roads in Tripoli and Beirut on Monday.")
    libya = places(nlp, "In Libya, militias clashed in Tripoli and Misrata on Monday.")
    assert next(p for p in lebanon if p.mention == "Tripoli").country == "LBN"
    assert next(p for p in libya if p.mention == "Tripoli").country == "LBY"


def test_organisation_and_person_names_are_not_places(nlp):
    found = places(nlp, "Shelling struck Aleppo overnight, the Syrian Network for Human Rights reported.")
    assert {p.mention for p in found} == {"Aleppo"}


def test_places_are_sorted_by_offset_and_point_into_the_text(nlp):
    text = "Talks in Riyadh followed a visit to Moscow, Tehran and Cairo."
    found = places(nlp, text)
    assert [p.start for p in found] == sorted(p.start for p in found)
    for p in found:
        assert text[p.start:p.end] == p.mention


def test_gazetteer_lookup_for_other_stages():
    gaz = Gazetteer.load()
    assert gaz.lookup("Damascus").country == "SYR"
    assert gaz.lookup("Tripoli", context_countries=["LBN"]).country == "LBN"
    assert gaz.lookup("Hmeimim").kind == "site"
    assert gaz.lookup("Xqzzyplace") is None


def test_qualifier_picks_the_town_in_the_named_state(nlp):
    found = places(nlp, "The fire started in a barn near Paris, Texas, late on Sunday.")
    paris = next(p for p in found if p.mention == "Paris")
    assert paris.country == "USA" and km((paris.lat, paris.lon), (33.66, -95.56)) < 50


def test_press_abbreviations_match_only_as_written(nlp):
    found = places(nlp, "A man from London, Ky., was arrested. I'll say it again, the act was legal.")
    mentions = {p.mention: p for p in found}
    assert mentions["Ky."].name == "Kentucky"
    assert mentions["London"].country == "USA"      # London, Kentucky, not the British capital
    assert "I'll" not in mentions and "act" not in mentions


def test_county_name_is_not_the_town_of_that_name(nlp):
    found = places(nlp, "Deputies in Metcalfe County said the road was closed.")
    assert all(p.name != "Metcalfe" for p in found)


# ---- regression tests named after real failures (texts read from the gold sets at run time)

def gold_doc(set_name, doc_id):
    if SHARED is None:
        pytest.skip("the shared gold sets (/work/shared/gold) are not on this machine")
    folder = SHARED / "gold" / set_name
    text_path = folder / f"{doc_id}.txt"
    if not text_path.exists():
        pytest.skip(f"{text_path} is not on this machine")
    return text_path.read_text(encoding="utf-8"), json.loads((folder / f"{doc_id}.gold.json").read_text("utf-8"))


def assert_gold_places(nlp, set_name, doc_id, mentions):
    """Every named gold mention is found and lies within 161 km of the gold point."""
    text, gold = gold_doc(set_name, doc_id)
    found = places(nlp, text)
    for mention in mentions:
        golds = [g for g in gold["places"] if g["mention"] == mention]
        assert golds, f"{mention} is not a gold place of {doc_id}"
        preds = [p for p in found if p.mention == mention]
        assert preds, f"{mention} not found in {doc_id}"
        assert any(correct(p, golds[0]) for p in preds), f"{mention} misplaced: {preds[0]}"
    return found


def test_us_county_resolved(nlp):
    # counties come from the packaged admin units, placed at the centre of their towns
    assert_gold_places(nlp, "tr-news", "tr-news-1100001", ["Metcalfe County", "Adair County"])


def test_county_shared_by_many_states_follows_the_named_state(nlp):
    # a Missouri report: Monroe and Marion counties exist in a dozen states
    assert_gold_places(nlp, "tr-news", "tr-news-1200001", ["Monroe County", "Marion County"])


def test_county_in_capitals_and_press_abbreviation(nlp):
    assert_gold_places(nlp, "tr-news", "tr-news-1140001", ["Plymouth County", "PLYMOUTH CO."])


def test_syrian_village_from_acled(nlp):
    # no packaged gazetteer has Kansafra; "in Idleb countryside" places it in Idlib
    found = assert_gold_places(nlp, "acled-me-2020", "acled-SYR78037", ["Kansafra"])
    village = next(p for p in found if p.mention == "Kansafra")
    assert village.name.startswith("Kansafra, ") and village.geonameid is None and village.country == "SYR"


def test_village_named_like_a_distant_town_stays_in_its_province(nlp):
    # "Basira in Deir-ez-Zor": the Syrian town of a similar name lies 450 km away
    assert_gold_places(nlp, "acled-me-2020", "acled-SYR77972", ["Basira"])


def test_unknown_village_with_bracketed_district_and_governorate(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52006", ["Dhirwah"])


def test_village_north_of_a_city(nlp):
    assert_gold_places(nlp, "fakes-dev", "fakes-1926479237", ["Tal Samin"])


def test_possessive_that_lost_its_apostrophe(nlp):
    assert_gold_places(nlp, "fakes-dev", "fakes-1926479259", ["Russias"])


def test_airport_from_packaged_data(nlp):
    assert_gold_places(nlp, "tr-news", "tr-news-1010002",
                       ["Pearson International Airport", "Montreal-Pierre Elliott Trudeau International Airport"])


def test_place_opening_a_newspaper_name(nlp):
    assert_gold_places(nlp, "tr-news", "tr-news-1010015", ["Winnipeg"])


def test_london_neighbourhoods_sit_together(nlp):
    # Edmonton and Enfield: two London neighbourhoods, not Alberta and Nova Scotia
    assert_gold_places(nlp, "tr-news", "tr-news-1170001", ["Edmonton", "Enfield"])


def test_state_named_before_a_governor(nlp):
    assert_gold_places(nlp, "tr-news", "tr-news-1030003", ["New York"])


def test_state_in_a_list_of_states_is_not_a_namesake_hamlet(nlp):
    assert_gold_places(nlp, "tr-news", "tr-news-1070001", ["Queensland"])


def test_acled_notes_mostly_placed(nlp):
    # about half of ACLED's localities are in no packaged gazetteer: they are placed at the
    # province or town the note names around them
    total = right = 0
    for n, (text, gold) in enumerate(gold_docs("acled-me-2020")):
        if n >= 80:
            break
        found = places(nlp, text)
        for g in gold.get("places", []):
            total += 1
            right += any(p.mention == g["mention"] and correct(p, g) for p in found)
    assert right / total >= 0.6


def test_dateline_in_capitals(nlp):
    found = places(nlp, "BEIRUT — Talks on the ceasefire resumed on Monday.")
    assert [(p.mention, p.country) for p in found] == [("BEIRUT", "LBN")]


def test_country_fused_into_a_compound(nlp):
    found = places(nlp, "The U.S.-led coalition and Iran-backed militias traded fire.")
    assert {(p.mention, p.country) for p in found} >= {("U.S.", "USA"), ("Iran", "IRN")}


def test_directional_part_of_a_state(nlp):
    found = places(nlp, "Wildfires spread across southern California on Tuesday.")
    south = next(p for p in found if p.mention == "southern California")
    assert south.country == "USA" and south.lat < 36.0


def test_hospital_in_a_town_is_placed_at_the_town(nlp):
    found = places(nlp, "He was taken to Al-Razi Hospital in Aleppo for treatment.")
    hospital = [p for p in found if p.mention == "Al-Razi Hospital"]
    assert hospital and hospital[0].kind == "site" and km((hospital[0].lat, hospital[0].lon), (36.2, 37.16)) < 20


def test_person_in_a_city_is_not_a_village(nlp):
    found = places(nlp, "President Erdogan in Ankara said the talks would go on.")
    assert {p.mention for p in found} == {"Ankara"}


def test_airfield_names_as_the_press_writes_them():
    from dragoman.places.store import _airfield_names

    assert "Pearson International Airport" in _airfield_names("Toronto Pearson International Airport", "Mississauga")
    assert "Macdonald-Cartier International Airport" in _airfield_names(
        "Ottawa / Macdonald-Cartier International Airport", "Ottawa")
    assert "Shayrat Airbase" in _airfield_names("Shayrat Air Base", "Shayrat")
    # the city's name alone never becomes a bare "International Airport"
    assert _airfield_names("Damascus International Airport", "Damascus") == {"Damascus International Airport"}


def test_gazetteer_opens_fast_and_lazily():
    import time

    started = time.perf_counter()
    gaz = Gazetteer()          # a fresh instance on the built store file
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, f"gazetteer took {elapsed:.1f} s to open"
    assert gaz.lookup("Metcalfe County").kind == "region"
    assert gaz.directional("USA.CA", "s")[0] < gaz.directional("USA.CA", "n")[0]


def test_place_inside_a_gallery_name(nlp):
    assert_gold_places(nlp, "tr-news", "tr-news-1010011", ["Vancouver Art Gallery"])


def test_press_release_dateline_and_province_abbreviation(nlp):
    found = places(nlp, "LOUISVILLE, KY--(Marketwire) - The firm said a girl born in Churchill, Man. is well.")
    mentions = {p.mention: p for p in found}
    assert mentions["KY"].name == "Kentucky"
    assert mentions["Man."].name == "Manitoba" and mentions["Churchill"].country == "CAN"


def test_villages_listed_before_their_bracketed_district(nlp):
    # two areas joined by "and" before one bracketed (district, governorate): both villages share the container
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM51939", ["Dhi Masal"])


def test_village_in_the_countryside_of_a_town(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-SYR78262", ["Dardara"])


def test_village_with_district_and_governorate_in_brackets(nlp):
    # a list of fronts, each followed by its own bracketed (district, governorate)
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM51986", ["Qaniyah"])


# ---- conflict reports: localities no gazetteer has, placed by what the text says about them

def test_toponym_generic_word_outweighs_a_person_label(nlp):
    # the model reads "Kafr Amma" as a person; "Kafr" (village) opens Arabic toponyms
    assert_gold_places(nlp, "acled-me-2020", "acled-SYR78028", ["Kafr Amma"])


def test_list_of_villages_shares_the_container_after_it(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-SYR78170", ["Abtaa"])
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52077", ["Mori"])  # a namesake abroad in the list


def test_village_and_its_surroundings_in_a_chained_container(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-SYR78257", ["Ankawi"])


def test_village_in_the_western_part_of_a_province(nlp):
    # "Akashat western Anbar province" lies 190 km from the middle of Anbar
    assert_gold_places(nlp, "acled-me-2020", "acled-IRQ24210", ["Akashat"])


def test_bracketed_district_and_governorate_after_a_facility_noun(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52279", ["Al Birayn"])
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52326", ["Bani Siyah"])
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52354", ["At Tadawin"])


def test_the_two_ends_of_a_route_lie_together(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-SYR78112", ["Turnabah"])
    found = assert_gold_places(nlp, "acled-me-2020", "acled-SYR78149", ["Jandairis"])
    # and a locality inside a known place is looked for there under another spelling (Jindayris)
    village = next(p for p in found if p.mention == "Jandairis")
    assert village.geonameid is not None and km((village.lat, village.lon), (36.39, 36.69)) < 5


def test_bracket_gives_the_district_before_the_governorate(nlp):
    # "(At Tuhayat, Al Hudaydah)": the district is nearer than the middle of the governorate
    found = assert_gold_places(nlp, "acled-me-2020", "acled-YEM52233", ["Al Jabaliyah"])
    village = next(p for p in found if p.mention == "Al Jabaliyah")
    assert "At Tuhayat" in village.name


def test_locality_without_container_stands_at_a_place_of_its_sentence(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-SYR78197", ["Kafr Lusin"])
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52154", ["Habil al Kalb"])


def test_namesake_far_from_a_district_found_late(nlp):
    # "Ar Rubat" is an alternate name of Marbat, 200 km from Tuban district
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52240", ["Ar Rubat"])


def test_town_inside_a_longer_name_and_front_lines(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52295", ["Al Mukalla"])
    assert_gold_places(nlp, "acled-me-2020", "acled-YEM52299", ["Al Mijazah frontline"])
    assert_gold_places(nlp, "acled-me-2020", "acled-LBN5005", ["Baalbek"])


def test_lowercase_article_belongs_to_the_name(nlp):
    assert_gold_places(nlp, "acled-me-2020", "acled-SYR78216", ["al Asadiyah"])


def test_organisations_and_border_adjectives_are_no_localities(nlp):
    found = places(nlp, "Pro-Houthi fighters shelled positions of the anti-Houthi National Resistance Forces in "
                        "Haradh area (Haradh, Hajjah) close to the Yemeni-Saudi border.")
    mentions = {p.mention for p in found}
    assert "Haradh" in mentions
    assert not any("Forces" in m or "Yemeni" in m for m in mentions), mentions


def test_acronym_in_brackets_is_no_place(nlp):
    found = places(nlp, "Patients with nonalcoholic fatty liver disease may develop Nonalcoholic "
                        "Steatohepatitis (NASH) in Toronto.")
    assert {p.mention for p in found} == {"Toronto"}


def test_county_does_not_name_its_town(nlp):
    found = places(nlp, "Deputies responded to a crash in Monroe County, Kentucky, on Friday.")
    assert "Monroe" not in {p.mention for p in found}


# --- Lebanese towns, the curated population prior, organisation words (ACLED notes) ---

def test_lebanese_towns_the_packaged_gazetteer_lacks_are_found(nlp):
    """cities500 holds ~50 places of Lebanon: the larger towns, suburbs and camps come from features.yaml,
    and a note that names only such a town is still placed in Lebanon."""
    found = {p.mention: p for p in places(nlp, "On Tuesday, drivers blocked the road between Choueifat and "
                                               "Khaldeh, and a sit-in was held in Bar Elias.")}
    assert {"Choueifat", "Khaldeh", "Bar Elias"} <= set(found)
    assert all(found[m].country == "LBN" for m in ("Choueifat", "Khaldeh", "Bar Elias"))
    assert km((found["Choueifat"].lat, found["Choueifat"].lon), (33.81, 35.51)) < 20


def test_arabic_article_spelling_finds_the_curated_town(nlp):
    """'el Mina' is Tripoli's port town, not a namesake found by its bare 'Mina'."""
    found = {p.mention: p for p in places(nlp, "Youths threw stones at an army patrol in el Mina late on Monday.")}
    assert found["el Mina"].country == "LBN"


def test_a_lebanese_quarter_steers_tripoli_to_lebanon(nlp):
    found = {p.mention: p for p in places(nlp, "Gunmen exchanged fire in the Bab al-Tabbaneh area of Tripoli "
                                               "on Sunday night.")}
    assert found["Tripoli"].country == "LBN"


def test_curated_town_population_is_its_prior():
    """A curated town carries its own population (not a city of a million), validated on load."""
    gaz = Gazetteer.load()
    town = next(p for p in gaz.candidates("Saadnayel") if p.curated)
    assert town.country == "LBN" and 1_000 < town.population < 1_000_000


def test_federation_of_an_organisation_is_no_place(nlp):
    found = places(nlp, "Speakers from the Federation of Bank Employees addressed the crowd on Monday.")
    assert not found

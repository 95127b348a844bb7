"""API fuzzing with schemathesis against the app's own /openapi.json, in process (ASGI transport).

Every operation gets generated requests, valid and invalid, with a valid token and without one;
schemathesis checks that no response is a 5xx, that every status code and body is the one the
OpenAPI document declares (every error is the documented JSON `{"error", "detail"}`), and that
invalid data is refused. The store is a temporary SQLite file holding one analysis written for
these tests; examples per operation are bounded so the module runs in well under a minute.
"""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install schemathesis)")
from hypothesis import HealthCheck, settings  # noqa: E402

from dragoman.model import ActorMention, ActorRef, Analysis, Article, Claim, Event, PlaceMention, PlaceRef  # noqa: E402

EXAMPLES = 25
# Schema-valid requests the API may still refuse with a documented 400/422: checks no schema can
# express (a bbox whose corners are swapped, a date like 0000, text and html both sent).
SEMANTIC = [schemathesis.checks.positive_data_acceptance]


def seeded_analysis() -> Analysis:
    text = ("Turkish troops shelled positions near Kobani on Monday, the ministry said. "
            "Kurdish officials denied that any fighters were in the area.")
    first = text.split(" the ministry said.")[0] + " the ministry said."
    second = text[len(first) + 1:]
    kobani = text.index("Kobani")
    return Analysis(
        doc="fuzz-seed",
        article=Article(doc="fuzz-seed", text=text, published="2025-02-10", outlet="Example Wire"),
        actors=[ActorMention(mention="Turkish", start=0, end=7, name="Turkey", country="TUR", sector="GOV",
                             kind="state", method="alias")],
        places=[PlaceMention(mention="Kobani", start=kobani, end=kobani + 6, name="Kobani", kind="city",
                             country="SYR", lat=36.89, lon=38.35)],
        dates=[],
        events=[Event(type="ASSAULT", source=ActorRef(name="Turkey", country="TUR", sector="MIL"),
                      target=ActorRef(name="Kurdish fighters", sector="REB"), date="2025-02-10",
                      place=PlaceRef(name="Kobani", country="SYR", lat=36.89, lon=38.35),
                      evidence=[first], spans=[(0, len(first))])],
        claims=[Claim(speaker=ActorRef(name="Kurdish officials", sector="GOV"), stance="denied",
                      content="any fighters were in the area", evidence=second, start=len(first) + 1,
                      end=len(text))],
    )


def _app():
    """The app over a fresh temporary store, built at import: schemathesis reads its schema at collection.
    (schemathesis's lazy fixture schema does not work with this pytest.)"""
    import tempfile

    from dragoman.api import create_app

    folder = tempfile.mkdtemp(prefix="dragoman-apifuzz-")
    app = create_app(f"sqlite:///{folder}/fuzz.db")
    app.state.store.save(seeded_analysis())
    return app, folder


APP, STORE_DIR = _app()
TOKEN = APP.state.store.create_token("fuzzer")
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _close_store():
    import shutil

    yield
    APP.state.store.close()
    shutil.rmtree(STORE_DIR, ignore_errors=True)


FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])


@schema.parametrize()
@FUZZ
def test_api_with_a_token_answers_only_what_it_documents(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=SEMANTIC)


@schema.parametrize()
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_api_without_a_token_answers_only_what_it_documents(case):
    response = case.call_and_validate(excluded_checks=SEMANTIC)
    if case.method.upper() == "POST":
        assert response.status_code >= 400, response.text  # refused: nothing is written without a token

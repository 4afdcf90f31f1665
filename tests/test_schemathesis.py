"""Property-based API tests from the OpenAPI schema (schemathesis), every check enabled.

A bounded, derandomized run (about 400 requests, under two minutes) over every operation
except `POST /ingest` (it re-indexes the notes), plus one stateful run that follows the
schema's links (a chat's `session_id` to its history, its `message_id` to feedback).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from chatbot.app import create_app
from chatbot.settings import Settings
from tests.conftest import SAMPLE_NOTES
from tests.test_security import LiveServer

pytestmark = pytest.mark.slow

EXCLUDED_PATHS = ("/ingest",)
MAX_EXAMPLES = 25  # per operation and phase: a few hundred cases in all


# The schema comes from an app that is never started (building it needs no models);
# the requests go over loopback HTTP to a started app on the sample index.
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
for _path in EXCLUDED_PATHS:
    schema = schema.exclude(path=_path)


@pytest.fixture(scope="module")
def live(sample_app_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("schemathesis") / "data"
    shutil.copytree(sample_app_dir, data)
    with LiveServer(Settings(data_dir=data, notes_dir=SAMPLE_NOTES)) as server:
        yield server


def _all_checks() -> list:
    load_all_checks()
    return CHECKS.get_all()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, live: LiveServer) -> None:
    checks = _all_checks()
    if case.path.startswith("/tools/"):
        # A schema cannot say "the bytes are an image": random bytes are schema-valid and
        # rightly refused (415), so "valid data is accepted" does not apply to uploads.
        checks = [c for c in checks if c is not positive_data_acceptance]
    case.call_and_validate(base_url=live.url, checks=checks)


def test_stateful_conversation_links(live: LiveServer) -> None:
    machine = schema.as_state_machine()

    class Checked(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):  # type: ignore[no-untyped-def]
            return {"base_url": live.url}

        def validate_response(self, response, case, additional_checks=None, **kwargs):  # type: ignore[no-untyped-def]
            case.validate_response(
                response,
                checks=_all_checks(),
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    run_state_machine_as_test(
        Checked,
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )

"""Fuzzing: schemathesis drives every operation of the OpenAPI document against the app.

Positive and negative cases from a fixed seed, as an account key sees the API and as a
platform key does, then stateful workflows that follow the document's links (create,
then get, rotate or pin, delete). Every answer must be a documented status with a
documented type, headers and body, invalid input must be refused, and nothing may
answer 5xx. FUZZ_EXAMPLES sets the examples per operation and mode.
"""

import copy
import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.config import Config
from tests.support.api import add_number, add_provider, bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
SEED = 20261128
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance, negative_data_rejection]
SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)


def loaded(document):
    schema = schemathesis.openapi.from_dict(document)
    # The tests send the key themselves (Authorization), so schemathesis does not make or
    # take away the security parameters: a negative case that only dropped the key would
    # otherwise get it back, and read as accepted bad data.
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES,
        with_security_parameters=False)
    return schema


def without_account_header(document):
    """The document as an account key uses it: X-Account-ID left out (it may only repeat
    the key's own account, which a generator cannot know)."""
    document = copy.deepcopy(document)
    for operations in document["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [
                    p for p in operation["parameters"]
                    if p.get("$ref") != "#/components/parameters/X-Account-ID"]
    return document


# Made at collection, by an app that opens no connection until a request needs one.
DOCUMENT = json.loads(create_app(Config()).extensions["openapi"])
as_account = loaded(without_account_header(DOCUMENT))
as_platform = loaded(DOCUMENT)


@pytest.fixture
def fuzz_key(client, make_key):
    """A key of account `fuzz`, which has a credential and a number to find."""
    key = make_key("fuzz")
    credential = add_provider(client, bearer(key))
    add_number(client, bearer(key), credential["id"])
    return key


@as_account.parametrize()
@seed(SEED)
@SETTINGS
def test_every_operation_as_an_account_key(case, app, fuzz_key):
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {fuzz_key}"},
                           checks=CHECKS)


@as_platform.parametrize()
@seed(SEED)
@SETTINGS
def test_every_operation_as_a_platform_key(case, app, platform_key):
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {platform_key}"},
                           checks=CHECKS)


def test_workflows_that_follow_the_links(app, fuzz_key):
    class Workflow(as_account.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"app": app, "headers": {"Authorization": f"Bearer {fuzz_key}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Workflow.run(settings=settings(SETTINGS, max_examples=EXAMPLES, derandomize=True,
                                   stateful_step_count=6))

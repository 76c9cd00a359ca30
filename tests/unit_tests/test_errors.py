"""Error mapping: each HTTP status becomes its typed error, carrying what the provider said."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from langchain_onerouter_audio._error_factories import status_error
from langchain_onerouter_audio.errors import (
    OneRouterAPIError,
    OneRouterAuthenticationError,
    OneRouterBadRequestError,
    OneRouterConflictError,
    OneRouterConnectionError,
    OneRouterError,
    OneRouterInputError,
    OneRouterNotFoundError,
    OneRouterPayloadTooLargeError,
    OneRouterPermissionError,
    OneRouterRateLimitError,
    OneRouterResponseError,
    OneRouterServerError,
    OneRouterTimeoutError,
)

PROVIDER_ERROR = {
    "error": {
        "message": "Invalid value for 'voice'.",
        "type": "invalid_request_error",
        "param": "voice",
        "code": "invalid_value",
    }
}

BY_STATUS: list[tuple[int, type[OneRouterAPIError], str]] = [
    (400, OneRouterBadRequestError, "Fix the request parameters"),
    (401, OneRouterAuthenticationError, "Check ONEROUTER_API_KEY"),
    (403, OneRouterPermissionError, "has access to this model"),
    (404, OneRouterNotFoundError, "Check `base_url` and the model name"),
    (408, OneRouterServerError, "try again later"),
    (409, OneRouterConflictError, "Try again shortly"),
    (413, OneRouterPayloadTooLargeError, "25 MB"),
    (422, OneRouterBadRequestError, "Fix the request parameters"),
    (429, OneRouterRateLimitError, "check your quota"),
    (500, OneRouterServerError, "try again later"),
    (502, OneRouterServerError, "try again later"),
    (503, OneRouterServerError, "try again later"),
    (504, OneRouterServerError, "try again later"),
    (599, OneRouterServerError, "try again later"),
    (402, OneRouterAPIError, "See the provider message"),
    (418, OneRouterAPIError, "See the provider message"),
]


def _response(status: int, headers: dict[str, str] | None = None, **body: Any) -> httpx.Response:
    request = httpx.Request("POST", "https://audio.test/v1/audio/speech")
    return httpx.Response(status, headers=headers, request=request, **body)


@pytest.mark.parametrize(("status", "cls", "hint"), BY_STATUS)
def test_each_status_maps_to_its_error(
    status: int, cls: type[OneRouterAPIError], hint: str
) -> None:
    response = _response(status, {"x-request-id": "req_42"}, json=PROVIDER_ERROR)
    error = status_error(response, retry_after=None, attempts=1)
    assert type(error) is cls
    assert isinstance(error, OneRouterAPIError)
    assert isinstance(error, OneRouterError)
    assert error.status_code == status
    assert error.message == "Invalid value for 'voice'."
    assert error.request_id == "req_42"
    assert (error.error_type, error.code, error.param) == (
        "invalid_request_error",
        "invalid_value",
        "voice",
    )
    assert str(error) == (
        f"Invalid value for 'voice'. (HTTP {status}, code=invalid_value, param=voice, "
        f"request_id=req_42). {cls.hint}"
    )
    assert hint in str(error)


def test_retry_after_and_attempts_are_kept() -> None:
    response = _response(429, json=PROVIDER_ERROR)
    error = status_error(response, retry_after=2.5, attempts=3)
    assert (error.retry_after, error.attempts) == (2.5, 3)


def test_missing_details_are_left_out_of_the_message() -> None:
    response = _response(500, json={"error": {"message": "upstream exploded"}})
    error = status_error(response, retry_after=None, attempts=1)
    assert (
        str(error) == "upstream exploded (HTTP 500). The provider had a problem; try again later."
    )
    assert (error.request_id, error.error_type, error.code, error.param) == (None, None, None, None)
    assert error.retry_after is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"content": b"Bad Gateway from upstream proxy\n"}, "Bad Gateway from upstream proxy"),
        ({"json": {"detail": "Not authenticated"}}, '{"detail":"Not authenticated"}'),
        ({"json": {"error": "quota exhausted"}}, '{"error":"quota exhausted"}'),
        ({"json": {"error": {"message": ""}}}, '{"error":{"message":""}}'),
        ({"json": ["unexpected"]}, '["unexpected"]'),
    ],
)
def test_message_falls_back_to_the_raw_body(body: dict[str, Any], expected: str) -> None:
    error = status_error(_response(502, **body), retry_after=None, attempts=1)
    assert error.message == expected
    assert error.code is None


def test_message_falls_back_to_the_reason_phrase() -> None:
    error = status_error(_response(503, content=b"  "), retry_after=None, attempts=1)
    assert error.message == "Service Unavailable"


def test_raw_body_is_cut_to_500_characters() -> None:
    error = status_error(_response(500, content=b"x" * 5000), retry_after=None, attempts=1)
    assert error.message == "x" * 500


def test_request_id_header_is_case_insensitive() -> None:
    response = _response(404, {"X-Request-ID": "req_CAPS"}, json=PROVIDER_ERROR)
    assert status_error(response, retry_after=None, attempts=1).request_id == "req_CAPS"


def test_api_error_can_be_built_directly() -> None:
    error = OneRouterRateLimitError(429, "Too many requests", retry_after=1.0, attempts=2)
    assert str(error) == (
        "Too many requests (HTTP 429). Slow down, raise `max_retries`, or check your quota."
    )
    assert error.retry_after == 1.0


def test_hierarchy() -> None:
    assert issubclass(OneRouterInputError, OneRouterError)
    assert issubclass(OneRouterInputError, ValueError)
    assert issubclass(OneRouterTimeoutError, OneRouterConnectionError)
    assert issubclass(OneRouterConnectionError, OneRouterError)
    assert issubclass(OneRouterResponseError, OneRouterError)
    for _, cls, _ in BY_STATUS:
        assert issubclass(cls, OneRouterAPIError)
    assert not issubclass(OneRouterAPIError, OneRouterConnectionError)


def test_connection_errors_have_a_default_message_and_attempts() -> None:
    error = OneRouterConnectionError()
    assert "Could not reach the OneRouter audio API" in str(error)
    assert error.attempts == 1
    timeout = OneRouterTimeoutError("slow", attempts=3)
    assert (str(timeout), timeout.attempts) == ("slow", 3)


def test_response_error_carries_request_id() -> None:
    error = OneRouterResponseError("bad body", request_id="req_1")
    assert (str(error), error.request_id) == ("bad body", "req_1")

"""Typed errors from what the server sent: a status, a body of the wrong kind, an echoed key.

The exception classes are public (``errors``); building them from a response is the
engine's business, so it lives here, beside the masking of the key in server text.
"""

from __future__ import annotations

from typing import Any

import httpx

from langchain_onerouter_audio.errors import (
    OneRouterAPIError,
    OneRouterAuthenticationError,
    OneRouterBadRequestError,
    OneRouterConflictError,
    OneRouterNotFoundError,
    OneRouterPayloadTooLargeError,
    OneRouterPermissionError,
    OneRouterRateLimitError,
    OneRouterResponseError,
    OneRouterServerError,
)

__all__ = [
    "redact",
    "response_error",
    "status_error",
    "unexpected_type_error",
    "wrong_body_error",
]


_BY_STATUS: dict[int, type[OneRouterAPIError]] = {
    400: OneRouterBadRequestError,
    401: OneRouterAuthenticationError,
    403: OneRouterPermissionError,
    404: OneRouterNotFoundError,
    408: OneRouterServerError,
    409: OneRouterConflictError,
    413: OneRouterPayloadTooLargeError,
    422: OneRouterBadRequestError,
    429: OneRouterRateLimitError,
}


def _provider_error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def redact(text: str, secret: str | None) -> str:
    """Mask ``secret`` in text a server sent back (some echo the key they refused).

    Any key is masked, however short: a short real key is still a key.
    """
    return text.replace(secret, "[redacted]") if secret else text


def _scrubbed(value: Any, secret: str | None) -> Any:
    """A value taken from a response, with ``secret`` masked wherever it shows."""
    if value is None or not secret:
        return value
    if isinstance(value, str):
        return redact(value, secret)
    text = str(value)
    return redact(text, secret) if secret in text else value


def status_error(
    response: httpx.Response,
    *,
    retry_after: float | None,
    attempts: int,
    secret: str | None = None,
) -> OneRouterAPIError:
    """Build the typed error for an error response (its body must already be read)."""
    status = response.status_code
    error = _provider_error(response)
    message = error.get("message") or response.text.strip()[:500] or response.reason_phrase
    cls = _BY_STATUS.get(status) or (OneRouterServerError if status >= 500 else OneRouterAPIError)
    # Every string taken from the response is masked: servers echo the key in any of them.
    return cls(
        status,
        redact(str(message), secret),
        request_id=_scrubbed(response.headers.get("x-request-id"), secret),
        error_type=_scrubbed(error.get("type"), secret),
        code=_scrubbed(error.get("code"), secret),
        param=_scrubbed(error.get("param"), secret),
        retry_after=retry_after,
        attempts=attempts,
    )


def unexpected_type_error(
    response: httpx.Response, *, expected: str, secret: str | None = None
) -> OneRouterResponseError:
    """Build the error for a 2xx body of the wrong kind (its body must already be read).

    A captive portal's page or an error body sent with status 200 would otherwise be saved
    as audio; the provider's message is kept when the body is an OpenAI error.
    """
    return wrong_body_error(
        repr(response.headers.get("content-type", "")),
        expected=expected,
        said=_provider_error(response).get("message"),
        request_id=response.headers.get("x-request-id"),
        secret=secret,
    )


def wrong_body_error(
    answered: str,
    *,
    expected: str,
    said: object = None,
    request_id: str | None = None,
    secret: str | None = None,
) -> OneRouterResponseError:
    """The error for a 2xx answer that is not what was asked for, quoting what it ``said``."""
    quoted = f" It said: {said}" if said else ""
    return response_error(
        f"The server answered {answered} instead of {expected}.{quoted} Check that "
        "`base_url` points at an OpenAI-compatible audio API and nothing (a proxy or a "
        "sign-in page) answers in its place.",
        request_id=request_id,
        secret=secret,
    )


def response_error(
    message: str, *, request_id: str | None = None, secret: str | None = None
) -> OneRouterResponseError:
    """A response error whose text and request id are masked: both may quote the server."""
    return OneRouterResponseError(redact(message, secret), request_id=_scrubbed(request_id, secret))

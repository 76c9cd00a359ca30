"""Typed errors: one hierarchy under :class:`OneRouterError`.

Every error says what went wrong and what to do. Errors from the API carry the HTTP
status, the provider's message and the request id, so a failed call can be traced. The
functions that build them from responses live in ``_error_factories``.
"""

from __future__ import annotations

__all__ = [
    "OneRouterAPIError",
    "OneRouterAuthenticationError",
    "OneRouterBadRequestError",
    "OneRouterConflictError",
    "OneRouterConnectionError",
    "OneRouterError",
    "OneRouterInputError",
    "OneRouterNotFoundError",
    "OneRouterPayloadTooLargeError",
    "OneRouterPermissionError",
    "OneRouterRateLimitError",
    "OneRouterResponseError",
    "OneRouterServerError",
    "OneRouterTimeoutError",
]


class OneRouterError(Exception):
    """Base class of every error this package raises."""


class OneRouterInputError(OneRouterError, ValueError):
    """Bad input found before any request was sent (text, file, path or option).

    The message is written to be read by a person or a model and acted on.
    """


class OneRouterConnectionError(OneRouterError):
    """The server could not be reached, or the connection broke mid-response."""

    def __init__(self, message: str = "", *, attempts: int = 1) -> None:
        self.attempts = attempts
        super().__init__(
            message
            or "Could not reach the OneRouter audio API. Check the network and `base_url`, "
            "then try again."
        )


class OneRouterTimeoutError(OneRouterConnectionError):
    """The request took longer than the configured timeout."""


class OneRouterResponseError(OneRouterError):
    """The server answered 2xx but the body could not be read as the expected shape."""

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        self.request_id = request_id
        super().__init__(message)


class OneRouterAPIError(OneRouterError):
    """The API answered with an error status."""

    hint = "See the provider message for details."

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        request_id: str | None = None,
        error_type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        retry_after: float | None = None,
        attempts: int = 1,
    ) -> None:
        self.status_code = status_code
        self.message = message
        self.request_id = request_id
        self.error_type = error_type
        self.code = code
        self.param = param
        self.retry_after = retry_after
        self.attempts = attempts
        super().__init__(self._describe())

    def _describe(self) -> str:
        details = [f"HTTP {self.status_code}"]
        if self.code:
            details.append(f"code={self.code}")
        if self.param:
            details.append(f"param={self.param}")
        if self.request_id:
            details.append(f"request_id={self.request_id}")
        return f"{self.message} ({', '.join(details)}). {self.hint}"


class OneRouterBadRequestError(OneRouterAPIError):
    """400 or 422: the API refused the request's content."""

    hint = "Fix the request parameters named above and try again."


class OneRouterAuthenticationError(OneRouterAPIError):
    """401: the API key is missing, wrong or revoked."""

    hint = "Check ONEROUTER_API_KEY (or the `api_key` argument)."


class OneRouterPermissionError(OneRouterAPIError):
    """403: the key is valid but may not use this model or endpoint."""

    hint = "Check that your key has access to this model."


class OneRouterNotFoundError(OneRouterAPIError):
    """404: wrong `base_url`, endpoint or model name."""

    hint = "Check `base_url` and the model name."


class OneRouterConflictError(OneRouterAPIError):
    """409: the request conflicted with another; retried automatically."""

    hint = "Try again shortly."


class OneRouterPayloadTooLargeError(OneRouterAPIError):
    """413: the upload is larger than the API accepts."""

    hint = "Send a smaller file (the API accepts 25 MB), or split the audio."


class OneRouterRateLimitError(OneRouterAPIError):
    """429: too many requests or quota exhausted; retried automatically."""

    hint = "Slow down, raise `max_retries`, or check your quota."


class OneRouterServerError(OneRouterAPIError):
    """5xx (or 408): the provider failed; retried automatically."""

    hint = "The provider had a problem; try again later."

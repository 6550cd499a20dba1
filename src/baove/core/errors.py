"""Domain errors raised by actions and access helpers.

Each carries a translatable message a social worker can understand and, where it concerns
one input, the name of the field. Views and the API turn them into 4xx responses.
"""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A request that the rules refuse; nothing was changed."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(DomainError):
    """One or more inputs are invalid; ``errors`` maps field names to messages."""

    code = "validation_error"

    def __init__(self, errors: dict[str, list[str | Promise]]) -> None:
        first_field = next(iter(errors))
        super().__init__(errors[first_field][0], field=first_field)
        self.errors = errors


class ActionNotAllowed(DomainError):
    """The user's role or scope does not allow this action."""

    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    """The object does not exist or is outside the user's scope (same answer for both)."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """Someone else changed the record since it was read."""

    status_code = 409
    code = "conflict"


class IllegalTransition(DomainError):
    """The case cannot move to that stage from where it is."""

    status_code = 409
    code = "illegal_transition"


class ConsentMissing(DomainError):
    """The action needs a consent that has not been recorded (or was withdrawn)."""

    status_code = 409
    code = "consent_missing"

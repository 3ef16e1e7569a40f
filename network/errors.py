from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; the message is fit to show to the user.

    `field` names the form field at fault, when there is one, so a view can put
    the message next to it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

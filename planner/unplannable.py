"""What the planner raises for an operation it does not cover."""

from __future__ import annotations


class Unplannable(Exception):
    """The planner does not cover this operation; the reference executor answers it.

    `reason` is one of planner/reasons.py's codes (what clients and metrics see);
    `detail` names the type, field or value (for spans and logs only).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reason={self.reason!r}, detail={self.detail!r})"

    def again(self) -> Unplannable:
        """A fresh, never raised copy: what a memo keeps and what is raised from it.
        An instance raised again prepends each raise's frames to its traceback, so a
        remembered one would keep every request it passed through alive."""
        return Unplannable(self.reason, self.detail)

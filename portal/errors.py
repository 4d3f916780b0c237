"""One exception type that carries a sentence a user can act on.

Commands and pages catch ``UserError`` and show ``str(error)`` as it is; anything else
is a bug and is allowed to surface as one.
"""


class UserError(Exception):
    """A problem with what the user asked for, explained in plain Chinese."""


class ScopeError(UserError):
    """The user asked for something outside their county or institution."""

    def __init__(self, message: str = "无权操作：该记录不在您的管辖范围内。") -> None:
        super().__init__(message)


class Problems(UserError):
    """Several things wrong with one form, all named at once so one correction round suffices."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            text = self.problems[0]
        else:
            lines = "\n\n".join(f"{n}）{p}" for n, p in enumerate(self.problems, 1))
            text = f"有{len(self.problems)}处需要改正：\n\n{lines}"
        super().__init__(text)

"""The few exceptions a user of ncpm sees.

Every error raised on bad input names where the problem is (file, row, column) so that an analyst can open
the file and fix it. The command line turns any :class:`NcpmError` into one message and a non-zero exit code,
never a traceback.
"""

from __future__ import annotations


class NcpmError(Exception):
    """Base class of every error ncpm raises on purpose."""


class InputError(NcpmError):
    """Bad input data: names the file, the row (1-based line in the file, header = line 1) and the column.

    >>> str(InputError("negative count -3", file="a.csv", row=7, column="count"))
    'a.csv, row 7, column count: negative count -3'
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class Withheld(NcpmError):
    """A statement not made because it would publish a sub-force count that disclosure control suppresses."""


class ConfigError(NcpmError):
    """An invalid option or configuration key; the message names the key."""


class UnknownForceError(InputError):
    """A force name that matches no territorial force (or British Transport Police) in the registry."""

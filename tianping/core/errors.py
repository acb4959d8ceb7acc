"""Errors raised by tianping.core. Messages are Chinese and name the place.

Every error a user can cause (a bad file, a bad cell, a bad sentence) is a
``TianpingError``; the CLI and the web show ``str(err)`` as it is. Several
problems found in one pass are collected in ``InputErrors`` so an import can
report them all and commit nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Location:
    """Where a problem is. Every field is optional; ``str`` gives the Chinese form."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    line: int | None = None
    sentence: str = ""

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"文件“{self.file}”")
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"{self.column}列")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.sentence:
            s = self.sentence if len(self.sentence) <= 40 else self.sentence[:40] + "…"
            parts.append(f"句子“{s}”")
        return "，".join(parts)


class TianpingError(Exception):
    """A problem with the user's input, explained in Chinese."""

    def __init__(self, message: str, where: Location | None = None):
        self.message = message
        self.where = where
        super().__init__(f"{where}：{message}" if where and str(where) else message)


class WorkflowError(TianpingError):
    """A step that the record's state or the user's role does not allow: a submission, a
    warning, a report. The message, in Chinese, is shown to the user as it stands."""


class DocumentError(TianpingError):
    """A plan document that cannot be read (encoding, broken file, no text)."""


class InputErrors(TianpingError):
    """Several input problems found in one pass; nothing was imported."""

    def __init__(self, errors: list[TianpingError]):
        self.errors = errors
        head = f"发现{len(errors)}处错误，未导入任何数据："
        lines = [f"  {i}. {e}" for i, e in enumerate(errors[:50], 1)]
        if len(errors) > 50:
            lines.append(f"  ……另有{len(errors) - 50}处错误")
        super().__init__("\n".join([head, *lines]))

"""What the `tianping` commands share: errors shown as the office reads them, reading a
plan file, writing output, terminal tables with Chinese text, and starting Django."""

from __future__ import annotations

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import os
import unicodedata
from pathlib import Path

import click

from tianping.core.errors import TianpingError


class InputError(click.ClickException):
    """A problem with the user's input, shown as "错误：…" on stderr with exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


class InternalError(InputError):
    """A bug met while working: still no traceback for the office, but exit code 1."""

    exit_code = 1


def parse_plan_file(path: Path) -> list:
    """The plans of a document (core.readers.parse_document), each indicator linked to its
    catalogue entry (or None); errors as InputError."""
    # the parser's and the catalogue's imports are heavy: only when a command reads a plan
    from tianping.core.catalogue import link_plan
    from tianping.core.readers import parse_document

    try:
        plans = parse_document(path)
        for one in plans:
            link_plan(one)
        return plans
    except TianpingError as err:
        raise InputError(str(err)) from None
    except Exception as exc:  # noqa: BLE001 - the office gets a message, not a traceback
        raise InternalError(f"文件“{path.name}”：解析时出现程序错误（{type(exc).__name__}：{exc}），"
                            "请把该文件反馈给系统维护人员") from exc


def write_output(content: str | bytes, output: Path | None) -> None:
    """To ``output``, or stdout when None."""
    if output is None:
        click.echo(content, nl=False)
        return
    try:
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"无法写入输出文件“{output}”（{exc.strerror}）") from None


def display_width(text: str) -> int:
    """Columns in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space


def setup_django() -> None:
    """Start Django for a command that reads or writes the web database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django  # only the commands that need the web project pay for it

    django.setup()

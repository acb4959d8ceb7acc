"""The `tianping` command. Each sub-command is a thin shell over tianping.core."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tianping")
def main():
    """天平：妇女儿童发展规划监测评估系统。"""


@main.group()
def plan():
    """规划文本：解析、导出。"""


if __name__ == "__main__":
    main()

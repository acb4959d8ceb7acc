"""The `tianping` command. Each sub-command lives in tianping/commands/ as a thin
shell over tianping.core (or the web project) and is registered here."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tianping")
def main():
    """天平：妇女儿童发展规划监测评估系统。"""


# Registered sub-commands (one line each, one module each).
from tianping.commands.plan import plan as _plan; main.add_command(_plan)  # noqa: E702,E402
from tianping.commands import web as _web; [main.add_command(c) for c in (_web.demo, _web.serve, _web.manage)]  # noqa: E702,E402
from tianping.commands.demo_data import demo_data as _demo_data; main.add_command(_demo_data)  # noqa: E702,E402
from tianping.commands.report import report as _report; main.add_command(_report)  # noqa: E702,E402
from tianping.commands.assess import assess_command as _assess; main.add_command(_assess)  # noqa: E702,E402
from tianping.commands.worker import worker as _worker; main.add_command(_worker)  # noqa: E702,E402
from tianping.commands.scorecard import scorecard as _scorecard; main.add_command(_scorecard)  # noqa: E702,E402
from tianping.commands.catalogue import catalogue as _catalogue; main.add_command(_catalogue)  # noqa: E702,E402
from tianping.commands import ops as _ops; [main.add_command(c) for c in (_ops.check, _ops.backup, _ops.restore)]  # noqa: E702,E402


if __name__ == "__main__":
    main()

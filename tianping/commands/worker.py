"""`tianping worker`: the background worker (huey consumer) that generates reports.

Run it next to `tianping serve` (or `tianping demo`) with the same environment
(DATABASE_URL, TIANPING_VAR, REDIS_URL): the web pages queue jobs, the worker runs them
and writes their progress to the database, which the pages poll."""

from __future__ import annotations

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import atexit
import os
import subprocess
import sys
import threading

import click


@click.command("worker")
@click.option("-w", "--workers", type=int, default=1, show_default=True, help="并行工作线程数")
@click.option("--verbose", is_flag=True, help="输出每个任务的日志")
def worker(workers, verbose):
    """启动后台任务进程（报告生成）。"""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    click.echo(f"» 天平后台任务进程已启动（{workers}个线程，Ctrl+C 停止）")

    from tianping.web.publishing.tasks import requeue_stale_jobs, watchdog
    if (n := requeue_stale_jobs()):
        click.echo(f"» {n}个因后台进程中断而未完成的报告生成任务已重新排队")
    threading.Thread(target=watchdog, name="tianping-watchdog", daemon=True).start()
    options = {"workers": workers, "worker_type": "thread"}
    if verbose:
        options["verbose"] = True
    call_command("run_huey", **options)


def spawn(extra_env: dict | None = None) -> subprocess.Popen:
    """Start `tianping worker` as a child process of the caller (e.g. `tianping demo`), with
    the caller's environment; it is stopped when the caller exits."""
    child = subprocess.Popen([sys.executable, "-m", "tianping.cli", "worker"], env={**os.environ, **(extra_env or {})})

    def stop():
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    atexit.register(stop)
    return child

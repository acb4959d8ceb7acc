"""`tianping demo` set-up: every seed in, one user per role, synthetic data flagged,
and a second run changes nothing."""

from click.testing import CliRunner

from tianping.commands.web import demo
from tianping.web.collection.models import ReportingRound, Submission
from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Region, User
from tianping.web.plans.models import Plan


def run_demo():
    result = CliRunner().invoke(demo, ["--no-serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_imports_six_plans_creates_users_and_is_idempotent(transactional_db):
    output = run_demo()
    assert Plan.objects.count() == 6 + 3   # the seeds, and the city demo's city plan and two synthetic districts
    assert set(Plan.objects.values_list("region__code", flat=True)) == {"210203", "220113", "330213", "350111",
                                                                        "210200", "210202", "210204"}
    assert Plan.objects.filter(status=Plan.Status.SUPERSEDED).count() == 1  # 000, revised by 002
    assert Region.objects.get(code="330213").full_name == "浙江省宁波市奉化区"
    for role in User.Role.values:
        user = User.objects.exclude(username="city").get(role=role, is_superuser=False)
        assert user.username in output and user.check_password(f"tp-{user.username}-2030")
    synthetic = Observation.objects.count()
    assert synthetic > 100 and not Observation.objects.filter(synthetic=False).exists()
    reporter = User.objects.get(username="reporter")
    assert Submission.objects.filter(round__region=reporter.region, round__year=2025,
                                     department=reporter.department).exists()  # 我的填报任务 is not empty

    run_demo()
    assert Plan.objects.count() == 9 and Observation.objects.count() == synthetic
    # the open 2025 round, and the closed 2024 round of the synthetic accountability history
    assert sorted(ReportingRound.objects.values_list("year", flat=True)) == [2024, 2025]
    from tianping.web.accountability.models import Correction, Inspection
    assert Inspection.objects.count() == 1 and Correction.objects.count() == 3
    # the demo's 西岗区 plans give meaningful 2024 and 2025 scorecards (tests/web/accountability has the details)
    from tianping.web.accountability.services import scorecards
    for year, scored in ((2024, ("completeness", "timeliness", "statuses", "warnings")),
                         (2025, ("statuses", "self_evaluation", "corrections"))):
        cards = scorecards(reporter.region, year).cards
        assert len(cards) >= 8 and all(c.total is not None for c in cards)
        for key in scored:
            assert any(c.component(key).applies for c in cards), (year, key)
    assert User.objects.count() == len(User.Role.values) + 2   # + admin and the city office user


def test_manage_passes_arguments_to_django(db, capsys):
    from tianping.cli import main

    result = CliRunner().invoke(main, ["manage", "showmigrations", "orgs"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "[X] 0001_initial" in result.output + capsys.readouterr().out


def _children(pid: int) -> list[int]:
    from pathlib import Path

    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in children.read_text().split()] if children.exists() else []


def _cmdline(pid: int) -> list[str]:
    from pathlib import Path

    try:
        return [a for a in Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0") if a]
    except FileNotFoundError:
        return []


def test_demo_serves_with_the_worker_and_ctrl_c_stops_both(tmp_path, seed_file):
    """`tianping demo` as a user runs it: the server answers, `tianping worker` runs as its
    child, and Ctrl+C (SIGINT to the demo process alone) stops the worker too."""
    import os
    import shutil
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(seed_file("003"), seeds)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TIANPING_VAR": str(tmp_path / "var"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "TIANPING_HUEY_IMMEDIATE": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    demo_process = subprocess.Popen(
        [sys.executable, "-m", "tianping.cli", "demo", "--seeds", str(seeds), "--address", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    worker = None
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and demo_process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        assert demo_process.poll() is None, demo_process.stdout.read()
        workers = [c for c in _children(demo_process.pid) if "worker" in _cmdline(c)]
        assert len(workers) == 1, [_cmdline(c) for c in _children(demo_process.pid)]
        worker = workers[0]
        assert _cmdline(worker)[-2:] == ["tianping.cli", "worker"]

        demo_process.send_signal(signal.SIGINT)
        output, _ = demo_process.communicate(timeout=60)
        assert "后台任务进程" in output and "已停止" in output, output
        assert not _cmdline(worker), "the worker outlived the demo"
    finally:
        if demo_process.poll() is None:
            demo_process.kill()
            demo_process.wait()
        if worker and _cmdline(worker):
            os.kill(worker, signal.SIGKILL)

"""`tianping demo` set-up: every seed in, one user per role, synthetic data flagged,
and a second run changes nothing."""

from click.testing import CliRunner

from tianping.commands.web import demo
from tianping.web.observations.models import Observation
from tianping.web.orgs.models import Region, User
from tianping.web.plans.models import Plan


def run_demo():
    result = CliRunner().invoke(demo, ["--no-serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_imports_six_plans_creates_users_and_is_idempotent(transactional_db):
    output = run_demo()
    assert Plan.objects.count() == 6
    assert set(Plan.objects.values_list("region__code", flat=True)) == {"210203", "220113", "330213", "350111"}
    assert Plan.objects.filter(status=Plan.Status.SUPERSEDED).count() == 1  # 000, revised by 002
    assert Region.objects.get(code="330213").full_name == "浙江省宁波市奉化区"
    for role in User.Role.values:
        user = User.objects.get(role=role, is_superuser=False)
        assert user.username in output and user.check_password(f"tp-{user.username}-2030")
    synthetic = Observation.objects.count()
    assert synthetic > 100 and not Observation.objects.filter(synthetic=False).exists()

    run_demo()
    assert Plan.objects.count() == 6 and Observation.objects.count() == synthetic
    assert User.objects.count() == len(User.Role.values) + 1


def test_manage_passes_arguments_to_django(db, capsys):
    from tianping.cli import main

    result = CliRunner().invoke(main, ["manage", "showmigrations", "orgs"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "[X] 0001_initial" in result.output + capsys.readouterr().out

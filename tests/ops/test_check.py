"""`tianping check`: fails (exit 1) on a development configuration, naming each problem in
Chinese; passes on a production one (tianping.web.production, env secret, real host)."""

from __future__ import annotations

import secrets

from .conftest import REPO, run_tianping


def _migrated_sqlite(tmp_path):
    env = {"TIANPING_VAR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run_tianping(["manage", "migrate", "-v0"], env)
    return env


def test_check_refuses_a_development_configuration(tmp_path):
    env = {**_migrated_sqlite(tmp_path), "DEBUG": "1", "SECRET_KEY": "short", "ALLOWED_HOSTS": "*"}
    done = run_tianping(["check"], env, check=False)
    assert done.returncode == 1, done.stdout
    out = done.stdout
    for problem in ("✗ 调试模式已关闭", "✗ 密钥", "✗ 允许的主机名", "✗ HTTPS 安全设置", "✗ Django 部署检查"):
        assert problem in out, (problem, out)
    assert "项不符合生产要求" in done.stderr


def test_check_names_an_unreachable_database(tmp_path):
    env = {"TIANPING_VAR": str(tmp_path / "var"), "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
           "DJANGO_SETTINGS_MODULE": "tianping.web.production", "SECRET_KEY": secrets.token_urlsafe(60),
           "ALLOWED_HOSTS": "tianping.example.gov.cn"}
    done = run_tianping(["check"], env, check=False)
    assert done.returncode == 1
    assert "✗ 数据库可连接且结构最新：无法连接数据库" in done.stdout


def test_check_passes_a_production_configuration(tmp_path):
    env = {**_migrated_sqlite(tmp_path), "DJANGO_SETTINGS_MODULE": "tianping.web.production",
           "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "tianping.example.gov.cn"}
    done = run_tianping(["check"], env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✗" not in done.stdout and "全部检查通过" in done.stdout
    # the production settings really send the HTTPS headers
    probe = run_tianping(["manage", "shell", "-c",
                          "from django.test import Client; r = Client().get('/login/', secure=True, "
                          "HTTP_HOST='tianping.example.gov.cn'); print(r.status_code, r.headers.get("
                          "'Strict-Transport-Security'), r.headers.get('X-Frame-Options'), "
                          "r.headers.get('X-Content-Type-Options')); r = Client().get('/login/', "
                          "HTTP_HOST='tianping.example.gov.cn'); print(r.status_code, r.headers.get('Location'))"], env)
    lines = probe.stdout.strip().splitlines()
    assert lines[-2].split() == ["200", "max-age=31536000;", "includeSubDomains", "DENY", "nosniff"] or \
        lines[-2].startswith("200 max-age=31536000"), lines
    assert lines[-1].startswith("301 https://tianping.example.gov.cn/login/"), lines


def test_check_refuses_demo_accounts_placeholder_key_and_open_folders(tmp_path):
    """Outside review, finding 6: `tianping check` passed with the demo admin/tp-admin-2030 account
    and the unedited SECRET_KEY of deploy/tianping.env.example."""
    example = (REPO / "deploy" / "tianping.env.example").read_text()
    placeholder = next(line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_KEY="))
    backups = tmp_path / "backup"
    backups.mkdir(mode=0o755)
    (backups / "tianping-20261125.tar.gz").write_bytes(b"x")
    (backups / "tianping-20261125.tar.gz").chmod(0o644)
    env = {**_migrated_sqlite(tmp_path), "DJANGO_SETTINGS_MODULE": "tianping.web.production",
           "SECRET_KEY": placeholder, "ALLOWED_HOSTS": "tianping.example.gov.cn", "TIANPING_BACKUP_DIR": str(backups)}
    (tmp_path / "var").chmod(0o755)
    run_tianping(["manage", "shell", "-c", "from tianping.web import demo; demo.seed_regions(); "
                  "demo.seed_departments(demo.Region.objects.get(code=demo.DEMO_REGION)); demo.seed_users()"], env)
    done = run_tianping(["check"], env, check=False)
    assert done.returncode == 1
    out = done.stdout
    assert "✗ 密钥（SECRET_KEY）由环境变量设置且足够强：密钥是示例文件中的占位符" in out, out
    assert "✗ 没有仍使用默认或演示密码的账户" in out and "admin" in out, out
    assert "✗ 数据与备份目录不对其他用户开放" in out and "权限 755" in out and "应为 600" in out, out
    # the same instance put right passes those three
    run_tianping(["manage", "shell", "-c", "from tianping.web.orgs.models import User; "
                  "[u.set_unusable_password() or u.save() for u in User.objects.all()]"], env)
    (tmp_path / "var").chmod(0o750)
    backups.chmod(0o700)
    (backups / "tianping-20261125.tar.gz").chmod(0o600)
    fixed = run_tianping(["check"], {**env, "SECRET_KEY": secrets.token_urlsafe(60)}, check=False)
    assert fixed.returncode == 0, fixed.stdout


def test_check_refuses_weak_keys_and_debug(tmp_path):
    env = {**_migrated_sqlite(tmp_path), "DJANGO_SETTINGS_MODULE": "tianping.web.production",
           "ALLOWED_HOSTS": "tianping.example.gov.cn"}
    for key, why in (("a" * 60, "种字符"), ("abcdefghij" * 3, "至少需要50个"),
                     ("django-insecure-" + secrets.token_urlsafe(50), "占位符")):
        out = run_tianping(["check"], {**env, "SECRET_KEY": key}, check=False).stdout
        assert "✗ 密钥（SECRET_KEY）由环境变量设置且足够强" in out and why in out, (key, out)
    out = run_tianping(["check"], {**env, "SECRET_KEY": secrets.token_urlsafe(60), "DEBUG": "1"}, check=False)
    assert out.returncode == 1 and "✗ 调试模式已关闭" in out.stdout

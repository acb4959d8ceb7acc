"""`tianping check`: fails (exit 1) on a development configuration, naming each problem in
Chinese; passes on a production one (tianping.web.production, env secret, real host)."""

from __future__ import annotations

import secrets

from .conftest import run_tianping


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

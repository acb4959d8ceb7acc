"""Operations: `tianping check` (is this a sound production configuration?),
`tianping backup OUT` and `tianping restore IN` (database and files, one archive).

The archive (.tar.gz) holds
    manifest.json   what was saved: time, Tianping version, database vendor, rows per table, files with SHA-256
    db.json         every row (Django dumpdata, natural keys): restores on SQLite and PostgreSQL alike
    db.pgdump       PostgreSQL only, when pg_dump is installed: pg_dump's custom format, restored with
                    pg_restore (faster and exact for a large database); db.json stays as the portable copy
    var/...         the files under TIANPING_VAR that belong to the data: generated reports, evidence
                    attachments, pending uploads — not the queue, the SQLite file itself, static files
                    or the secret key (secrets are never put in a backup)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import click

from tianping.commands.common import setup_django

FORMAT = "tianping-backup-1"
VAR_SKIP = {"static", "huey.sqlite3", "secret_key", "tianping.sqlite3", "tianping.sqlite3-journal",
            "tianping.sqlite3-wal", "tianping.sqlite3-shm"}
DUMP_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


# ------------------------------------------------------------------ check

def _checks() -> list[tuple[bool, str, str, bool]]:
    """(ok, what, detail, advisory) for every production requirement; an advisory one only warns."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    out: list[tuple[bool, str, str, bool]] = []

    def add(ok, what, detail="", advisory=False):
        out.append((bool(ok), what, detail, advisory))

    add(not settings.DEBUG, "调试模式已关闭（DEBUG）", "DEBUG 必须为 0" if settings.DEBUG else "")
    key = settings.SECRET_KEY or ""
    from_env = bool(os.environ.get("SECRET_KEY"))
    weak = len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure")
    add(from_env and not weak, "密钥（SECRET_KEY）由环境变量设置且足够强",
        "请在环境变量中设置至少50个字符的随机密钥（多台服务器须一致）" if not from_env else
        ("密钥太短或太简单" if weak else ""))
    hosts = list(settings.ALLOWED_HOSTS)
    ok = hosts and "*" not in hosts and not set(hosts) <= {"127.0.0.1", "localhost", "[::1]"}
    add(ok, "允许的主机名（ALLOWED_HOSTS）",
        ",".join(hosts) if ok else f"当前：{','.join(hosts) or '（空）'}；请设为对外服务的域名")
    https = {
        "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
        "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
        "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
        "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
        "SECURE_PROXY_SSL_HEADER": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    }
    missing = [k for k, v in https.items() if not v]
    add(not missing, "HTTPS 安全设置（重定向、Secure Cookie、HSTS、代理头）",
        ("未设置：" + "、".join(missing) + "（请使用 DJANGO_SETTINGS_MODULE=tianping.web.production）") if missing else "")
    buf = io.StringIO()
    try:
        call_command("check", deploy=True, fail_level="WARNING", stdout=buf, stderr=buf)
        add(True, "Django 部署检查（check --deploy）无警告")
    except Exception as exc:  # SystemCheckError lists every issue
        issues = [line.strip() for line in str(exc).splitlines() if line.strip().startswith("?:") or "W0" in line
                  or "E0" in line]
        add(False, "Django 部署检查（check --deploy）无警告", "；".join(issues[:8]) or str(exc)[:400])
    try:
        connection.ensure_connection()
        from django.db.migrations.executor import MigrationExecutor
        pending = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
        add(not pending, "数据库可连接且结构最新", f"{connection.vendor}；待执行迁移{len(pending)}个（运行 tianping manage migrate）"
            if pending else connection.vendor)
        add(connection.vendor == "postgresql", "生产数据库为 PostgreSQL",
            "" if connection.vendor == "postgresql" else "SQLite 只适合单机（一个区县）使用；市、省级部署请设置 DATABASE_URL=postgres://…",
            advisory=True)
    except Exception as exc:
        add(False, "数据库可连接且结构最新", f"无法连接数据库：{type(exc).__name__}: {str(exc).strip()[:200]}")
    huey = getattr(settings, "HUEY", {})
    if huey.get("immediate"):
        add(False, "后台任务进程已配置", "TIANPING_HUEY_IMMEDIATE=1 会在网页进程中生成报告；生产环境请关闭并运行 tianping worker")
    elif "url" in huey:
        try:
            import redis
            redis.Redis.from_url(huey["url"], socket_connect_timeout=3).ping()
            add(True, "后台任务进程已配置（Redis 队列可连接）")
        except Exception as exc:
            add(False, "后台任务进程已配置", f"Redis 队列无法连接：{type(exc).__name__}")
    else:
        queue = Path(huey.get("filename", ""))
        ok = queue.parent.is_dir() and os.access(queue.parent, os.W_OK)
        add(ok, "后台任务进程已配置（SQLite 队列，web 与 worker 须在同一台机器）",
            f"队列文件目录不可写：{queue.parent}" if not ok else str(queue))
    var = Path(settings.VAR_DIR)
    ok = var.is_dir() and os.access(var, os.W_OK)
    add(ok, "数据目录可写（TIANPING_VAR：报告、附件、上传）", str(var))
    if ok:
        free = shutil.disk_usage(var).free
        add(free > 1 << 30, "数据目录剩余空间不少于 1 GB", f"剩余 {free / 2**30:.1f} GB")
    return out


@click.command("check")
def check():
    """检查生产环境配置（调试关闭、密钥、主机名、HTTPS、部署检查、数据库、后台任务）。"""
    setup_django()
    results = _checks()
    for ok, what, detail, advisory in results:
        mark = "✓" if ok else ("!" if advisory else "✗")
        click.echo(f"{mark} {what}" + (f"：{detail}" if detail and not ok else (f"（{detail}）" if detail else "")))
    failed = sum(not ok and not advisory for ok, _w, _d, advisory in results)
    if failed:
        click.echo(f"共 {failed} 项不符合生产要求。", err=True)
        sys.exit(1)
    click.echo("全部检查通过。")


# ------------------------------------------------------------------ backup / restore

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _var_files(var: Path) -> list[Path]:
    files = []
    for path in sorted(var.rglob("*")):
        rel = path.relative_to(var)
        if rel.parts[0] in VAR_SKIP or not path.is_file() or path.is_symlink():
            continue
        files.append(path)
    return files


def row_counts() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed
            and m._meta.app_label not in ("contenttypes", "sessions", "admin") and m._meta.label != "auth.Permission"}


def _pg_args():
    from django.db import connection

    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    args = ["-h", s.get("HOST") or "localhost", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres"]
    return args, s["NAME"], env


def _dump_json(stream) -> None:
    """dumpdata, but datetimes keep their microseconds (DjangoJSONEncoder cuts them to milliseconds)."""
    import datetime as dt

    from django.apps import apps
    from django.core import serializers
    from django.core.serializers.json import DjangoJSONEncoder

    class Exact(DjangoJSONEncoder):
        def default(self, o):
            if isinstance(o, (dt.datetime, dt.time)):
                return o.isoformat()
            return super().default(o)

    skip_apps = {e for e in DUMP_EXCLUDE if "." not in e}
    skip_models = {e.lower() for e in DUMP_EXCLUDE if "." in e}
    app_list = [(a, None) for a in apps.get_app_configs() if a.label not in skip_apps and a.models_module]
    models = [m for m in serializers.sort_dependencies(app_list, allow_cycles=True)
              if m._meta.label_lower not in skip_models and m._meta.managed and not m._meta.proxy]

    def objects():
        for model in models:
            yield from model._base_manager.order_by(model._meta.pk.name).iterator()

    serializers.serialize("json", objects(), stream=stream, cls=Exact, use_natural_foreign_keys=True,
                          use_natural_primary_keys=True)


def backup_to(out: Path, use_pg_dump: bool = True) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    var = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with open(tmp / "db.json", "w", encoding="utf-8") as f:
            _dump_json(f)
        pg = connection.vendor == "postgresql" and use_pg_dump and shutil.which("pg_dump")
        if pg:
            args, name, env = _pg_args()
            subprocess.run(["pg_dump", *args, "-Fc", "--no-owner", "-f", str(tmp / "db.pgdump"), name],
                           check=True, env=env, capture_output=True)
        files = _var_files(var)
        manifest = {
            "format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "vendor": connection.vendor,
            "python": sys.version.split()[0], "rows": row_counts(), "pg_dump": bool(pg),
            "files": {str(p.relative_to(var)): {"size": p.stat().st_size, "sha256": _sha256(p)} for p in files},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = out.with_name(out.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / "manifest.json", "manifest.json")
            tar.add(tmp / "db.json", "db.json")
            if pg:
                tar.add(tmp / "db.pgdump", "db.pgdump")
            for p in files:
                tar.add(p, "var/" + str(p.relative_to(var)))
        os.replace(partial, out)  # a backup cut short by a full disk never looks complete
    return manifest


def _safe_members(tar: tarfile.TarFile):
    for m in tar.getmembers():
        name = Path(m.name)
        if name.is_absolute() or ".." in name.parts or not (m.isfile() or m.isdir()):
            raise click.ClickException(f"备份文件中含非法路径：{m.name}")
        yield m


def restore_from(archive: Path, force: bool = False) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    var = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tmp = Path(tmp)
        tar.extractall(tmp, members=list(_safe_members(tar)))
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise click.ClickException("不是天平的备份文件（manifest 格式不符）")
        for rel, meta in manifest["files"].items():
            if _sha256(tmp / "var" / rel) != meta["sha256"]:
                raise click.ClickException(f"备份文件已损坏：{rel} 校验不符")
        call_command("migrate", verbosity=0)
        if not force and any(n for label, n in row_counts().items() if label != "auth.Group"):
            raise click.ClickException("目标数据库中已有数据；确认要用备份覆盖时请加 --force")
        if manifest.get("pg_dump") and connection.vendor == "postgresql" and shutil.which("pg_restore"):
            args, name, env = _pg_args()
            connection.close()
            done = subprocess.run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                   "-d", name, str(tmp / "db.pgdump")], env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise click.ClickException(f"pg_restore 失败：{done.stderr.strip()[:500]}")
        else:
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(tmp / "db.json"), verbosity=0)
        # files: copied beside, then swapped in, folder by folder
        for top in sorted({Path(rel).parts[0] for rel in manifest["files"]}):
            staged = var / f".restore-{top}"
            shutil.rmtree(staged, ignore_errors=True)
            src = tmp / "var" / top
            if src.is_dir():
                shutil.copytree(src, staged)
            else:
                shutil.copy2(src, staged)
            target = var / top
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            os.replace(staged, target)
        counts = row_counts()
        wrong = {k: (v, counts.get(k)) for k, v in manifest["rows"].items() if counts.get(k) != v}
        if wrong:
            raise click.ClickException(f"恢复后行数不符：{wrong}")
    return manifest


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--no-pg-dump", is_flag=True, help="PostgreSQL 也只用可移植的 JSON 备份")
def backup(out, no_pg_dump):
    """备份数据库和数据文件（报告、附件）到一个 .tar.gz 文件。"""
    setup_django()
    start = time.monotonic()
    try:
        manifest = backup_to(Path(out), use_pg_dump=not no_pg_dump)
    except OSError as exc:
        raise click.ClickException(f"备份写入失败（{exc.strerror or exc}）：{out}。请检查磁盘空间和权限；"
                                   "未生成不完整的备份文件。") from None
    rows = sum(manifest["rows"].values())
    click.echo(f"» 已备份：{rows}行数据，{len(manifest['files'])}个文件（{manifest['vendor']}"
               f"{'，含 pg_dump' if manifest['pg_dump'] else ''}），{Path(out).stat().st_size / 2**20:.1f} MB，"
               f"用时{time.monotonic() - start:.1f}秒 → {out}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="目标数据库已有数据时仍然覆盖")
def restore(archive, force):
    """从备份文件恢复数据库和数据文件。"""
    setup_django()
    start = time.monotonic()
    manifest = restore_from(Path(archive), force=force)
    click.echo(f"» 已恢复：{sum(manifest['rows'].values())}行数据，{len(manifest['files'])}个文件"
               f"（备份于{manifest['created']}），用时{time.monotonic() - start:.1f}秒")

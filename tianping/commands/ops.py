"""Operations: `tianping check` (is this a sound production configuration?),
`tianping backup OUT` and `tianping restore IN` (database and files, one archive).

The archive (.tar.gz, mode 0600, optionally AES-256-GCM encrypted with --encrypt) holds, all read
from one database snapshot (see the backup section below for how, and how restore switches over):
    manifest.json   what was saved: time, Tianping version, database vendor, rows per table, files with SHA-256
    db.json         every row (Django dumpdata, natural keys), the admin log included: restores on SQLite
                    and PostgreSQL alike
    db.pgdump       PostgreSQL only, when pg_dump is installed: pg_dump's custom format, restored with
                    pg_restore (faster and exact for a large database); db.json stays as the portable copy
    var/...         the files under TIANPING_VAR that belong to the data: generated reports, evidence
                    attachments, pending uploads — not the queue, the SQLite file itself, static files
                    or the secret key (secrets are never put in a backup)
"""

from __future__ import annotations

import datetime as dt

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import hashlib
import io
import json
import os
import shutil
import sqlite3
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
DUMP_EXCLUDE = ["contenttypes", "auth.permission", "sessions"]  # the admin log is kept


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
    problem = _secret_key_problem(key)
    add(from_env and not problem, "密钥（SECRET_KEY）由环境变量设置且足够强",
        "请在环境变量中设置至少50个字符的随机密钥（多台服务器须一致）" if not from_env else problem)
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
    add(getattr(settings, "TIANPING_REQUIRE_OTP", False), "办公室、统计局和管理员账户需要动态口令（TIANPING_REQUIRE_OTP）",
        "" if getattr(settings, "TIANPING_REQUIRE_OTP", False) else "请设置 TIANPING_REQUIRE_OTP=1（tianping.web.production 默认开启）")
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
    opened = _world_readable(var, getattr(settings, "TIANPING_BACKUP_DIR", ""))
    add(not opened, "数据与备份目录不对其他用户开放（报告、附件、上传、备份）",
        "；".join(opened[:6]) + "（目录请 chmod o-rwx，备份文件请 chmod 600）" if opened else "")
    try:
        demo = _demo_accounts()
        add(not demo, "没有仍使用默认或演示密码的账户",
            "、".join(demo) + " 仍使用演示密码，请停用或修改密码（tianping manage changepassword 用户名）" if demo else "")
    except Exception as exc:  # no database: reported above
        add(False, "没有仍使用默认或演示密码的账户", f"无法检查：{type(exc).__name__}")
    return out


PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "replace", "example", "secret", "insecure", "python3",
                     "token_urlsafe", "password", "xxxx")


def _secret_key_problem(key: str) -> str:
    """'' for a key that looks random; otherwise why not (placeholder from the example env file, short, repetitive)."""
    example = Path(__file__).resolve().parents[2] / "deploy" / "tianping.env.example"
    placeholder = example.is_file() and any(line.strip() == f"SECRET_KEY={key}" for line in example.read_text().splitlines())
    lower = key.lower()
    if placeholder or any(word in lower for word in PLACEHOLDER_WORDS) or " " in key:
        return "密钥是示例文件中的占位符或含示例字样，请换成随机生成的密钥"
    if len(key) < 50:
        return f"密钥只有{len(key)}个字符，至少需要50个"
    if len(set(key)) < 20:
        return f"密钥只用了{len(set(key))}种字符，过于简单，请换成随机生成的密钥"
    return ""


def _world_readable(var: Path, backup_dir: str) -> list[str]:
    """Folders other local users can enter, and backups they can read. The data folder holds the
    reports, evidence attachments and uploads: closed to others, nothing inside is reachable."""
    found = []
    for folder in [var, *([Path(backup_dir)] if backup_dir else [])]:
        if folder.is_dir() and folder.stat().st_mode & 0o007:
            found.append(f"{folder}（权限 {oct(folder.stat().st_mode & 0o777)[2:]}）")
    if backup_dir and Path(backup_dir).is_dir():
        for f in sorted(Path(backup_dir).glob("*.tar.gz*"))[:1000]:
            if f.stat().st_mode & 0o077:
                found.append(f"{f}（权限 {oct(f.stat().st_mode & 0o777)[2:]}，应为 600）")
    return found


def _demo_accounts() -> list[str]:
    """Active accounts still holding the password `tianping demo` gave them (e.g. admin / tp-admin-2030)."""
    from django.contrib.auth import get_user_model

    from tianping.web.demo import DEMO_USERS, demo_password

    names = {"admin", *(u[0] for u in DEMO_USERS)}
    return sorted(u.username for u in get_user_model().objects.filter(username__in=names, is_active=True)
                  if u.check_password(demo_password(u.username)))


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
#
# Consistency: every table is read from ONE snapshot — SQLite's online backup API copies the
# database into a private file first (writers go on meanwhile), PostgreSQL exports the snapshot of a
# REPEATABLE READ transaction that both pg_dump (--snapshot) and the JSON dump read from. The row
# counts in the manifest come from the same snapshot, so a restore can check them exactly.
# Restore never writes into the live database: it builds a fresh database (a new SQLite file, a new
# PostgreSQL database) and a staged file tree, verifies both against the manifest, and only then
# switches; a restore that fails anywhere before the switch changes nothing.

SNAPSHOT_ALIAS = "tianping_snapshot"
RESTORE_ALIAS = "tianping_restore"
ENC_MAGIC = b"TPBACKUP-AESGCM1\n"
ENC_CHUNK = 1 << 20


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
        if rel.parts[0] in VAR_SKIP or rel.parts[0].startswith(".restore") or not path.is_file() or path.is_symlink():
            continue
        files.append(path)
    return files


def _counted_models():
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy
            and m._meta.app_label not in ("contenttypes", "sessions") and m._meta.label != "auth.Permission"]


def row_counts(using: str = "default") -> dict[str, int]:
    return {m._meta.label: m._base_manager.using(using).count() for m in _counted_models()}


def _pg_args(settings_dict=None):
    from django.db import connection

    s = settings_dict or connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    args = ["-h", s.get("HOST") or "localhost", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres"]
    return args, s["NAME"], env


def _dump_json(stream, using: str = "default") -> None:
    """dumpdata, but datetimes keep their microseconds (DjangoJSONEncoder cuts them to milliseconds)."""

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
            yield from model._base_manager.using(using).order_by(model._meta.pk.name).iterator()

    serializers.serialize("json", objects(), stream=stream, cls=Exact, use_natural_foreign_keys=True,
                          use_natural_primary_keys=True)


def _add_alias(alias: str, **changes) -> None:
    from django.db import connections

    connections.settings[alias] = {**connections.settings["default"], **changes}


def _drop_alias(alias: str) -> None:
    from django.db import connections

    if alias in connections.settings:
        try:
            connections[alias].close()
        finally:
            del connections[alias]
            del connections.settings[alias]


def _private_file(path: Path):
    """A new file only its owner can read (backups hold every figure and account of the office)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    return os.fdopen(fd, "wb")


def _key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


class _Encrypting(io.RawIOBase):
    """A write-only stream: AES-256-GCM in 1 MiB chunks; the chunk number is in the nonce and the
    last chunk is marked, so reordering, truncation or any changed byte is detected on restore."""

    def __init__(self, out, passphrase: str):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt, self.prefix = os.urandom(16), os.urandom(8)
        self.aead, self.out, self.buffer, self.n = AESGCM(_key(passphrase, salt)), out, bytearray(), 0
        out.write(ENC_MAGIC + salt + self.prefix)

    def writable(self):
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > ENC_CHUNK:  # keep at least one byte back: the last chunk is sealed on close
            self._seal(bytes(self.buffer[:ENC_CHUNK]), b"more")
            del self.buffer[:ENC_CHUNK]
        return len(data)

    def _seal(self, chunk: bytes, mark: bytes) -> None:
        sealed = self.aead.encrypt(self.prefix + self.n.to_bytes(4, "big"), chunk, mark)
        self.out.write(len(sealed).to_bytes(4, "big") + sealed)
        self.n += 1

    def close(self):
        if not self.closed:
            self._seal(bytes(self.buffer), b"last")
        super().close()


def _decrypt_file(source: Path, plain: Path, passphrase: str) -> None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    with open(source, "rb") as f, _private_file(plain) as out:
        if f.read(len(ENC_MAGIC)) != ENC_MAGIC:
            raise click.ClickException("不是加密的天平备份文件")
        salt, prefix = f.read(16), f.read(8)
        aead, n, last = AESGCM(_key(passphrase, salt)), 0, False
        while size := f.read(4):
            try:
                chunk = f.read(int.from_bytes(size, "big"))
                try:
                    out.write(aead.decrypt(prefix + n.to_bytes(4, "big"), chunk, b"more"))
                except InvalidTag:
                    out.write(aead.decrypt(prefix + n.to_bytes(4, "big"), chunk, b"last"))
                    last = True
                    break
            except InvalidTag:
                raise click.ClickException("备份文件解密失败：口令错误或文件已被改动") from None
            n += 1
        if not last or f.read(1):
            raise click.ClickException("加密备份文件不完整（被截断或有多余内容）")


def _is_encrypted(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(ENC_MAGIC)) == ENC_MAGIC


def _snapshot_sqlite(tmp: Path) -> Path:
    """A private, consistent copy of the live SQLite database (online backup API, one step)."""

    from django.db import connection

    copy = tmp / "snapshot.sqlite3"
    src = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
    dst = sqlite3.connect(copy)
    try:
        src.backup(dst)  # pages=-1: all pages in one step, under one read transaction
    except sqlite3.OperationalError as exc:  # "database or disk is full" while copying
        raise OSError(str(exc)) from None
    finally:
        dst.close()
        src.close()
    return copy


def _dump_snapshot(tmp: Path, use_pg_dump: bool) -> tuple[dict, bool]:
    """db.json (and db.pgdump) plus the row counts, all from one snapshot."""
    from django.db import connection, transaction

    if connection.vendor == "sqlite":
        _add_alias(SNAPSHOT_ALIAS, NAME=str(_snapshot_sqlite(tmp)), OPTIONS={}, CONN_MAX_AGE=0)
        try:
            with open(tmp / "db.json", "w", encoding="utf-8") as f:
                _dump_json(f, SNAPSHOT_ALIAS)
            return row_counts(SNAPSHOT_ALIAS), False
        finally:
            _drop_alias(SNAPSHOT_ALIAS)
    pg = connection.vendor == "postgresql" and use_pg_dump and bool(shutil.which("pg_dump"))
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot_id = cur.fetchone()[0]
        if pg:
            args, name, env = _pg_args()
            done = subprocess.run(["pg_dump", *args, "-Fc", "--no-owner", f"--snapshot={snapshot_id}",
                                   "-f", str(tmp / "db.pgdump"), name], env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise click.ClickException(f"pg_dump 失败：{done.stderr.strip()[:500]}")
        with open(tmp / "db.json", "w", encoding="utf-8") as f:
            _dump_json(f)
        return row_counts(), pg


def backup_to(out: Path, use_pg_dump: bool = True, passphrase: str | None = None) -> dict:
    from django.conf import settings
    from django.db import connection

    var = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows, pg = _dump_snapshot(tmp, use_pg_dump)
        files = _var_files(var)  # after the snapshot: every file a row refers to is already written
        manifest = {
            "format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "vendor": connection.vendor,
            "python": sys.version.split()[0], "rows": rows, "pg_dump": pg, "snapshot": True,
            "files": {str(p.relative_to(var)): {"size": p.stat().st_size, "sha256": _sha256(p)} for p in files},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = out.with_name(out.name + ".part")
        try:
            with _private_file(partial) as f:
                sink = _Encrypting(f, passphrase) if passphrase else f
                with tarfile.open(fileobj=sink, mode="w:gz") as tar:
                    tar.add(tmp / "manifest.json", "manifest.json")
                    tar.add(tmp / "db.json", "db.json")
                    if pg:
                        tar.add(tmp / "db.pgdump", "db.pgdump")
                    for p in files:
                        tar.add(p, "var/" + str(p.relative_to(var)))
                if sink is not f:
                    sink.close()  # seals the last chunk
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, out)  # a backup cut short by a full disk never looks complete
    return manifest


def _safe_members(tar: tarfile.TarFile):
    for m in tar.getmembers():
        name = Path(m.name)
        if name.is_absolute() or ".." in name.parts or not (m.isfile() or m.isdir()):
            raise click.ClickException(f"备份文件中含非法路径：{m.name}")
        yield m


def _verify_counts(manifest: dict, using: str) -> None:
    counts = row_counts(using)
    wrong = {k: (v, counts.get(k)) for k, v in manifest["rows"].items() if counts.get(k) != v}
    if wrong:
        raise click.ClickException(f"恢复后行数不符（备份, 恢复）：{wrong}；目标数据库未作任何改动")


def _load_into(alias: str, tmp: Path, manifest: dict) -> None:
    """Schema by migrate, rows from pg_restore (PostgreSQL dump on PostgreSQL) or the portable JSON."""
    from django.core.management import call_command
    from django.db import connections

    conn = connections[alias]
    if manifest.get("pg_dump") and conn.vendor == "postgresql" and shutil.which("pg_restore"):
        args, name, env = _pg_args(conn.settings_dict)
        conn.close()
        done = subprocess.run(["pg_restore", *args, "--no-owner", "--single-transaction", "--exit-on-error",
                               "-d", name, str(tmp / "db.pgdump")], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise click.ClickException(f"pg_restore 失败：{done.stderr.strip()[:500]}；目标数据库未作任何改动")
        return
    call_command("migrate", database=alias, verbosity=0)
    try:
        call_command("loaddata", str(tmp / "db.json"), database=alias, verbosity=0)
    except Exception as exc:
        raise click.ClickException(f"载入备份数据失败：{str(exc)[:400]}；目标数据库未作任何改动") from None


def _fresh_sqlite(target: str) -> Path:
    fresh = Path(f"{target}.restore")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{fresh}{suffix}").unlink(missing_ok=True)
    return fresh


def _switch_sqlite(fresh: Path, target: str) -> None:
    """Copy the verified database over the live one in one SQLite transaction (the backup API
    writes the destination atomically, WAL included), then drop the fresh copy."""

    src = sqlite3.connect(fresh)
    dst = sqlite3.connect(target, timeout=60)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{fresh}{suffix}").unlink(missing_ok=True)


def _pg_admin(settings_dict):
    import psycopg

    s = settings_dict
    return psycopg.connect(host=s.get("HOST") or "localhost", port=s.get("PORT") or 5432, user=s.get("USER") or "postgres",
                           password=s.get("PASSWORD") or None, dbname="postgres", autocommit=True)


def _switch_postgres(fresh: str, target: str, settings_dict) -> None:
    """Rename the verified database into place; the old one is dropped after the switch."""
    from django.db import connections

    for alias in list(connections):
        connections[alias].close()
    old = f"{target[:40]}_old_{int(time.time())}"
    with _pg_admin(settings_dict) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                      "AND pid <> pg_backend_pid()", [target])
        admin.execute(f'ALTER DATABASE "{target}" RENAME TO "{old}"')
        try:
            admin.execute(f'ALTER DATABASE "{fresh}" RENAME TO "{target}"')
        except Exception:
            admin.execute(f'ALTER DATABASE "{old}" RENAME TO "{target}"')
            raise
        admin.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')


def _stage_files(tmp: Path, var: Path, manifest: dict) -> Path:
    staged = var / f".restore-{os.getpid()}"
    shutil.rmtree(staged, ignore_errors=True)
    if (tmp / "var").is_dir():
        shutil.copytree(tmp / "var", staged)
    else:
        staged.mkdir()
    for rel, meta in manifest["files"].items():
        if not (staged / rel).is_file() or _sha256(staged / rel) != meta["sha256"]:
            shutil.rmtree(staged, ignore_errors=True)
            raise click.ClickException(f"备份文件已损坏：{rel} 校验不符；目标未作任何改动")
    return staged


def _switch_files(staged: Path, var: Path, manifest: dict) -> None:
    """Each top folder of the backup replaces the live one by rename (old kept until all are in)."""
    tops = sorted({Path(rel).parts[0] for rel in manifest["files"]})
    moved = []
    try:
        for top in tops:
            target, old = var / top, var / f".restore-old-{top}"
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                os.replace(target, old)
                moved.append((target, old))
            os.replace(staged / top, target)
    except OSError:
        for target, old in moved:  # put back what was there
            shutil.rmtree(target, ignore_errors=True)
            os.replace(old, target)
        raise
    for _target, old in moved:
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(staged, ignore_errors=True)


def restore_from(archive: Path, force: bool = False, passphrase: str | None = None) -> dict:
    from django.conf import settings
    from django.db import connection

    var = Path(settings.VAR_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if _is_encrypted(archive):
            if not passphrase:
                raise click.ClickException("备份文件已加密，请设置环境变量 TIANPING_BACKUP_PASSPHRASE 后再恢复")
            _decrypt_file(archive, tmp / "backup.tar.gz", passphrase)
            archive = tmp / "backup.tar.gz"
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, members=list(_safe_members(tar)))
        manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise click.ClickException("不是天平的备份文件（manifest 格式不符）")
        _check_target_empty(force)
        staged = _stage_files(tmp, var, manifest)
        try:
            if connection.vendor == "sqlite":
                target = connection.settings_dict["NAME"]
                fresh = _fresh_sqlite(target)
                _add_alias(RESTORE_ALIAS, NAME=str(fresh), OPTIONS={}, CONN_MAX_AGE=0)
                try:
                    _load_into(RESTORE_ALIAS, tmp, manifest)
                    _verify_counts(manifest, RESTORE_ALIAS)
                finally:
                    _drop_alias(RESTORE_ALIAS)
                connection.close()
                _switch_sqlite(fresh, target)
            else:
                target = connection.settings_dict["NAME"]
                fresh = f"{target[:40]}_restore_{int(time.time())}"
                with _pg_admin(connection.settings_dict) as admin:
                    admin.execute(f'CREATE DATABASE "{fresh}"')
                try:
                    _add_alias(RESTORE_ALIAS, NAME=fresh, CONN_MAX_AGE=0)
                    try:
                        _load_into(RESTORE_ALIAS, tmp, manifest)
                        _verify_counts(manifest, RESTORE_ALIAS)
                    finally:
                        _drop_alias(RESTORE_ALIAS)
                    _switch_postgres(fresh, target, connection.settings_dict)
                except BaseException:
                    with _pg_admin(connection.settings_dict) as admin:
                        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
                    raise
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            if connection.vendor == "sqlite":
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{connection.settings_dict['NAME']}.restore{suffix}").unlink(missing_ok=True)
            raise
        _switch_files(staged, var, manifest)
    return manifest


def _check_target_empty(force: bool) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not force and any(n for label, n in row_counts().items() if label != "auth.Group"):
        raise click.ClickException("目标数据库中已有数据；确认要用备份覆盖时请加 --force")


def _passphrase(encrypt: bool) -> str | None:
    phrase = os.environ.get("TIANPING_BACKUP_PASSPHRASE") or None
    if encrypt and not phrase:
        raise click.ClickException("加密备份需要口令：请设置环境变量 TIANPING_BACKUP_PASSPHRASE（不少于12个字符）")
    if encrypt and len(phrase) < 12:
        raise click.ClickException("备份口令太短（不少于12个字符）")
    return phrase


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--no-pg-dump", is_flag=True, help="PostgreSQL 也只用可移植的 JSON 备份")
@click.option("--encrypt", is_flag=True, help="用环境变量 TIANPING_BACKUP_PASSPHRASE 的口令加密（AES-256-GCM）")
def backup(out, no_pg_dump, encrypt):
    """备份数据库（一致快照）和数据文件（报告、附件）到一个仅属主可读的 .tar.gz 文件。"""
    setup_django()
    start = time.monotonic()
    phrase = _passphrase(encrypt) if encrypt else None
    try:
        manifest = backup_to(Path(out), use_pg_dump=not no_pg_dump, passphrase=phrase)
    except OSError as exc:
        raise click.ClickException(f"备份写入失败（{exc.strerror or exc}）：{out}。请检查磁盘空间和权限；"
                                   "未生成不完整的备份文件。") from None
    rows = sum(manifest["rows"].values())
    click.echo(f"» 已备份：{rows}行数据，{len(manifest['files'])}个文件（{manifest['vendor']}"
               f"{'，含 pg_dump' if manifest['pg_dump'] else ''}{'，已加密' if phrase else ''}），"
               f"{Path(out).stat().st_size / 2**20:.1f} MB，用时{time.monotonic() - start:.1f}秒 → {out}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="目标数据库已有数据时仍然覆盖")
def restore(archive, force):
    """从备份文件恢复：先恢复到新数据库和新目录并核对，全部无误后才替换现有数据。"""
    setup_django()
    start = time.monotonic()
    manifest = restore_from(Path(archive), force=force, passphrase=os.environ.get("TIANPING_BACKUP_PASSPHRASE"))
    click.echo(f"» 已恢复：{sum(manifest['rows'].values())}行数据，{len(manifest['files'])}个文件"
               f"（备份于{manifest['created']}），用时{time.monotonic() - start:.1f}秒")

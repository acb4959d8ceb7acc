"""`tianping demo`, `tianping serve` and `tianping manage ...`: the web project from
the command line. The demo set-up itself is tianping.web.demo."""

from __future__ import annotations

# In-function imports here are deliberate: Django and tianping.web load only after the command has
# configured Django (common.setup_django), and the reports, pandas, openpyxl and cryptography only
# for the commands that use them, so `tianping plan …` starts without them.
import os
import subprocess

import click

from tianping.commands.common import setup_django

DEFAULT_ADDRESS = "127.0.0.1:8000"


def _serve(address: str) -> None:
    from django.core.management import call_command

    click.echo(f"» 天平已启动：http://{address}/  （Ctrl+C 停止）")
    call_command("runserver", address, use_reloader=False, use_threading=True)


def _serve_with_worker(address: str) -> None:
    """Serve, with `tianping worker` (the report generation queue's consumer) as a child
    process; Ctrl+C stops both. Not started when jobs run in the web process
    (TIANPING_HUEY_IMMEDIATE=1)."""
    from django.conf import settings

    if settings.HUEY.get("immediate"):
        _serve(address)
        return
    from tianping.commands.worker import spawn

    child = spawn()
    click.echo(f"» 后台任务进程（报告生成）已随服务启动，进程号 {child.pid}")
    try:
        _serve(address)
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:  # still running after 10 s: stop it for good
                child.kill()
                child.wait()
        click.echo("» 服务和后台任务进程已停止")


@click.command("demo")
@click.option("--seeds", type=click.Path(file_okay=False), help="种子规划文件夹（默认 ../shared/seeds）")
@click.option("--address", default=DEFAULT_ADDRESS, show_default=True, help="服务地址")
@click.option("--no-serve", is_flag=True, help="只准备演示数据，不启动服务")
@click.option("--no-worker", is_flag=True, help="不启动后台任务进程（报告生成需另行运行 tianping worker）")
def demo(seeds, address, no_serve, no_worker):
    """建库、导入种子规划、创建演示用户和合成数据，然后启动服务。

    服务启动时，后台任务进程（tianping worker，负责生成报告）作为子进程一同启动；
    按 Ctrl+C 同时停止服务和后台任务进程。"""
    setup_django()
    from django.core.management import call_command

    from tianping.web import demo as setup
    from tianping.web.orgs.models import User

    click.echo("» 建立数据库")
    call_command("migrate", verbosity=0)
    regions = setup.seed_regions()
    for code in setup.DISTRICT_CODES:
        setup.seed_departments(regions[code])
    users = setup.seed_users()
    office = User.objects.get(username="office")
    try:
        seed_dir = setup.find_seeds(seeds)
    except FileNotFoundError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"» 导入种子规划：{seed_dir}")
    for path in sorted(seed_dir.glob("*.txt")):
        for plan in setup.import_seed_file(path, office):
            click.echo(f"  {path.name} → {plan.region.name} {plan.title}（{plan.indicators.count()}项指标）")
    from tianping.web.plans.models import Plan

    city = setup.seed_city(office, seeds)
    click.echo(f"» 市级演示：大连市（西岗区及合成的{'、'.join(d.name for d in city.districts)}），"
               f"市级用户 {city.user} 密码 {city.password}；区县地图为生成的示意图（非真实边界），见 /analysis/map/")
    # a city plan's data are its districts' (rolled up on the city view), not a synthetic series of its own
    filled = sum(setup.fill_synthetic(plan) for plan in Plan.objects.confirmed()
                 .exclude(region__level="city"))
    if filled:
        click.echo(f"» 合成演示数据（2020—2024年，界面中标注“合成”）：{filled}条")
    if setup.open_demo_round(office):
        click.echo(f"» 已为{office.region.name}开启2025年度填报轮次（截止2026年12月31日）")
    from tianping.web.accountability.demo import seed_demo_history

    if seed_demo_history(office):
        click.echo("» 目标考核演示记录（合成）：2024年度填报轮次、预警说明、自评报告、一次督导检查")
    click.echo("» 演示用户（西岗区）：")
    for user in users:
        click.echo(f"  {user.role_label:<10} 用户名 {user.username:<9} 密码 {user.password}")
    if not no_serve:
        _serve(address) if no_worker else _serve_with_worker(address)


@click.command("serve")
@click.option("--address", default=DEFAULT_ADDRESS, show_default=True, help="服务地址")
def serve(address):
    """启动网页服务（先执行数据库迁移）。"""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _serve(address)


@click.command("manage", context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                           "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args):
    """Django 管理命令（如 tianping manage createsuperuser）。"""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tianping.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tianping manage", *args])

"""`tianping demo-data PLAN [--region R] [--seed N] [-o out.csv|xlsx]`: synthetic,
clearly labelled observations for a plan document, to try the assessment without real data.

Any input problem exits with code 2 and the Chinese message on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import pandas as pd

from tianping.commands.common import InputError, parse_plan_file
from tianping.core.observations import KEY
from tianping.core.synthetic import SYNTHETIC_NOTE, demo_observations

DEFAULT_REGION = "示例区"
SHEET = "合成演示数据"
TITLE = "合成演示数据（由天平按规划目标生成，不是真实统计数据）"


@click.command("demo-data")
@click.argument("plan_file", metavar="PLAN", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--region", help=f"地区名称（默认：规划所属地区，找不到时为“{DEFAULT_REGION}”）")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子：相同种子生成相同数据")
@click.option("--first-year", type=int, default=2020, show_default=True, help="起始年份")
@click.option("--last-year", type=int, default=2024, show_default=True, help="截止年份")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件：.csv 或 .xlsx（默认以CSV输出到屏幕）")
def demo_data(plan_file: Path, region: str | None, seed: int, first_year: int, last_year: int,
              output: Path | None):
    """按规划文件中的指标目标生成合成演示数据（有趋势、波动、缺报和小样本稀有事件）。"""
    if output is not None and output.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"不支持的输出格式“{output.suffix}”，请用 .csv 或 .xlsx")
    if not 2000 <= first_year <= last_year <= 2100:
        raise InputError(f"年份范围{first_year}—{last_year}无效")
    plans = parse_plan_file(plan_file)
    frames = [demo_observations(one, region=region or one.region or DEFAULT_REGION,
                                years=range(first_year, last_year + 1), seed=seed + i)
              for i, one in enumerate(plans)]
    frame = _one_series_per_key(pd.concat(frames, ignore_index=True))
    if frame.empty:
        raise InputError("规划中没有可生成数据的数值目标")
    _write(frame, output)
    _report(frame, output)


def _one_series_per_key(frame: pd.DataFrame) -> pd.DataFrame:
    """An indicator in both plans of one file (seed 002) gets the first plan's series only."""
    repeated = frame.duplicated(KEY)
    for name in frame.loc[repeated, "indicator"].unique():
        click.echo(f"提示：指标“{name}”在多个规划中出现，只生成一份数据", err=True)
    return frame[~repeated].reset_index(drop=True)


def _write(frame: pd.DataFrame, output: Path | None) -> None:
    try:
        if output is None:
            frame.to_csv(sys.stdout, index=False)
        elif output.suffix.lower() == ".csv":
            frame.to_csv(output, index=False, encoding="utf-8-sig")  # BOM: Excel opens Chinese correctly
        else:
            with pd.ExcelWriter(output, engine="openpyxl") as writer:
                frame.to_excel(writer, sheet_name=SHEET, index=False, startrow=1)
                writer.sheets[SHEET]["A1"] = TITLE
    except BrokenPipeError:  # `tianping demo-data PLAN | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        raise InputError(f"无法写入输出文件“{output}”（{exc.strerror}）") from None


def _report(frame: pd.DataFrame, output: Path | None) -> None:
    gaps = int(frame["value"].isna().sum())
    regions = "、".join(frame["region"].unique())
    click.echo(f"已生成{SYNTHETIC_NOTE}：{regions}，{frame['indicator'].nunique()}个指标，{len(frame)}行"
               f"（缺报{gaps}行），{frame['year'].min()}—{frame['year'].max()}年。"
               f"这是合成数据，不是真实统计数据。", err=True)
    if output is not None:
        click.echo(f"已写入 {output}", err=True)

"""Observations (long form) → one dense row per series, one column per year.

A *series* is region × indicator × sex × age × residence. Everything downstream is
vectorised over the rows of ``SeriesMatrix.values`` (n_series × n_years, NaN where a
year is missing), so 1.26 M series cost a handful of numpy passes, not a Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tianping.core.errors import InputErrors, Location, TianpingError

SERIES_KEYS = ("region", "indicator", "sex", "age", "residence")


@dataclass
class SeriesMatrix:
    keys: pd.DataFrame            # one row per series: SERIES_KEYS as categoricals
    years: np.ndarray             # consecutive column years, int
    values: np.ndarray            # (n_series, n_years) float64, NaN = no observation
    numerators: np.ndarray | None   # same shape, or None when no row has a numerator
    denominators: np.ndarray | None

    @property
    def first_year(self) -> int:
        return int(self.years[0]) if len(self.years) else 0

    def __len__(self) -> int:
        return len(self.keys)

    def rows(self, start: int, stop: int) -> SeriesMatrix:
        """Series start…stop−1 (views, no copy), for processing in chunks."""
        def cut(a):
            return None if a is None else a[start:stop]
        return SeriesMatrix(self.keys.iloc[start:stop], self.years, self.values[start:stop],
                            cut(self.numerators), cut(self.denominators))


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        if column.isna().any():        # a blank dimension means total
            if "" not in column.cat.categories:
                column = column.cat.add_categories([""])
            column = column.fillna("")
        return column.cat.codes.to_numpy(np.int64), pd.Index(column.cat.categories)
    if column.isna().any():
        column = column.astype(object).where(column.notna(), "")
    codes, uniques = pd.factorize(column, sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


def _series_ids(obs: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Factorise the key columns into one mixed-radix int64 key, then number the series."""
    key = np.zeros(len(obs), dtype=np.int64)
    levels = []
    for name in SERIES_KEYS:
        codes, uniques = _codes(obs[name]) if name in obs else (np.zeros(len(obs), np.int64), pd.Index([""]))
        key = key * len(uniques) + codes
        levels.append((name, uniques))
    ids, unique_keys = pd.factorize(key, sort=True)
    columns = {}
    rest = np.asarray(unique_keys, dtype=np.int64)
    for name, uniques in reversed(levels):
        rest, code = np.divmod(rest, len(uniques))
        columns[name] = pd.Categorical.from_codes(code, categories=uniques)
    keys = pd.DataFrame({name: columns[name] for name in SERIES_KEYS})
    return ids.astype(np.int64), keys


def _duplicate_error(obs: pd.DataFrame, cell: np.ndarray) -> TianpingError:
    order = np.argsort(cell, kind="stable")
    same = np.flatnonzero(cell[order][1:] == cell[order][:-1])
    errors = []
    for i in same[:20]:
        row = obs.iloc[order[i + 1]]
        where = Location(row=int(order[i + 1]) + 1)
        errors.append(TianpingError(
            f"重复的观测值：{row['region']} {row['indicator']} {int(row['year'])}年"
            f"{('（' + str(row['sex']) + '）') if row.get('sex', '') else ''}出现不止一次", where))
    return InputErrors(errors)


def build_series(obs: pd.DataFrame, *, first_year: int | None = None,
                 last_year: int | None = None) -> SeriesMatrix:
    """Pivot observations between first_year and last_year into a SeriesMatrix.

    Duplicate series-years are an error (nothing is silently dropped or averaged).
    """
    year = obs["year"].to_numpy(np.int64)
    keep = np.ones(len(obs), dtype=bool)
    if first_year is not None:
        keep &= year >= first_year
    if last_year is not None:
        keep &= year <= last_year
    if not keep.all():
        obs = obs[keep]
        year = year[keep]
    if len(obs) == 0:   # one empty column, so regions without data still get rows
        empty = pd.DataFrame({k: pd.Categorical([]) for k in SERIES_KEYS})
        return SeriesMatrix(empty, np.array([last_year or first_year or 0]), np.empty((0, 1)), None, None)
    ids, keys = _series_ids(obs)
    y0, y1 = int(year.min()), int(year.max())
    n_years = y1 - y0 + 1
    cell = ids * n_years + (year - y0)
    if np.bincount(cell, minlength=len(keys) * n_years).max() > 1:
        raise _duplicate_error(obs, cell)
    shape = (len(keys), n_years)

    def dense(column: str) -> np.ndarray:
        out = np.full(shape[0] * shape[1], np.nan)
        column_data = obs[column]
        if not pd.api.types.is_float_dtype(column_data.dtype):
            column_data = pd.to_numeric(column_data, errors="coerce")
        out[cell] = column_data.to_numpy(np.float64, na_value=np.nan)
        return out.reshape(shape)

    values = dense("value")
    numerators = denominators = None
    if "numerator" in obs and "denominator" in obs and obs["numerator"].notna().any():
        numerators, denominators = dense("numerator"), dense("denominator")
    return SeriesMatrix(keys, np.arange(y0, y1 + 1), values, numerators, denominators)


def next_observed(values: np.ndarray) -> np.ndarray:
    """(n, T+1) array: column of the first observation at or after column j (-1 if none).

    Column T is a sentinel so a base year after the data looks up -1.
    """
    n, n_cols = values.shape
    out = np.full((n, n_cols + 1), -1, dtype=np.int64)
    for j in range(n_cols - 1, -1, -1):
        out[:, j] = np.where(np.isnan(values[:, j]), out[:, j + 1], j)
    return out


def one_series(values: dict[int, float], *, indicator: str, region: str = "示例区", sex: str = "",
               age: str = "", residence: str = "", unit: str = "",
               counts: dict[int, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Observations of one series in long form, from {year: value} (and optionally
    {year: (numerator, denominator)}); for examples, tests and what-if screens."""
    years = sorted(values)
    counts = counts or {}
    return pd.DataFrame({
        "region": region, "indicator": indicator, "year": years, "sex": sex, "age": age,
        "residence": residence, "value": [float(values[y]) for y in years],
        "numerator": [counts.get(y, (np.nan, np.nan))[0] for y in years],
        "denominator": [counts.get(y, (np.nan, np.nan))[1] for y in years], "unit": unit,
    })


def previous_observed(values: np.ndarray) -> np.ndarray:
    """(n, T) array: column of the last observation at or before column j (-1 if none)."""
    n, n_cols = values.shape
    out = np.full((n, n_cols), -1, dtype=np.int64)
    prev = np.full(n, -1, dtype=np.int64)
    for j in range(n_cols):
        prev = np.where(np.isnan(values[:, j]), prev, j)
        out[:, j] = prev
    return out

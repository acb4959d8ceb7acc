"""The target grammar: from a plan sentence or a table cell to indicators and targets.

Public entry points (everything else in this package is internal):

- ``extract_indicators(text, end_year=, line=, directional=True)`` -- indicators and
  targets of a goal's text; ``directional=False`` for measure text (numbers only).
- ``parse_target_phrase(phrase, year=, indicator_name=)`` -- one table cell ("≥95%",
  "＜7", "相适应"); ``parse_target_phrases`` when a cell states several.
- ``extract_baselines(text, default_year=)`` -- figures a preface reports as reached
  ("截至2020年底…孕产妇系统管理率达到95.32%").
- ``infer_direction(name, targets)`` -- "up"/"down"/"" for ``Indicator.direction``
  (table rows: "孕产妇死亡率（1/10万）" with "＜7" -> "down").

The grammar reads *normalised* text (tianping.core.normalize.normalize_text). What it
understands, module by module:

- clauses.py: sentences and clauses; deadlines ("到2025年", "到2025年和2030年",
  "到“十四五”末"), base years ("在2019年基础上", "以2020年数据为基数"), start years
  ("由2020年的…", "由“十二五”末的…").
- numeric.py: values with units (%, ‰, 1/10万, 1/10万活产, 个百分点, 名, 个, 岁, …),
  lists ("2.8‰、3‰和4‰"), ranges ("0.5-1", "5%-5.5%之间"), fractions ("1/2"),
  operators before ("达到", "控制在", "不低于", "至少") and after ("以上", "以下", "左右")
  the value, changes ("提高10%", "年均提高6%", "每年下降0.5个百分点"). Ages and counts
  that are part of a name ("3岁以下儿童", "0-6个月婴儿", "1万人以上的镇") are not targets.
- names.py: trimming filler words, splitting compound subjects ("新生儿、婴儿和5岁以下
  儿童死亡率" -> three indicators), completing names ("…女干部" + 20% -> "…女干部比例").
- directional.py: direction-only ("逐步提高", "明显下降") and qualitative ("保持均衡",
  "相适应") targets; vague ones (意识提高, 水平提升) are marked ``borderline``.
- extract.py: the reading loop (omitted subjects and sentence-opening deadlines carried
  over, "全覆盖" as 100 %), and merging one indicator stated twice.
- expected.py: comparison with shared/expected/ (bench/compare_expected.py, tests).
"""

from .baselines import extract_baselines
from .extract import extract_indicators, infer_direction, merge
from .phrase import parse_target_phrase, parse_target_phrases, unit_from_name

__all__ = ["extract_baselines", "extract_indicators", "infer_direction", "merge", "parse_target_phrase",
           "parse_target_phrases", "unit_from_name"]

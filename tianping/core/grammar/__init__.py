"""The target grammar: from a plan sentence or a table cell to indicators and targets.

Public entry points (everything else in this package is internal):

- ``extract_indicators(text, end_year=, line=)`` -- indicators and targets of a goal's
  (or a measure's) text.
- ``parse_target_phrase(phrase, year=, indicator_name=)`` -- one table cell ("≥95%").
- ``extract_baselines(text)`` -- past figures in a preface ("截至2020年底…达到95.32%").

The grammar reads *normalised* text (tianping.core.normalize.normalize_text).
"""

from .baselines import extract_baselines
from .extract import extract_indicators, merge
from .phrase import parse_target_phrase, parse_target_phrases, unit_from_name

__all__ = ["extract_baselines", "extract_indicators", "merge", "parse_target_phrase", "parse_target_phrases",
           "unit_from_name"]

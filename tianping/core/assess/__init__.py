"""The assessment engine (issue 3): attainment, progress ratio, projection, status,
warnings, aggregates. Pure Python + numpy/pandas; see engine.py for the result columns
and warnings.py for the warning columns.
"""

from .aggregate import (
                        applicable_targets,
                        assessable_mask,
                        attained_mask,
                        attainment_rate,
                        development_index,
                        gender_gaps,
                        rollup,
)
from .config import DEFAULT_CONFIG, AssessConfig
from .engine import RESULT_COLUMNS, Assessment, assess
from .status import STATUS_RANK, STATUSES
from .targets import TARGET_COLUMNS, normalise_targets, targets_from_plan
from .warnings import LEVEL_NAMES, WARNING_COLUMNS, WARNING_KIND_NAMES

__all__ = [
    "assess", "Assessment", "AssessConfig", "DEFAULT_CONFIG", "RESULT_COLUMNS", "WARNING_COLUMNS",
    "TARGET_COLUMNS", "STATUSES", "STATUS_RANK", "LEVEL_NAMES", "WARNING_KIND_NAMES", "targets_from_plan",
    "normalise_targets", "attainment_rate", "applicable_targets", "assessable_mask", "attained_mask",
    "gender_gaps", "development_index", "rollup",
]

"""Reshaping a plan's indicators (merge, split) and moving from one edition of a
plan to its revision (000 → 002) without losing the data attached to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import transaction
from django.db.models import Count

from tianping.web.catalogue.services import apply_link
from tianping.web.observations.models import Observation

from .models import Indicator, Plan, Target

FRAMEWORK_FIELDS = ["responsible_department_id", "by_sex", "by_age", "by_residence", "definition", "numerator",
                    "denominator", "multiplier", "data_source"]


@transaction.atomic
def merge_indicators(keep: Indicator, absorb: Indicator) -> None:
    """Move ``absorb``'s targets, baselines and data to ``keep``, then delete it."""
    absorb.targets.update(indicator=keep)
    absorb.baselines.update(indicator=keep)
    absorb.proxies.update(proxy_for=keep)
    _move_observations(absorb, keep)
    absorb.delete()


@transaction.atomic
def split_target(target: Target) -> Indicator:
    """Give one target an indicator of its own (a sentence that held two indicators)."""
    old = target.indicator
    new = Indicator.objects.create(
        plan=old.plan, area=old.area, goal=old.goal, measure=old.measure, position=old.position,
        name=f"{old.name}（拆分）"[:200], unit=target.unit or old.unit, direction=old.direction,
        source_line=target.source_line or old.source_line, source_text=target.source_text or old.source_text,
    )
    target.indicator = new
    target.save(update_fields=["indicator"])
    return new


def indicator_key(name: str) -> str:
    """Names compared across editions: no spaces, punctuation, 的 or conjunctions (和/与/及)."""
    return re.sub(r"[\s\"“”'‘’（）()、，,。：:；;的和与及]", "", name)


@dataclass
class IndicatorChange:
    name: str
    old: Indicator | None
    new: Indicator | None
    old_targets: list[str] = field(default_factory=list)
    new_targets: list[str] = field(default_factory=list)
    observations: int = 0

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed" if self.old_targets != self.new_targets or self.renamed else "same"

    @property
    def renamed(self) -> bool:
        return self.old is not None and self.new is not None and self.old.name != self.new.name


@dataclass
class PlanDiff:
    changes: list[IndicatorChange]

    def of_kind(self, kind: str) -> list[IndicatorChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def added(self):
        return self.of_kind("added")

    @property
    def removed(self):
        return self.of_kind("removed")

    @property
    def changed(self):
        return self.of_kind("changed")

    @property
    def same(self):
        return self.of_kind("same")


def _target_texts(indicator: Indicator | None) -> list[str]:
    if indicator is None:
        return []
    return sorted(t.dated_phrase for t in indicator.targets.all())


def _indicators(plan: Plan) -> list[Indicator]:
    return list(plan.indicators.prefetch_related("targets").order_by("position", "pk"))


def match_indicators(old: Plan, new: Plan) -> list[tuple[Indicator | None, Indicator | None]]:
    """Pairs (old, new): same name first (ignoring punctuation, 的/和/与/及), then the
    closest remaining name at ≥ 80 % similarity (a reworded edition), then the rest unpaired."""
    olds, news = _indicators(old), _indicators(new)
    by_key: dict[str, Indicator] = {}
    for n in news:
        by_key.setdefault(indicator_key(n.name), n)
    pairs, free_old = [], []
    for o in olds:
        n = by_key.pop(indicator_key(o.name), None)
        (pairs.append((o, n)) if n else free_old.append(o))
    paired = {n.pk for _, n in pairs}
    free_new = [n for n in news if n.pk not in paired]
    for o in free_old:
        best = max(free_new, key=lambda n: _similarity(o.name, n.name), default=None)
        if best is not None and _similarity(o.name, best.name) >= RENAME_SIMILARITY:
            pairs.append((o, best))
            free_new.remove(best)
        else:
            pairs.append((o, None))
    return pairs + [(None, n) for n in free_new]


RENAME_SIMILARITY = 0.8


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, indicator_key(a), indicator_key(b)).ratio()


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Indicators matched between two editions, with their targets side by side."""
    counts = _observation_counts(old)
    return PlanDiff([
        IndicatorChange(name=(n or o).name, old=o, new=n, old_targets=_target_texts(o), new_targets=_target_texts(n),
                        observations=counts.get(o.pk, 0) if o else 0)
        for o, n in match_indicators(old, new)
    ])


def _observation_counts(plan: Plan) -> dict[int, int]:
    rows = Observation.objects.filter(indicator__plan=plan).values("indicator").annotate(n=Count("pk"))
    return {row["indicator"]: row["n"] for row in rows}


def dropped_with_data(old: Plan, new: Plan) -> list[IndicatorChange]:
    """Indicators of the old edition that hold data and have no counterpart in the new one:
    confirming the revision would stop monitoring them (their data stays with the old edition)."""
    return [change for change in diff_plans(old, new).removed if change.observations]


class DropNotConfirmed(Exception):
    """Confirming a revision would drop indicators holding data that the office has not
    named as dropped; ``changes`` are those indicators."""

    def __init__(self, changes: list[IndicatorChange]):
        self.changes = changes
        super().__init__("、".join(change.name for change in changes))


def check_drops(old: Plan, new: Plan, confirmed_ids) -> None:
    """Raise DropNotConfirmed unless every indicator with data that the revision drops is
    among ``confirmed_ids`` (the ones the office ticked)."""
    confirmed = {str(pk) for pk in confirmed_ids or ()}
    unconfirmed = [change for change in dropped_with_data(old, new) if str(change.old.pk) not in confirmed]
    if unconfirmed:
        raise DropNotConfirmed(unconfirmed)


def apply_revision(old: Plan, new: Plan) -> None:
    """Carry the framework and the data of every matching indicator over to the new
    edition; the old edition is kept, marked superseded, with what did not match."""
    carry_manual_links(old, new)
    for old_indicator, new_indicator in match_indicators(old, new):
        if old_indicator is None or new_indicator is None:
            continue
        _carry_framework(old_indicator, new_indicator)
        _move_observations(old_indicator, new_indicator)
    old.status = Plan.Status.SUPERSEDED
    old.save(update_fields=["status"])


def carry_manual_links(old: Plan, new: Plan) -> int:
    """The office's own catalogue links (an entry it chose on the edit page, or a link it removed)
    carry over to the matching indicator of the revised edition, unless the office already chose
    one there: run when the revision is imported (so its review page shows them) and again when
    it is confirmed. Returns how many were carried."""
    manual = Indicator.LinkMethod.MANUAL
    carried = 0
    for old_indicator, new_indicator in match_indicators(old, new):
        if (old_indicator is None or new_indicator is None or old_indicator.catalogue_method != manual
                or new_indicator.catalogue_method == manual):
            continue
        changed = apply_link(new_indicator, old_indicator.catalogue, manual, 1.0)
        if old_indicator.catalogue is None and new_indicator.unit_note:
            new_indicator.unit_note = ""
            changed.append("unit_note")
        new_indicator.save(update_fields=sorted(set(changed)))
        carried += 1
    return carried


def _carry_framework(old: Indicator, new: Indicator) -> None:
    changed = False
    for name in FRAMEWORK_FIELDS:
        if getattr(new, name) in (None, "", False) and getattr(old, name) not in (None, "", False):
            setattr(new, name, getattr(old, name))
            changed = True
    if changed:
        new.save()


def _move_observations(source: Indicator, target: Indicator) -> None:
    """Re-point observations; a cell the target already has keeps the target's value."""
    taken = set(target.observations.values_list("region_id", "year", "sex", "age", "residence"))
    for obs in source.observations.all():
        if (obs.region_id, obs.year, obs.sex, obs.age, obs.residence) not in taken:
            obs.indicator = target
            obs.save(update_fields=["indicator", "updated_at"])

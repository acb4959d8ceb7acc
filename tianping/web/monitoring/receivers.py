"""Assessment is re-run when the statistics bureau accepts a submission (mid-round: no
late-data warnings yet) and when a reporting round is closed (all warnings)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from tianping.web.collection.models import ReportingRound
from tianping.web.collection.signals import submission_accepted

from . import services

log = logging.getLogger(__name__)


@receiver(submission_accepted)
def on_submission_accepted(sender, submission, user=None, **kwargs):
    round_ = submission.round
    try:
        services.assess_region(round_.region, year=round_.year, data_warnings=False,
                               trigger=f"accepted:{submission.department.name}")
    except Exception:  # the acceptance is committed; a failed run is logged, re-run by command
        log.exception("assessment after accepting submission %s failed", submission.pk)


@receiver(post_save, sender=ReportingRound)
def on_round_saved(sender, instance, update_fields=None, **kwargs):
    if instance.state != ReportingRound.State.CLOSED or (update_fields is not None and "state" not in update_fields):
        return

    def run():
        try:
            services.assess_region(instance.region, year=instance.year, trigger="round closed")
        except Exception:
            log.exception("assessment after closing round %s failed", instance.pk)

    transaction.on_commit(run)

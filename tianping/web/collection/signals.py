"""Signals other apps listen to.

submission_accepted(sender=Submission, submission, user)
    Sent after the transaction that accepted a submission commits: its values are
    now in observations.Observation (region = submission.round.region, year =
    submission.round.year). The monitoring app raises warnings from this.
"""

from django.dispatch import Signal

submission_accepted = Signal()

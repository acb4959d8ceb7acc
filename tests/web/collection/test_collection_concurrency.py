"""Concurrent edits of the same value: one wins, the other is refused and told so;
never last-write-wins, never a lost audit row."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from tianping.core.validation import Cell
from tianping.web.collection import services
from tianping.web.collection.models import Entry, EntryChange

RowIn = services.RowIn


@pytest.mark.django_db
def test_the_write_guard_refuses_a_row_changed_meanwhile(sub_of, reporter, framework):
    sub = sub_of("卫健局")
    ind = framework["mgmt"]
    assert services.save_rows(sub, [RowIn(ind.pk, Cell(), value=90.0, version=0)], reporter, "form").ok
    stale = Entry.objects.get()                       # read at version 1
    assert services.save_rows(sub, [RowIn(ind.pk, Cell(), value=91.0, version=1)], reporter, "api").ok
    edit = (stale.pk, 92.0, None, None, "", 2)        # an edit based on version 1, written as version 2
    assert services._update_if_unchanged([edit], reporter, timezone.now()) is False
    entry = Entry.objects.get()
    assert (entry.value, entry.version) == (91.0, 2)


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_the_same_cell_at_once(sub_of, reporter, framework):
    sub = sub_of("卫健局")
    ind = framework["mgmt"]
    assert services.save_rows(sub, [RowIn(ind.pk, Cell(), value=90.0, version=0)], reporter, "form").ok
    barrier = threading.Barrier(2)
    results = {}

    def save(value):
        try:
            barrier.wait()
            results[value] = services.save_rows(sub, [RowIn(ind.pk, Cell(), value=value, version=1)], reporter, "form").ok
        except Exception as exc:  # SQLite may refuse the second writer outright: also a refusal
            results[value] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(v,)) for v in (91.0, 92.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [v for v, ok in results.items() if ok is True]
    assert len(winners) == 1, results
    entry = Entry.objects.get()
    assert entry.value == winners[0] and entry.version == 2
    assert EntryChange.objects.filter(entry=entry).count() == 2

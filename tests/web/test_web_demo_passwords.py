"""./run.sh (tianping demo) runs seed_users every time: a password someone changed stays
changed and is not printed; a new demo user gets the printed default."""

import pytest

from tianping.web import demo as setup
from tianping.web.orgs.models import User

pytestmark = pytest.mark.django_db


def test_a_changed_password_survives_the_next_demo_run(regions):
    first = {u.username: u.password for u in setup.seed_users()}
    assert first["office"] == "tp-office-2030"
    office = User.objects.get(username="office")
    office.set_password("Changed-by-the-office-2031")
    office.save()
    again = {u.username: u.password for u in setup.seed_users()}
    office.refresh_from_db()
    assert office.check_password("Changed-by-the-office-2031") and not office.check_password("tp-office-2030")
    assert again["office"] == setup.CHANGED_PASSWORD
    assert again["stats"] == "tp-stats-2030" and User.objects.get(username="stats").check_password("tp-stats-2030")

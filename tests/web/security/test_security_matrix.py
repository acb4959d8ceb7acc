"""Role × endpoint matrix over EVERY URL pattern the application serves.

The URL list comes from Django's resolver (recursively), not from a hand-kept list: a
URL without a rule in RULES fails ``test_every_url_has_a_rule``, so an endpoint added
later cannot slip past. For each rule the matrix checks, with a populated database:

  anonymous            refused (redirect to the login page, or 401/403 for the API), unless public
  each refused role    refused (403/404) on GET and on POST — and nothing is changed
  each allowed role    reaches the view with its own region's (and department's) object
                       (200/redirect; 405 on GET for POST-only actions, which are not executed)
  allowed roles on     another region's object: refused (403/404) on GET and POST
  reporters on         another department's object (department-scoped rules): refused
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ALL = frozenset({"office", "statistics", "reporter", "evaluation", "leadership", "readonly"})
STAFF = ALL - {"readonly"}   # third parties (readonly) see published reports and open data only (DESIGN.md)
PLAN_READERS = STAFF
OFFICE = frozenset({"office"})
STATS = frozenset({"statistics"})
REPORTER = frozenset({"reporter"})
COLLECTION = frozenset({"office", "statistics", "reporter"})
OVERSEERS = frozenset({"office", "statistics"})
MON_READERS = frozenset({"office", "statistics", "evaluation", "leadership"})
MON_WARN = STAFF
PUB_READERS = MON_READERS | {"readonly"}
PUB_DRAFT_READERS = PUB_READERS - {"readonly"}   # the matrix's report is a draft; third parties see published ones only
PUB_EDITORS = OVERSEERS
EVAL = frozenset({"evaluation"})
SELF_EVAL_LIST = frozenset({"reporter", "office", "evaluation", "leadership"})
BOARD = frozenset({"office", "leadership"})                       # every department's scorecard
CARD = BOARD | {"reporter"}                                        # a department: its own card only
INSPECTION_READERS = BOARD | {"reporter"}


@dataclass(frozen=True)
class Rule:
    roles: frozenset          # who may reach the view (empty + public=True: anyone)
    kwargs: dict = field(default_factory=dict)  # url kwarg -> object kind in the world (or a literal via "=")
    post: bool = False        # a state-changing action: allowed roles are only checked to reach it (GET → 405)
    dept: bool = False        # department-scoped: a reporter is refused another department's object
    public: bool = False      # no login needed
    api: bool = False         # DRF: anonymous gets 401/403 instead of a redirect
    skip_anon_redirect: bool = False  # login/logout/set_language/… served to anyone
    query: str = ""           # extra query string


def P(kind):
    return {"pk": kind}


# Every URL name the application serves (admin: staff only, checked separately below).
RULES: dict[str, Rule] = {
    # orgs / accounts
    "set_language": Rule(ALL, post=True, public=True),
    "home": Rule(ALL),
    "login": Rule(ALL, public=True),
    "logout": Rule(ALL, post=True, public=True),
    "otp_verify": Rule(ALL),
    "password_change": Rule(ALL),
    "password_change_done": Rule(ALL),
    "department_list": Rule(STAFF),
    "department_toggle": Rule(OFFICE, P("department"), post=True),
    # plans
    "plan_list": Rule(PLAN_READERS),
    "plan_import": Rule(OFFICE),
    "plan_detail": Rule(PLAN_READERS, P("plan")),
    "plan_review": Rule(OFFICE, P("plan")),
    "plan_confirm": Rule(OFFICE, P("plan"), post=True),
    "plan_delete": Rule(OFFICE, P("plan"), post=True),
    "plan_changes": Rule(OFFICE, P("plan")),
    "plan_framework": Rule(PLAN_READERS, P("plan")),
    "framework_bulk": Rule(OFFICE, P("plan"), post=True),
    "division_import": Rule(OFFICE, P("plan"), post=True),
    "indicator_add": Rule(OFFICE, P("plan")),
    "indicator_edit": Rule(OFFICE, P("indicator")),
    "indicator_department": Rule(OFFICE, P("indicator"), post=True),
    "indicator_delete": Rule(OFFICE, P("indicator"), post=True),
    "indicator_merge": Rule(OFFICE, P("indicator"), post=True),
    "target_split": Rule(OFFICE, P("target"), post=True),
    "measure_edit": Rule(OFFICE, P("measure")),
    "plan_export": Rule(PLAN_READERS, {"pk": "plan", "table": "=framework", "fmt": "=xlsx"}),
    # indicator catalogue: everyone who reads plans reads it; the office adds entries; office and
    # statistics bureau keep their region's validation rules
    "catalogue:list": Rule(PLAN_READERS),
    "catalogue:detail": Rule(PLAN_READERS, {"code": "=W1-03"}),
    "catalogue:export": Rule(PLAN_READERS, {"fmt": "=xlsx"}),
    "catalogue:add": Rule(OFFICE),
    "catalogue:rules": Rule(OVERSEERS),
    # collection
    "collection:tasks": Rule(COLLECTION),
    "collection:round_open": Rule(OFFICE, post=True),
    "collection:round": Rule(OVERSEERS, P("round")),
    "collection:round_close": Rule(OFFICE, P("round"), post=True),
    "collection:round_reopen": Rule(OFFICE, P("round"), post=True),
    "collection:round_deadline": Rule(OFFICE, P("round"), post=True),
    "collection:round_remind": Rule(OVERSEERS, P("round"), post=True),
    "collection:completeness": Rule(OVERSEERS, P("round")),
    "collection:submission": Rule(COLLECTION, P("submission"), dept=True),
    "collection:indicator": Rule(COLLECTION, {"pk": "submission", "indicator": "indicator"}, dept=True),
    "collection:template": Rule(COLLECTION, P("submission"), dept=True),
    "collection:grid": Rule(COLLECTION, P("submission"), dept=True),
    "collection:grid_save": Rule(REPORTER, P("submission"), post=True, dept=True),
    "collection:grid_bulk": Rule(REPORTER, P("submission"), post=True, dept=True),
    "collection:upload": Rule(REPORTER, P("submission"), dept=True),
    "collection:work_report": Rule(REPORTER, P("submission"), post=True, dept=True),
    "collection:submit": Rule(REPORTER, P("submission"), post=True, dept=True),
    "collection:return": Rule(STATS, P("submission"), post=True),
    "collection:accept": Rule(STATS, P("submission"), post=True),
    "collection:unlock": Rule(OVERSEERS, P("submission"), post=True),
    "collection:comment": Rule(COLLECTION, P("submission"), post=True, dept=True),
    "collection:history": Rule(COLLECTION, P("entry"), dept=True),
    "collection:audit": Rule(OFFICE),
    # API (token or session)
    "api:token": Rule(ALL, post=True, public=True, api=True),
    "api:schema": Rule(ALL, public=True, api=True),
    "api:plans": Rule(PLAN_READERS, api=True),
    "api:plan": Rule(PLAN_READERS, P("plan"), api=True),
    "api:indicators": Rule(PLAN_READERS, api=True),
    "api:indicator": Rule(PLAN_READERS, P("indicator"), api=True, dept=True),
    "api:rounds": Rule(COLLECTION, api=True),
    "api:submissions": Rule(COLLECTION, api=True),
    "api:submission": Rule(COLLECTION, P("submission"), api=True, dept=True),
    "api:submission_observations": Rule(COLLECTION, P("submission"), api=True, dept=True),
    "api:submit": Rule(COLLECTION, P("submission"), post=True, api=True, dept=True),
    "api:return": Rule(COLLECTION, P("submission"), post=True, api=True, dept=True),
    "api:accept": Rule(COLLECTION, P("submission"), post=True, api=True, dept=True),
    "api:unlock": Rule(COLLECTION, P("submission"), post=True, api=True, dept=True),
    "api:observations": Rule(PLAN_READERS, api=True),
    # observations
    "indicator_data": Rule(PLAN_READERS, P("indicator"), dept=True),
    "history_import": Rule(OFFICE),
    "history_template": Rule(OFFICE),
    # monitoring
    "monitoring:dashboard": Rule(MON_READERS),
    "monitoring:area": Rule(MON_READERS),
    "monitoring:indicator": Rule(MON_WARN, P("indicator"), dept=True),
    "monitoring:indicator_csv": Rule(MON_WARN, P("indicator"), dept=True),
    "monitoring:warnings": Rule(MON_WARN),
    "monitoring:warning": Rule(MON_WARN, P("warning"), dept=True),
    "monitoring:judgements": Rule(MON_READERS),
    "monitoring:judge": Rule(EVAL, P("qualitative")),
    "monitoring:attachment": Rule(MON_READERS, P("attachment")),
    "monitoring:gender": Rule(MON_READERS),
    "monitoring:regions": Rule(MON_READERS),
    "monitoring:notifications": Rule(MON_WARN),
    "monitoring:notifications_read": Rule(MON_WARN, post=True),
    "monitoring:notification_settings": Rule(STAFF),  # third parties get no notifications
    # publishing
    "publishing:reports": Rule(PUB_READERS),
    "publishing:report_new": Rule(PUB_EDITORS, post=True),
    "publishing:report": Rule(PUB_DRAFT_READERS, P("report")),
    "publishing:sections": Rule(PUB_EDITORS, P("report"), post=True),
    "publishing:generate": Rule(PUB_EDITORS, P("report"), post=True),
    "publishing:job": Rule(PUB_DRAFT_READERS, P("report")),
    "publishing:step": Rule(MON_READERS, {"pk": "report", "action": "=review"}, post=True),
    "publishing:file": Rule(PUB_DRAFT_READERS, {"pk": "report", "fmt": "=html"}),
    "publishing:self_evaluations": Rule(SELF_EVAL_LIST),
    "publishing:self_evaluation": Rule(REPORTER, {"plan_pk": "plan", "year": "=2024"}),
    # accountability: scorecards (目标管理责任制) and inspections (督导检查)
    "accountability:scorecards": Rule(CARD),
    "accountability:scorecard": Rule(CARD, {"year": "=2024", "pk": "department"}, dept=True),
    "accountability:export": Rule(BOARD, {"year": "=2024", "fmt": "=xlsx"}),
    "accountability:rule": Rule(BOARD, {"year": "=2024"}),
    "accountability:rule_edit": Rule(OFFICE, {"year": "=2024"}, post=True),
    "accountability:inspections": Rule(INSPECTION_READERS),
    "accountability:inspection_new": Rule(OFFICE),
    "accountability:inspection": Rule(INSPECTION_READERS, P("inspection"), dept=True),
    "accountability:correction_progress": Rule(REPORTER, P("correction"), post=True, dept=True),
    "accountability:correction_close": Rule(OFFICE, P("correction"), post=True),
    "accountability:attachment": Rule(INSPECTION_READERS, P("inspection_file"), dept=True),
    # analysis: the data visualizer for every staff role (a reporter: its department's indicators);
    # favourites are their owner's (the pk is posted, another user's is a 404: tests/web/analysis);
    # the map for the dashboard's readers, boundaries uploaded by the office
    "analysis:visualizer": Rule(STAFF),
    "analysis:export": Rule(STAFF),
    "analysis:favourites": Rule(STAFF, post=True),
    "analysis:map": Rule(MON_READERS),
    "analysis:boundary_upload": Rule(OFFICE, post=True),
    # public portal: anyone, but only published reports (the world's reports are drafts → 404)
    "publishing:public": Rule(ALL, public=True),
    "publishing:public_report": Rule(frozenset(), P("report"), public=True),
    "publishing:public_file": Rule(frozenset(), {"pk": "report", "fmt": "=html"}, public=True),
    "publishing:public_data": Rule(frozenset(), {"pk": "report", "fmt": "=csv"}, public=True),
}

# The public portal serves only published reports: a draft is refused to everyone.
DRAFT_ONLY_REFUSED = {"publishing:public_report", "publishing:public_file", "publishing:public_data"}

REFUSED = {403, 404, 405}   # 405: the method is not served at all (nothing done, nothing shown)
API_ANON = {401, 403, 405}


def _walk(resolver, prefix="", ns=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern), ns + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (ns + p.name) if p.name else None


def served_urls():
    return list(_walk(get_resolver()))


def test_every_url_has_a_rule():
    """A URL pattern served by the application without a rule in RULES fails here."""
    missing, unnamed = [], []
    for route, name in served_urls():
        if route.startswith("admin/"):
            continue  # Django admin: every view there needs is_staff (test_admin_is_staff_only)
        if name is None:
            unnamed.append(route)
        elif name not in RULES:
            missing.append(f"{name}  ({route})")
    assert not unnamed, f"URL patterns without a name cannot be matched to a rule: {unnamed}"
    assert not missing, "URLs without a security rule in tests/web/security/test_security_matrix.py:\n  " + \
        "\n  ".join(missing)
    stale = set(RULES) - {n for _r, n in served_urls() if n}
    assert not stale, f"rules for URLs the application no longer serves: {sorted(stale)}"


def _url(name, rule, objects):
    kwargs = {}
    for key, kind in rule.kwargs.items():
        kwargs[key] = kind[1:] if kind.startswith("=") else objects[kind]
        if key == "year":
            kwargs[key] = int(kwargs[key])
    return reverse(name, kwargs=kwargs) + (f"?{rule.query}" if rule.query else "")


def _is_login_redirect(response):
    return response.status_code == 302 and "/login/" in response["Location"]


def _snapshot():
    """Counts and change stamps of every model a refused request could alter."""
    from django.apps import apps

    out = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "axes", "admin", "contenttypes", "auth"} or model._meta.label == "orgs.ApiToken":
            continue
        if model._meta.label in {"orgs.User"}:
            continue
        qs = model.objects.all()
        out[model._meta.label] = qs.count()
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in ("state", "status", "version",
                                                                                    "is_active", "updated_at")]
        if fields:
            out[model._meta.label + ".stamp"] = sorted(map(str, qs.values_list(*fields)))
    return out


@pytest.mark.django_db
def test_role_endpoint_matrix(world, client_for):
    users = world["users"]
    failures: list[str] = []
    clients = {role: client_for(users[role]) for role in ("office", "statistics", "reporter", "evaluation",
                                                            "leadership", "readonly")}
    anon = client_for(None)
    before = _snapshot()
    checked = 0

    def check(label, response, expected):
        nonlocal checked
        checked += 1
        ok = expected(response) if callable(expected) else response.status_code in expected
        if not ok:
            where = response.get("Location", "")
            failures.append(f"{label}: got {response.status_code} {where}".rstrip())

    for name, rule in RULES.items():
        has_obj = bool(rule.kwargs) and any(not k.startswith("=") for k in rule.kwargs.values())
        own_url = _url(name, rule, world["own"])
        # anonymous
        if not rule.public:
            for method in ("get", "post"):
                r = getattr(anon, method)(own_url)
                check(f"anonymous {method.upper()} {name}", r,
                      API_ANON if rule.api else (lambda r: _is_login_redirect(r) or r.status_code == 405))
        for role, c in clients.items():
            allowed = role in rule.roles
            if name in DRAFT_ONLY_REFUSED:
                for method in ("get", "post"):
                    check(f"{role} {method.upper()} {name} (draft)", getattr(c, method)(own_url), REFUSED | {405})
                continue
            if allowed:
                if rule.post:
                    if name in ("logout", "set_language", "api:token"):
                        continue  # harmless for anyone, exercised in test_security_session
                    check(f"{role} GET {name} (POST-only)", c.get(own_url), {405})
                else:
                    r = c.get(own_url)
                    check(f"{role} GET {name}", r,
                          lambda r: r.status_code == 200 or (r.status_code == 302 and not _is_login_redirect(r)))
                if has_obj:
                    other = _url(name, rule, world["other_region"])
                    for method in ("get", "post"):
                        check(f"{role} {method.upper()} {name} on another region's object", getattr(c, method)(other),
                              REFUSED)
                    if rule.dept and role == "reporter":
                        other = _url(name, rule, world["other_dept"])
                        for method in ("get", "post"):
                            check(f"reporter {method.upper()} {name} on another department's object",
                                  getattr(c, method)(other),
                                  REFUSED)
            elif not rule.public:
                for method in ("get", "post"):
                    check(f"{role} {method.upper()} {name} (refused role)", getattr(c, method)(own_url),
                          REFUSED)

    after = _snapshot()
    changed = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not failures, f"{len(failures)} of {checked} checks failed:\n  " + "\n  ".join(failures)
    assert not changed, f"refused requests changed stored data: {changed}"
    assert checked > 500


@pytest.mark.django_db
def test_admin_is_staff_only(world, client_for):
    """Every admin page: anonymous → login, each non-staff role → login page (never the admin)."""
    routes = [r for r, n in served_urls() if r.startswith("admin/") and n and "<" not in r
              and r not in ("admin/login/", "admin/logout/")]
    assert len(routes) > 10
    for role in ("office", "statistics", "reporter", "evaluation", "leadership", "readonly"):
        c = client_for(world["users"][role])
        for route in routes:
            r = c.get("/" + route)
            assert r.status_code in (302, 404), (role, route, r.status_code)
            if r.status_code == 302:
                assert "/admin/login/" in r["Location"], (role, route, r["Location"])

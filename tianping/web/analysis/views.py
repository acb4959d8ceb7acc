"""数据分析: the data visualizer (pivot table, chart, Excel/PNG export, favourites pinned to the
dashboard) and the map of a city's districts from boundaries its office uploads.

Every view checks the role (``role_required``); what a user sees is scoped by services.py
with the existing rules (regions, plans, a reporter's department). A favourite is its
owner's only (another user's is a 404)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tianping.core import geojson
from tianping.core import pivot as core
from tianping.core.errors import InputErrors, TianpingError
from tianping.core.figures import figure, number, status_light
from tianping.web.monitoring import compare
from tianping.web.monitoring.models import AssessmentRun
from tianping.web.orgs.models import Region
from tianping.web.orgs.permissions import (
    Role,
    regions_visible_to,
    role_required,
    user_has_role,
)

from . import services
from .models import Favourite

LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "orange": "#e65100", "red": "#b71c1c", "grey": "#9e9e9e"}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _choice(data) -> core.Choice:
    return core.Choice.from_dict({"indicators": data.getlist("indicator"), "regions": data.getlist("region"),
                                  "years": data.getlist("year"), "breakdown": data.get("breakdown", ""),
                                  "columns": data.get("columns", "year"), "chart": data.get("chart", "line")})


def _query(choice: core.Choice) -> str:
    pairs = [("indicator", k) for k in choice.indicators] + [("region", c) for c in choice.regions] + \
        [("year", y) for y in choice.years] + [("breakdown", choice.breakdown), ("columns", choice.columns),
                                                 ("chart", choice.chart)]
    return urlencode(pairs)


def _own_favourite(request, pk) -> Favourite:
    return get_object_or_404(Favourite, owner=request.user, pk=_int(pk))


def _requested_choice(request) -> tuple[core.Choice, Favourite | None]:
    if request.GET.get("fav"):
        fav = _own_favourite(request, request.GET["fav"])
        return core.Choice.from_dict(fav.choice), fav
    return _choice(request.GET), None


@role_required(*services.ANALYSTS)
def visualizer(request):
    user = request.user
    choice, fav = _requested_choice(request)
    infos, by_key = services.indicator_infos(user)
    names = services.visible_regions(user)
    if not choice.regions and user.region_id and user.region.code in names and not request.GET:
        choice.regions = [user.region.code]
    table = services.build(user, choice, infos, by_key, names) if choice.complete else None
    title = fav.name if fav else "、".join(infos[k].name for k in choice.indicators if k in infos)[:80]
    return render(request, "analysis/visualizer.html", {
        "choice": choice, "favourite": fav, "table": table, "title": title,
        "chart": core.chart_data(table, title) if table and not table.empty else None,
        "indicators": [(info, [core.BREAKDOWN_LABELS[b] for b in info.breakdowns]) for info in infos.values()],
        "regions": list(names.items()), "years": services.available_years(user),
        "breakdowns": list(core.BREAKDOWN_LABELS.items()),
        "columns": [(c, core.DIMENSION_LABELS[c]) for c in core.COLUMN_CHOICES],
        "charts": list(core.CHART_LABELS.items()), "query": _query(choice),
        "favourites": Favourite.objects.filter(owner=user).order_by("name"), "may_pin": services.may_pin(user),
        "max_pinned": services.MAX_PINNED,
    })


@role_required(*services.ANALYSTS)
def export(request):
    choice, fav = _requested_choice(request)
    if not choice.complete:
        messages.error(request, _("Choose at least one indicator and one region."))
        return redirect("analysis:visualizer")
    table = services.build(request.user, choice)
    title = fav.name if fav else "透视表"
    response = HttpResponse(core.to_xlsx(table, title),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename=\"pivot.xlsx\"; filename*=UTF-8''" + \
        quote(f"{title[:60]}.xlsx")
    return response


@require_POST
@role_required(*services.ANALYSTS)
def favourites(request):
    user = request.user
    action = request.POST.get("action", "")
    back = reverse("analysis:visualizer")
    if action == "save":
        name = " ".join(request.POST.get("name", "").split())[:100]
        choice = _choice(request.POST)
        if not name:
            messages.error(request, _("Give the favourite a name."))
        elif not choice.complete:
            messages.error(request, _("Choose at least one indicator and one region before saving."))
        else:
            try:
                fav, created = Favourite.objects.update_or_create(owner=user, name=name,
                                                                   defaults={"choice": choice.as_dict()})
            except IntegrityError:   # two saves of the same name at once: the other one won
                fav, created = Favourite.objects.get(owner=user, name=name), False
            messages.success(request, (_("Saved as favourite “%(name)s”.") if created
                                       else _("Favourite “%(name)s” updated.")) % {"name": fav.name})
            return redirect(f"{back}?fav={fav.pk}")
        return redirect(f"{back}?{_query(choice)}")
    fav = _own_favourite(request, request.POST.get("pk"))
    if action in ("pin", "unpin"):
        if not services.may_pin(user):
            raise PermissionDenied(_("Your role has no dashboard to pin charts to."))
        if action == "pin" and not fav.pinned and \
                Favourite.objects.filter(owner=user, pinned=True).count() >= services.MAX_PINNED:
            messages.error(request, _("At most %(n)d charts can be pinned to the dashboard; unpin one first.")
                           % {"n": services.MAX_PINNED})
        else:
            fav.pinned = action == "pin"
            fav.save(update_fields=["pinned", "updated_at"])
            messages.success(request, (_("“%(name)s” is now shown on your dashboard.") if fav.pinned
                                       else _("“%(name)s” is no longer shown on your dashboard.")) % {"name": fav.name})
    elif action == "delete":
        name = fav.name
        fav.delete()
        messages.success(request, _("Favourite “%(name)s” deleted.") % {"name": name})
        return redirect(back)
    else:
        raise PermissionDenied(_("Unknown action."))
    return redirect(request.POST.get("next") == "dashboard" and reverse("monitoring:dashboard")
                    or f"{back}?fav={fav.pk}")


# ---------------------------------------------------------------- map

def _map_region(request) -> Region:
    visible = regions_visible_to(request.user)
    code = request.GET.get("region")
    if code:
        return get_object_or_404(visible, code=code)
    if request.user.region_id:
        return request.user.region
    region = visible.filter(boundaries__isnull=False).order_by("code").first()
    return region or get_object_or_404(visible.order_by("code")[:1])


def _may_upload(user, region) -> bool:
    return user.is_superuser or (user_has_role(user, Role.OFFICE) and user.region_id == region.pk)


def _render_map(request, region: Region, errors: list[str] | None = None, status: int = 200):
    user = request.user
    boundary = services.current_boundary(region)
    context = {"region": region, "boundary": boundary, "may_upload": _may_upload(user, region),
               "errors": errors or [], "max_mb": geojson.MAX_BYTES // 2**20, "schematic_label": geojson.SCHEMATIC_LABEL,
               "colours": [("status", _("Status")), ("value", _("Value"))],
               "regions": [(c, n) for c, n in regions_visible_to(user).filter(level__in=(Region.Level.PROVINCE,
                                                                                          Region.Level.CITY))
                           .order_by("code").values_list("code", "name")]}
    if boundary is not None:
        year = _int(request.GET.get("year"))
        districts, rows, _latest = compare.district_rows(region, user, year, min_districts=1)
        options = [(f"{r['kind']}|{r['name']}", r) for r in rows]
        wanted = request.GET.get("indicator", "")
        key, row = next(((k, r) for k, r in options if k == wanted), options[0] if options else ("", None))
        colour = request.GET.get("colour") if request.GET.get("colour") in ("status", "value") else "status"
        items = []
        for district in districts:
            cell = row["cells"][districts.index(district)] if row else None
            if district.code not in boundary.matched:
                continue
            value = cell["value"] if cell else None
            said = cell["status"] if cell else "数据不足"
            light = status_light(said) if cell else "grey"
            items.append({"name": district.code, "district": district.name, "value": value,
                          "label": figure(value, cell["unit"]) if cell else "—", "status": said,
                          "light": light, "colour": LIGHT_COLOURS[light],
                          "year": cell["year"] if cell else None, "target": cell["target"] if cell else ""})
        child_codes = [c for c, _n in services.child_regions(region)]
        context.update({
            "options": [(k, r["name"]) for k, r in options], "indicator_key": key, "row": row, "colour": colour,
            "year": year, "items": items,
            "years": sorted(set(AssessmentRun.objects.filter(region__code__in=child_codes)
                                .values_list("year", flat=True)), reverse=True),
            "map_data": {"map": boundary.geojson, "mapName": f"tp-{region.code}", "mode": colour,
                         "title": row["name"] if row else "", "items": items,
                         "legend": [{"label": s, "colour": LIGHT_COLOURS[lt]} for s, lt in
                                    (("已达标/预计达标", "green"), ("尚难判断/需加快", "yellow"),
                                     ("进展缓慢/未达标", "orange"), ("退步/未实现", "red"), ("例数过少/数据不足", "grey"))],
                         "subtitle": geojson.SCHEMATIC_LABEL if boundary.schematic else ""},
        })
    return render(request, "analysis/map.html", context, status=status)


@role_required(*services.DASHBOARD_READERS)
def map_view(request):
    return _render_map(request, _map_region(request))


@require_POST
@role_required(Role.OFFICE)
def boundary_upload(request):
    region = request.user.region
    if region is None:
        raise PermissionDenied(_("Your account has no region."))
    upload = request.FILES.get("file")
    errors: list[str] = []
    if upload is None:
        errors = [_("Choose a GeoJSON file to upload.")]
    elif upload.size > geojson.MAX_BYTES:
        errors = [f"文件“{upload.name}”大小{number(upload.size / 2**20, 1)} MB，"
                  f"超过上限{number(geojson.MAX_BYTES / 2**20, 0)} MB"]
    else:
        try:
            boundary = services.store_boundaries(region, request.user, upload.name, upload.read())
        except InputErrors as err:
            errors = [str(e) for e in err.errors]
        except TianpingError as err:
            errors = [str(err)]
        else:
            text = f"已上传边界“{boundary.file_name}”：{len(boundary.matched)}个区县已匹配"
            if boundary.unmatched:
                text += f"；未匹配的要素：{'、'.join(boundary.unmatched)}"
            if boundary.missing:
                text += f"；没有边界的区县：{'、'.join(boundary.missing)}"
            messages.success(request, text)
            return redirect(f"{reverse('analysis:map')}?region={region.code}")
    return _render_map(request, region, errors, status=400)

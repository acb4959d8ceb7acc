"""REST API (token or session authentication). Every endpoint applies the same rules
as the pages, through the same helpers: orgs.permissions for roles and regions,
collection.permissions for submissions, collection.services for every write.

A reporter sees the plans of its region but only its own department's indicators,
submissions and accepted observations, and writes only while its submission is
editable (round open, draft or returned)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from tianping.core.errors import TianpingError
from tianping.web.collection import services
from tianping.web.collection.models import EntryChange
from tianping.web.collection.permissions import (
    READERS,
    can_edit,
    can_review,
    can_unlock,
    rounds_visible_to,
    submissions_visible_to,
)
from tianping.web.observations.models import Observation
from tianping.web.orgs.permissions import (
    PLAN_READERS,
    Role,
    is_third_party,
    scoped,
    third_party_may,
    user_has_role,
)
from tianping.web.orgs.tokens import HashedTokenAuthentication
from tianping.web.plans.models import Indicator, Plan

from . import serializers as s
from .bulk import parse_bulk


def HasRole(*roles):
    class _HasRole(BasePermission):
        message = "您的角色无权访问此接口"

        def has_permission(self, request, view):
            if is_third_party(request.user):  # published reports and open data only, never the API's data
                return third_party_may(getattr(request.resolver_match, "view_name", None))
            return user_has_role(request.user, *roles)

    return _HasRole


class Pages(LimitOffsetPagination):
    default_limit = 500
    max_limit = 10000


class Base:
    authentication_classes = [HashedTokenAuthentication, SessionAuthentication]
    permission_classes = [HasRole(*PLAN_READERS)]
    schema = AutoSchema()
    pagination_class = Pages


def _int_param(request, key: str):
    """An integer filter parameter, or None; anything else is a 400 with a Chinese message (not a 500)."""
    raw = request.query_params.get(key)
    if not raw:
        return None
    try:
        value = int(raw)
        if abs(value) >= 2**31:
            raise ValueError(raw)
        return value
    except ValueError:
        raise ValidationError({key: f"参数 {key} 须为整数"}) from None


def _reporter(user) -> bool:
    return not user.is_superuser and user.role == Role.REPORTER


class PlanList(Base, generics.ListAPIView):
    serializer_class = s.PlanSerializer

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).select_related("region").order_by("pk")


class PlanDetail(Base, generics.RetrieveAPIView):
    serializer_class = s.PlanSerializer
    get_queryset = PlanList.get_queryset


@extend_schema(parameters=[OpenApiParameter("plan", int, description="only this plan's indicators")])
class IndicatorList(Base, generics.ListAPIView):
    serializer_class = s.IndicatorSerializer

    def get_queryset(self):
        user = self.request.user
        qs = scoped(Indicator.objects.select_related("responsible_department").prefetch_related("targets"), user,
                    "plan__region").order_by("plan_id", "position", "pk")
        if _reporter(user):
            qs = qs.filter(responsible_department_id=user.department_id)
        if _int_param(self.request, "plan") is not None:
            qs = qs.filter(plan_id=_int_param(self.request, "plan"))
        return qs



class IndicatorDetail(Base, generics.RetrieveAPIView):
    serializer_class = s.IndicatorSerializer
    get_queryset = IndicatorList.get_queryset


class RoundList(Base, generics.ListAPIView):
    permission_classes = [HasRole(*READERS)]
    serializer_class = s.RoundSerializer

    def get_queryset(self):
        return rounds_visible_to(self.request.user).order_by("-year", "pk")


@extend_schema(parameters=[OpenApiParameter("round", int, description="only this round's submissions")])
class SubmissionList(Base, generics.ListAPIView):
    permission_classes = [HasRole(*READERS)]
    serializer_class = s.SubmissionSerializer

    def get_queryset(self):
        qs = submissions_visible_to(self.request.user).prefetch_related("comments__author").order_by("pk")
        if _int_param(self.request, "round") is not None:
            qs = qs.filter(round_id=_int_param(self.request, "round"))
        return qs



class SubmissionDetail(Base, generics.RetrieveAPIView):
    permission_classes = [HasRole(*READERS)]
    serializer_class = s.SubmissionSerializer
    get_queryset = SubmissionList.get_queryset


def _submission(request, pk):
    return get_object_or_404(submissions_visible_to(request.user), pk=pk)


@extend_schema(methods=["GET"], responses=s.EntrySerializer(many=True))
@extend_schema(methods=["POST"], request=s.BulkImportIn, responses={200: s.ImportSummary, 400: s.ImportSummary})
class SubmissionObservations(Base, APIView):
    """The submission's values (GET) and the bulk import (POST, with ``dry_run``).

    All or nothing: one error and nothing is saved. Repeating an import changes
    nothing (``unchanged``). A row with ``version`` that is not the stored one is a
    conflict and refused, never overwritten."""

    permission_classes = [HasRole(*READERS)]

    def get(self, request, pk):
        sub = _submission(request, pk)
        return Response(s.EntrySerializer(sub.entries.order_by("indicator_id", "sex", "age", "residence"), many=True).data)

    def post(self, request, pk):
        sub = _submission(request, pk)
        if not can_edit(request.user, sub):
            raise PermissionDenied("您现在不能修改此填报（只有本单位联络员可以在轮次开放、草稿或退回状态时填报）")
        dry_run, rows, errors = parse_bulk(request.data)
        if errors:
            summary = services.Summary(dry_run=dry_run, errors=errors)
            return Response(summary.as_dict(), status=status.HTTP_400_BAD_REQUEST)
        summary = services.save_rows(sub, rows, request.user, EntryChange.Channel.API, dry_run=dry_run)
        return Response(summary.as_dict(), status=status.HTTP_200_OK if summary.ok else status.HTTP_400_BAD_REQUEST)


@extend_schema(request=s.ReasonIn, responses=s.SubmissionSerializer)
class Action(Base, APIView):
    permission_classes = [HasRole(*READERS)]
    action = ""

    def post(self, request, pk):
        sub = _submission(request, pk)
        user = request.user
        reason = s.ReasonIn(data=request.data)
        reason.is_valid(raise_exception=True)
        reason = reason.validated_data["reason"]
        allowed, run = {
            "submit": (can_edit(user, sub), lambda: services.submit(sub, user, {
                k: str(request.data[k]) for k in services.WORK_REPORT_FIELDS
                if k in request.data})),
            "return": (can_review(user), lambda: services.return_submission(sub, user, reason)),
            "accept": (can_review(user), lambda: services.accept(sub, user)),
            "unlock": (can_unlock(user), lambda: services.unlock(sub, user, reason)),
        }[self.action]
        if not allowed:
            raise PermissionDenied("您的角色或填报状态不允许此操作")
        try:
            sub = run()
        except TianpingError as err:
            return Response({"detail": str(err)}, status=status.HTTP_409_CONFLICT)
        return Response(s.SubmissionSerializer(_submission(request, sub.pk)).data)


@extend_schema(parameters=[OpenApiParameter("indicator", int), OpenApiParameter("year", int)])
class ObservationList(Base, generics.ListAPIView):
    """Accepted observations (and labelled synthetic demo data): what assessment reads."""

    serializer_class = s.ObservationSerializer

    def get_queryset(self):
        user = self.request.user
        qs = scoped(Observation.objects.select_related("region"), user).order_by("pk")
        if _reporter(user):
            qs = qs.filter(indicator__responsible_department_id=user.department_id)
        for key in ("indicator", "year"):
            value = _int_param(self.request, key)
            if value is not None:
                qs = qs.filter(**{key: value})
        return qs


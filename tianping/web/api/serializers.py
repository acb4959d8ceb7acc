"""API shapes. Read serializers for the framework and the collection; the bulk
observation import has its own request and summary shapes."""

from __future__ import annotations

from rest_framework import serializers

from tianping.web.collection.models import Comment, Entry, ReportingRound, Submission
from tianping.web.observations.models import Observation
from tianping.web.plans.models import Indicator, Plan, Target


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")

    class Meta:
        model = Plan
        fields = ["id", "region", "kind", "title", "start_year", "end_year", "milestone_years", "status"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["year", "op", "value", "upper", "unit", "base_year", "tolerance", "kind", "text"]


class IndicatorSerializer(serializers.ModelSerializer):
    responsible_department = serializers.CharField(source="responsible_department.name", default=None)
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "plan", "name", "unit", "direction", "responsible_department", "by_sex", "by_age",
                  "by_residence", "definition", "numerator", "denominator", "multiplier", "data_source", "targets"]


class RoundSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")

    class Meta:
        model = ReportingRound
        fields = ["id", "region", "year", "opens_on", "deadline", "state"]


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None)

    class Meta:
        model = Comment
        fields = ["kind", "author", "text", "at"]


class SubmissionSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")
    year = serializers.IntegerField(source="round.year")
    region = serializers.CharField(source="round.region.code")
    timeliness = serializers.CharField()
    comments = CommentSerializer(many=True, read_only=True)
    # the department's annual work report (kept in collection.DepartmentReport)
    work_progress = serializers.CharField(source="work_report.progress", read_only=True)
    work_problems = serializers.CharField(source="work_report.problems", read_only=True)
    work_next_year = serializers.CharField(source="work_report.next_steps", read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "round", "region", "year", "department", "state", "reopened", "work_progress",
                  "work_problems", "work_next_year", "first_submitted_at", "submitted_at", "accepted_at",
                  "timeliness", "version", "comments"]


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "indicator", "sex", "age", "residence", "value", "numerator", "denominator", "note",
                  "version", "updated_at"]


class ObservationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")

    class Meta:
        model = Observation
        fields = ["id", "indicator", "region", "year", "sex", "age", "residence", "value", "numerator",
                  "denominator", "note", "synthetic"]


class ObservationIn(serializers.Serializer):
    indicator = serializers.IntegerField()
    sex = serializers.ChoiceField(choices=["", "女", "男"], default="", allow_blank=True)
    age = serializers.CharField(max_length=20, default="", allow_blank=True)
    residence = serializers.ChoiceField(choices=["", "城镇", "农村"], default="", allow_blank=True)
    value = serializers.FloatField(allow_null=True, required=False, default=None)
    numerator = serializers.FloatField(allow_null=True, required=False, default=None)
    denominator = serializers.FloatField(allow_null=True, required=False, default=None)
    note = serializers.CharField(max_length=500, default="", allow_blank=True)
    unit = serializers.CharField(max_length=30, default="", allow_blank=True)
    version = serializers.IntegerField(min_value=0,
                                       help_text="Version the edit is based on (0 for a new cell); required: "
                                                 "a write that does not name it is refused.")


class BulkImportIn(serializers.Serializer):
    dry_run = serializers.BooleanField(default=False)
    observations = ObservationIn(many=True, allow_empty=False)


class ImportSummary(serializers.Serializer):
    dry_run = serializers.BooleanField()
    committed = serializers.BooleanField()
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    conflicts = serializers.ListField(child=serializers.DictField())
    changes = serializers.ListField(child=serializers.DictField())


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Required to return or unlock.")
    work_progress = serializers.CharField(required=False, allow_blank=True, help_text="submit: 规划落实情况")
    work_problems = serializers.CharField(required=False, allow_blank=True, help_text="submit: 存在问题")
    work_next_year = serializers.CharField(required=False, allow_blank=True, help_text="submit: 下一年工作安排")

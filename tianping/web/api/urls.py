from django.urls import path
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import parsers, renderers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from tianping.web.orgs import otp, tokens

from . import views

app_name = "api"


class TokenView(APIView):
    """POST username and password → a new token (shown once; only its hash is kept) and its expiry."""

    throttle_classes = ()
    permission_classes = ()
    authentication_classes = ()
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)
    renderer_classes = (renderers.JSONRenderer,)
    serializer_class = AuthTokenSerializer
    schema = AutoSchema()

    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if otp.required_for(user) and not otp.verify_code(user, str(request.data.get("otp", ""))):
            return Response({"otp": ["此账户需要动态口令：请在 otp 字段填写认证器应用当前显示的6位数字"]}, status=400)
        token, key = tokens.issue(user)
        return Response({"token": key, "expires": token.expires_at.isoformat()})


@extend_schema(exclude=True)
class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of this API (no project-wide DRF settings needed)."""

    schema = AutoSchema()

    def get(self, request, *args, **kwargs):
        return self._get_schema_response(request)


urlpatterns = [
    path("token/", TokenView.as_view(), name="token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("plans/", views.PlanList.as_view(), name="plans"),
    path("plans/<int:pk>/", views.PlanDetail.as_view(), name="plan"),
    path("indicators/", views.IndicatorList.as_view(), name="indicators"),
    path("indicators/<int:pk>/", views.IndicatorDetail.as_view(), name="indicator"),
    path("rounds/", views.RoundList.as_view(), name="rounds"),
    path("submissions/", views.SubmissionList.as_view(), name="submissions"),
    path("submissions/<int:pk>/", views.SubmissionDetail.as_view(), name="submission"),
    path("submissions/<int:pk>/observations/", views.SubmissionObservations.as_view(), name="submission_observations"),
    path("submissions/<int:pk>/submit/", views.Action.as_view(action="submit"), name="submit"),
    path("submissions/<int:pk>/return/", views.Action.as_view(action="return"), name="return"),
    path("submissions/<int:pk>/accept/", views.Action.as_view(action="accept"), name="accept"),
    path("submissions/<int:pk>/unlock/", views.Action.as_view(action="unlock"), name="unlock"),
    path("observations/", views.ObservationList.as_view(), name="observations"),
]

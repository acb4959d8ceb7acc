from django.urls import path

from . import audit_log, grid, views

app_name = "collection"

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("rounds/open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path("rounds/<int:pk>/deadline/", views.round_deadline, name="round_deadline"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/completeness/", views.completeness, name="completeness"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/indicators/<int:indicator>/", views.indicator_form, name="indicator"),
    path("submissions/<int:pk>/grid/", grid.grid_page, name="grid"),
    path("submissions/<int:pk>/grid/save/", grid.grid_save, name="grid_save"),
    path("submissions/<int:pk>/grid/bulk/", grid.grid_bulk, name="grid_bulk"),
    path("submissions/<int:pk>/template.xlsx", views.template_download, name="template"),
    path("submissions/<int:pk>/upload/", views.upload, name="upload"),
    path("submissions/<int:pk>/report/", views.work_report, name="work_report"),
    path("submissions/<int:pk>/submit/", views.submit, name="submit"),
    path("submissions/<int:pk>/return/", views.return_view, name="return"),
    path("submissions/<int:pk>/accept/", views.accept, name="accept"),
    path("submissions/<int:pk>/unlock/", views.unlock, name="unlock"),
    path("submissions/<int:pk>/comment/", views.comment, name="comment"),
    path("entries/<int:pk>/history/", views.entry_history, name="history"),
    path("audit/", audit_log.audit_log, name="audit"),
]

"""Loop's support console, included by ``consumer/urls.py`` inside the ``loop`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/accounts/<int:account_id>/", views.staff_account, name="staff_account"),
    path("staff/accounts/<int:account_id>/suspend/", views.suspend_account, name="staff_account_suspend"),
    path("staff/accounts/<int:account_id>/restore/", views.restore_account, name="staff_account_restore"),
    path("staff/cases/<int:case_id>/", views.staff_case, name="staff_case"),
    path("staff/cases/<int:case_id>/evidence/", views.record_evidence, name="staff_case_evidence"),
    path("staff/cases/<int:case_id>/restore/", views.grant_appeal, name="staff_case_restore"),
    path("staff/cases/<int:case_id>/approve/", views.approve_recovery, name="staff_case_approve"),
    path("staff/cases/<int:case_id>/decline/", views.decline_case, name="staff_case_decline"),
]

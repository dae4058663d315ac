from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from requests_app.agencies import contact_views as agency_contacts
from requests_app.agencies import set_views as agency_sets
from requests_app.agencies import views as agencies
from requests_app.api import token_views as api_tokens
from requests_app.auditlogs import import_views as audit_imports
from requests_app.auditlogs import views as auditlogs
from requests_app.auditlogs import report_views as audit_reports
from requests_app.campaigns import contact_views as campaign_contacts
from requests_app.campaigns import views as campaigns
from requests_app.correspondence import suggestion_views as contact_suggestions
from requests_app.correspondence import views as correspondence
from requests_app.deadlines import views as deadlines
from requests_app.documents import views as documents
from requests_app.laws import views as laws
from requests_app.letters import views as letters
from requests_app.ops import views as ops
from requests_app.records import job_views as record_jobs
from requests_app.records import list_views as record_lists
from requests_app.records import views as records
from requests_app.teams import member_views as members
from requests_app.teams import views as teams
from requests_app.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password-reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("organizations/new/", teams.organization_new, name="organization-create"),
    path("organizations/switch/", teams.organization_switch, name="organization-switch"),
    path("organizations/letterhead/", teams.letterhead, name="letterhead"),
    path("organization/members/", members.member_list, name="members"),
    path("organization/members/invite/", members.member_invite, name="member-invite"),
    path("organization/members/<int:membership_id>/role/", members.member_role, name="member-role"),
    path("organization/members/<int:membership_id>/remove/", members.member_remove, name="member-remove"),
    path("organization/members/<int:membership_id>/unlock/", members.member_unlock, name="member-unlock"),
    path("organization/invitations/<int:invitation_id>/revoke/", members.invitation_revoke,
         name="invitation-revoke"),
    path("invitations/<str:token>/", members.invitation_accept, name="invitation-accept"),
    path("agencies/", agencies.agency_list, name="agency-list"),
    path("agencies/search.json", agencies.agency_search_json, name="agency-search-json"),
    path("agencies/needs-contact/", agency_contacts.needs_contact, name="agency-needs-contact"),
    path("agencies/contacts/import/", agency_contacts.contacts_import, name="agency-contacts-import"),
    path("agencies/<int:pk>/", agencies.agency_page, name="agency-detail"),
    path("agencies/<int:pk>/contact/", agency_contacts.agency_contact_edit, name="agency-contact"),
    path("agencies/<int:pk>/add-to-set/", agency_sets.agency_add_to_set, name="agency-add-to-set"),
    path("agencies/suggestions/<int:pk>/accept/", contact_suggestions.contact_suggestion_accept,
         name="contact-suggestion-accept"),
    path("agencies/suggestions/<int:pk>/reject/", contact_suggestions.contact_suggestion_reject,
         name="contact-suggestion-reject"),
    path("agency-sets/", agency_sets.agency_set_list, name="agency-set-list"),
    path("agency-sets/new/", agency_sets.agency_set_new, name="agency-set-create"),
    path("agency-sets/<int:pk>/", agency_sets.agency_set_detail, name="agency-set-detail"),
    path("agency-sets/<int:pk>/edit/", agency_sets.agency_set_edit, name="agency-set-edit"),
    path("agency-sets/<int:pk>/delete/", agency_sets.agency_set_delete, name="agency-set-delete"),
    path("agency-sets/<int:pk>/agencies/<int:agency_id>/remove/", agency_sets.agency_set_remove_agency,
         name="agency-set-remove-agency"),
    path("requests/", record_lists.request_list, name="request-list"),
    path("requests/bulk/", record_lists.request_bulk, name="request-bulk"),
    path("requests/bulk/jobs/<int:pk>/", record_jobs.bulk_job_page, name="bulk-job"),
    path("requests/bulk/jobs/<int:pk>/progress.json", record_jobs.bulk_job_progress, name="bulk-job-progress"),
    path("requests/export.csv", record_lists.request_export_csv, name="request-export-csv"),
    path("requests/export.xlsx", record_lists.request_export_xlsx, name="request-export-xlsx"),
    path("requests/new/", records.request_new, name="request-create"),
    path("requests/<int:pk>/", web.request_detail, name="request-detail"),
    path("requests/<int:pk>/letter/", records.letter_edit, name="letter-edit"),
    path("requests/<int:pk>/letter/regenerate/", records.letter_regenerate, name="letter-regenerate"),
    path("requests/<int:pk>/letter/readdress/", records.letter_readdress, name="letter-readdress"),
    path("requests/<int:pk>/letter/preview/", records.letter_preview, name="letter-preview"),
    path("requests/<int:pk>/letter/finalise/", records.letter_finalise_view, name="letter-finalise"),
    path("requests/<int:pk>/letters/<int:number>.pdf", records.letter_download, name="letter-download"),
    path("requests/<int:pk>/status/", records.change_status, name="change-status"),
    path("requests/<int:pk>/communications/", correspondence.communication_log, name="communication-log"),
    path("requests/<int:pk>/items/<int:item_id>/outcome/", correspondence.item_outcome, name="item-outcome"),
    path("requests/<int:pk>/fees/", correspondence.fee_add, name="fee-add"),
    path("requests/<int:pk>/documents/", documents.upload, name="document-upload"),
    path("requests/<int:pk>/packet.zip", documents.packet, name="request-packet"),
    path("requests/<int:pk>/audit/", auditlogs.audit_report, name="audit-report"),
    path("requests/<int:pk>/audit/flagged.csv", auditlogs.flagged_csv, name="audit-flagged-csv"),
    path("requests/<int:pk>/audit/report.pdf", audit_reports.audit_report_pdf, name="audit-report-pdf"),
    path("requests/<int:pk>/audit/sharing.csv", audit_reports.sharing_csv, name="audit-sharing-csv"),
    path("requests/<int:pk>/documents/<int:document_id>/analyse/", auditlogs.analyse_document, name="audit-analyse"),
    path("requests/<int:pk>/audit/imports/<int:import_id>/", audit_imports.import_page, name="audit-import"),
    path("requests/<int:pk>/audit/imports/<int:import_id>/progress.json", audit_imports.import_progress,
         name="audit-import-progress"),
    path("requests/<int:pk>/audit/imports/<int:import_id>/columns/", audit_imports.import_columns,
         name="audit-import-columns"),
    path("requests/<int:pk>/audit/imports/<int:import_id>/zone/", audit_imports.import_zone, name="audit-import-zone"),
    path("documents/<int:document_id>/", documents.document_detail, name="document-detail"),
    path("audit-terms/", auditlogs.custom_terms, name="audit-terms"),
    path("inbox/", documents.inbox, name="inbox"),
    path("search/", documents.search_page, name="search"),
    path("inbox/<int:inbound_id>/", documents.inbox_assign, name="inbox-assign"),
    path("documents/<int:document_id>/download/", documents.download, name="document-download"),
    path("requests/<int:pk>/send/email/", records.send_email, name="send-email"),
    path("requests/<int:pk>/send/record/", records.record_submission, name="record-submission"),
    path("requests/<int:pk>/extension/", deadlines.log_extension, name="log-extension"),
    path("requests/<int:pk>/remind/", deadlines.remind_me, name="remind-me"),
    path("requests/<int:pk>/closed-days/", deadlines.set_agency_closed_days, name="agency-closed-days"),
    path("requests/<int:pk>/watch/", deadlines.toggle_watch, name="toggle-watch"),
    path("requests/<int:pk>/follow-ups/new/", letters.follow_up_draft, name="follow-up-draft"),
    path("requests/<int:pk>/follow-ups/<int:letter_id>/", letters.follow_up_edit, name="follow-up-edit"),
    path("requests/<int:pk>/follow-ups/<int:letter_id>/finalise/", letters.follow_up_finalise, name="follow-up-finalise"),
    path("requests/<int:pk>/follow-ups/<int:letter_id>.pdf", letters.follow_up_download, name="follow-up-download"),
    path("requests/<int:pk>/follow-ups/<int:letter_id>/sent/", letters.follow_up_sent, name="follow-up-sent"),
    path("requests/<int:pk>/follow-ups/<int:letter_id>/email/", letters.follow_up_email, name="follow-up-email"),
    path("deadlines/", deadlines.deadlines_board, name="deadlines"),
    path("notifications/", deadlines.notifications, name="notifications"),
    path("calendar/", deadlines.calendar_settings, name="calendar-settings"),
    path("calendar/<str:token>.ics", deadlines.calendar_feed, name="calendar-feed"),
    path("items/", records.custom_items, name="custom-items"),
    path("campaigns/", campaigns.campaign_list, name="campaign-list"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign-create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/agencies/", campaigns.campaign_add, name="campaign-add"),
    path("campaigns/<int:pk>/render/", campaigns.campaign_render, name="campaign-render"),
    path("campaigns/<int:pk>/progress/", campaigns.campaign_progress, name="campaign-progress"),
    path("campaigns/<int:pk>/letters.zip", campaigns.campaign_download, name="campaign-download"),
    path("campaigns/<int:pk>/packets/", campaigns.campaign_packets, name="campaign-packets"),
    path("campaigns/<int:pk>/packets/<int:export_id>/", campaigns.packet_export_page, name="campaign-packet-export"),
    path("campaigns/<int:pk>/packets/<int:export_id>/progress.json", campaigns.packet_export_progress,
         name="campaign-packet-export-progress"),
    path("campaigns/<int:pk>/packets/<int:export_id>/download", campaigns.packet_export_download,
         name="campaign-packet-export-download"),
    path("campaigns/<int:pk>/send/", campaigns.campaign_send, name="campaign-send"),
    path("campaigns/<int:pk>/contacts/<int:agency_id>/", campaign_contacts.campaign_contact_fill,
         name="campaign-contact-fill"),
    path("campaigns/<int:pk>/needs-contact.csv", campaign_contacts.campaign_needs_contact_csv,
         name="campaign-needs-contact-csv"),
    path("campaigns/<int:pk>/audit/", audit_reports.campaign_audit_report, name="campaign-audit-report"),
    path("campaigns/<int:pk>/audit/flagged.csv", audit_reports.campaign_flagged_csv,
         name="campaign-audit-flagged-csv"),
    path("campaigns/<int:pk>/audit/report.pdf", audit_reports.campaign_audit_report_pdf,
         name="campaign-audit-report-pdf"),
    path("campaigns/<int:pk>/audit/sharing.csv", audit_reports.campaign_sharing_csv,
         name="campaign-audit-sharing-csv"),
    path("laws/", laws.law_list, name="law-list"),
    path("laws/<str:code>/", laws.law_detail, name="law-detail"),
    path("api-tokens/", api_tokens.api_tokens, name="api-tokens"),
    path("api-tokens/<int:pk>/revoke/", api_tokens.api_token_revoke, name="api-token-revoke"),
    path("api/", include("requests_app.api.urls")),
    path("healthz", ops.healthz, name="healthz"),
    path("favicon.ico", ops.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]

# Under /api/ these answer JSON; elsewhere the site's own pages.
handler400 = "requests_app.api.errors.bad_request"
handler404 = "requests_app.api.errors.page_not_found"
handler500 = "requests_app.api.errors.server_error"

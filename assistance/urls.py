from django.urls import path

from .views import dispatch, drafting, files, lists, notice_page, referrals, relief, suggestions, terms, tracking

app_name = "assistance"


def move(route, name, url_name):
    """A move made from the notice's page: the one view of `notice_page.ACTIONS`, told which move."""
    return path(route, notice_page.notice_action, {"name": name}, name=url_name)


urlpatterns = [
    path("cases/<int:case_id>/notices/new/", drafting.draft, name="draft"),
    path("notices/", lists.notice_list, name="list"),
    path("notices/to-sign/", drafting.to_sign, name="to-sign"),
    path("notices/sign/", drafting.sign_many, name="sign-many"),
    path("notices/<int:pk>/", notice_page.notice_detail, name="detail"),
    path("notices/<int:pk>/pdf/", files.notice_pdf, name="pdf"),
    path("notices/<int:pk>/lifting.pdf", files.lifting_pdf, name="lifting-pdf"),
    move("notices/<int:pk>/sign/", "sign", "sign"),
    move("notices/<int:pk>/return/", "return", "return"),
    move("notices/<int:pk>/resubmit/", "resubmit", "resubmit"),
    move("notices/<int:pk>/sign-lifting/", "sign_lifting", "sign-lifting"),
    move("notices/<int:pk>/return-lifting/", "return_lifting", "return-lifting"),
    move("notices/<int:pk>/acknowledge-lifting/", "acknowledge_lifting", "acknowledge-lifting"),
    move("notices/<int:pk>/serve/", "serve", "serve"),
    move("notices/<int:pk>/acknowledge/", "acknowledge", "acknowledge"),
    path("notices/<int:pk>/reply/", notice_page.reply, name="reply"),
    move("notices/<int:pk>/close/", "close", "close"),
    move("notices/<int:pk>/lift/", "lift", "lift"),
    move("notices/<int:pk>/withdraw/", "withdraw", "withdraw"),
    move("notices/<int:pk>/extension/", "extension", "request-extension"),
    move("notices/<int:pk>/review/", "review", "raise-review"),
    move("extensions/<int:pk>/decide/", "decide_extension", "decide-extension"),
    move("reviews/<int:pk>/decide/", "decide_review", "decide-review"),
    *[path(f"notices/<int:pk>/tracking/{name.replace('_', '-')}/", tracking.tracking_action, {"name": name},
           name=f"tracking-{name.replace('_', '-')}") for name in tracking.ACTIONS],
    path("notices/<int:pk>/renew/", terms.renew, name="renew"),
    path("notices/<int:pk>/terms/<int:term_id>/", terms.edit_term, name="edit-term"),
    path("attachments/<int:pk>/", files.attachment_download, name="attachment"),
    path("inbox/", lists.inbox, name="inbox"),
    path("inbox/verify/", lists.inbox_verify, name="inbox-verify"),
    # Urgent dispatch (紧急出警).
    path("cases/<int:case_id>/dispatch/new/", dispatch.dispatch_new, name="dispatch-new"),
    path("dispatches/<int:pk>/", dispatch.dispatch_detail, name="dispatch-detail"),
    path("dispatches/<int:pk>/acknowledge/", dispatch.dispatch_action, {"name": "acknowledge"},
         name="dispatch-acknowledge"),
    path("dispatches/<int:pk>/arrive/", dispatch.dispatch_action, {"name": "arrive"}, name="dispatch-arrive"),
    path("dispatches/<int:pk>/close/", dispatch.dispatch_action, {"name": "close"}, name="dispatch-close"),
    # Relief for applicants in hardship (困难申请执行人救助), from the case page.
    path("cases/<int:case_id>/relief/", relief.record_hardship, name="relief-record"),
    path("relief/<int:pk>/propose/", relief.propose, name="relief-propose"),
    path("relief/proposals/<int:pk>/decide/", relief.decide, name="relief-decide"),
    path("relief/<int:pk>/refer/", relief.refer, name="relief-refer"),
    # Judicial suggestion letters (司法建议函), from the case page or an overdue or refused notice.
    path("cases/<int:case_id>/suggestions/new/", suggestions.suggestion_new, name="suggestion-new"),
    path("suggestions/", suggestions.suggestion_list, name="suggestion-list"),
    path("suggestions/<int:pk>/", suggestions.suggestion_detail, name="suggestion-detail"),
    path("suggestions/<int:pk>/pdf/", suggestions.suggestion_pdf, name="suggestion-pdf"),
    *[path(f"suggestions/<int:pk>/{name}/", suggestions.suggestion_action, {"name": name},
           name=f"suggestion-{name}") for name in suggestions.ACTIONS],
    # Referrals for the crime of refusing to enforce and to discipline bodies (拒执罪移送, 纪检监察移送).
    path("referrals/", referrals.referral_list, name="referral-list"),
    path("cases/<int:case_id>/referrals/crime/new/", referrals.crime_new, name="referral-crime-new"),
    path("cases/<int:case_id>/referrals/discipline/new/", referrals.discipline_new, name="referral-discipline-new"),
    path("referrals/crime/<int:pk>/", referrals.crime_detail, name="referral-crime-detail"),
    path("referrals/crime/<int:pk>/pdf/", referrals.crime_pdf, name="referral-crime-pdf"),
    path("referrals/crime/<int:pk>/<str:name>/", referrals.referral_action, name="referral-crime-action"),
    path("referrals/discipline/<int:pk>/", referrals.discipline_detail, name="referral-discipline-detail"),
    path("referrals/discipline/<int:pk>/<str:name>/", referrals.discipline_action,
         name="referral-discipline-action"),
]

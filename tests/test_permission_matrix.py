"""The permission matrix (issue 8, item 1): every URL pattern of the resolver, API routes included, against every
role, with objects owned by somebody else. The expected answer of every (route, method, role) is in `TABLE`.

How to read a row: `page(404, court1=200, x=200, committee=200)` means "anonymous is sent to the login page, every
logged-in role gets 404, except court 1's staff and unit X's liaisons and the committee, who get 200". Overrides
apply left to right, so a group can be refined by one of its members. `kwargs` names the world's object each URL
kwarg is filled with, `data` is the body of the row's POST/PATCH/PUT (the one the owner acts with), `query` a query
string for its GET. A key `name#what` is a further row of the route `name` on another object (the procuratorate
reads only the referral put to it, so its own cells need that referral). The roles and the world (one object of
each kind, owned by court 1 or by unit X, in the state its routes act on) are in `tests/permission_world.py`; the
groups are in `GROUPS`.

The rules the table encodes (docs/conventions.md, "Permissions at the edge of every read"):

* Whatever a role may not see is a 404 ("not found" and "not allowed" look the same), never a 403 that admits it
  exists. A 403 is only for an action on something the role can see, or an API write that names no object.
* Anonymous: a page sends to the login page (LOGIN), the API answers 401; only the public search (and its captcha image), the document check (/verify/), the login page,
  the language switch and the API schema and docs are open.
* The procuratorate's liaison (`procurator`) is a liaison of a member unit like Y (its lists answer 200 with none of
  another's data) that also holds django-guardian's object grants on one crime referral under supervision and on its
  case: it reads those two (the `#granted` and `#supervision` rows) and answers the supervision (`acts`); everything
  else of court 1 is a 404 to it, the other referrals of that very case included.
* A second jurisdiction's clerk and committee (`j2`) see none of the world's objects (all of the first
  jurisdiction): each is a 404 to them, even to the second committee, which reads everything of its own; their lists
  answer 200 with none of it (`leak_markers`). An API write is refused to any committee by its role (403) before an
  object is looked up, so that 403 tells nothing about the object; the meetings' and their decisions' moves are the
  committee's own, and another jurisdiction's committee gets 404 for them. Their assessment routes act on their own
  jurisdiction's year.
* A POST (PATCH, PUT) by a role that may not act changes nothing: it is refused with 404/403/405/409, or, on a page
  the role can see, the page answers 400 with the message at the form or 302 back with the service's message. Every
  cell is checked for writes (audit entries of creates, updates and deletes; notifications sent or read):
  `acts(302)` is a cell that must write (the owner acting, which also proves the row's body is a real one),
  `may(302)` one that may, and every other cell must not. Each request is rolled back, so the world stays as built.
* A route with no POST row is posted to by every role whose GET reached the view (200): it must neither write nor
  answer 5xx.
* No 200 shows a marker of data to a role with no business seeing it (`leak_markers`): court 1's case number to
  court 2, unit Y, the procuratorate or the administrator (and court 1's every other case number to the
  procuratorate, which reads only the referral case), a decision's task to anybody but the committee and the unit.
* The grid liaison (`grid`, 网格员, issue 25) has a light account confined to its own pages
  (members/confinement.py): every route answers it 404 unless its row names `grid` (its own pages, the site's root
  that sends it there, its notifications), and the public routes (`everyone`) answer it as they answer anyone. It is
  in no group (`users` included): a row that lets every other role in still keeps it out. It has no API token (a
  grid liaison is refused one), so its API cells are asked with its session.
* The Django admin's routes (hundreds, made per registered model) follow one rule, `admin_expectation`.

Adding a route without a row fails `test_every_route_has_a_row_and_every_row_a_route`, and so does a row whose route
is gone. `test_every_documented_api_operation_has_cells` checks the OpenAPI schema's operations against the rows'
methods, and that every API route is in the schema. With PERMISSION_MATRIX_DUMP=/some/file the actual answers are
written there, to help writing a new row (check every cell against what the product should do before copying it).
PDFs are laid out by a stub (the templates are still rendered): the layout is tested with the documents.
"""

import copy
import datetime
import json
import os
import re
import time
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone
from rest_framework.test import APIClient

from linkage import tokens
from linkage.models import AuditEntry, Notification
from tests.permission_world import ONE_PAGE_PDF, ROLES, build_world

ANONYMOUS = "anonymous"
USERS = tuple(role for role in ROLES if role != ANONYMOUS)
GRID = "grid"  # the grid liaison: 404 unless its row names it (see the docstring)
GROUPS = {
    "users": tuple(role for role in USERS if role != GRID),
    "court1": ("clerk1", "leader1"),
    "court": ("clerk1", "clerk2", "leader1"),
    "clerks": ("clerk1", "clerk2"),
    "x": ("liaison_xa", "liaison_xb"),
    # Every member unit's liaison: X's, Y's and the procuratorate's (which has no notice, decision or meeting of its own).
    "liaisons": ("liaison_xa", "liaison_xb", "liaison_y", "procurator"),
    "j2": ("clerk_j2", "committee_j2"),  # the second jurisdiction: every object of the world is another's
    "committees": ("committee", "committee_j2"),
}
LOGIN = "login"  # 302 to the login page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page


class Acts(int):
    """A status that comes with a write: the role may do this, and the request really does it."""

    def __repr__(self):
        return f"acts({int(self)})"


class May(int):
    """A status that may come with a write (the role acts on its own things, e.g. marking its notifications)."""

    def __repr__(self):
        return f"may({int(self)})"


def acts(status):
    return Acts(status)


def may(status):
    return May(status)


class Lit(str):
    """A URL kwarg given literally, not as the name of a world object."""


def cells(default, **overrides):
    """Expected answers by role: `default` for every logged-in role but the grid liaison (404 unless named), then the
    overrides (a role or a group)."""
    result = {role: default for role in USERS}
    result[GRID] = 404
    for key, value in overrides.items():
        for role in GROUPS.get(key, (key,)):
            if role not in ROLES:
                raise KeyError(f"unknown role or group {key!r}")
            result[role] = value
    return result


def page(default, **overrides):
    """A page behind the login: anonymous goes to the login page."""
    return {ANONYMOUS: LOGIN, **cells(default, **overrides)}


def api(default, **overrides):
    """An API route behind authentication: anonymous gets 401."""
    return {ANONYMOUS: 401, **cells(default, **overrides)}


def everyone(value, **overrides):
    """A public route: anonymous too, and the grid liaison."""
    return {ANONYMOUS: value, **cells(value, **{GRID: value, **overrides})}


@dataclass
class Row:
    get: dict
    post: dict | None = None
    patch: dict | None = None
    put: dict | None = None
    kwargs: dict = field(default_factory=dict)  # URL kwarg → world object name (dotted) or Lit
    data: object = None  # the body of POST/PATCH/PUT: a dict or a function of the world
    query: object = ""  # a query string for GET, or a function of the world

    def methods(self):
        return {name: getattr(self, name) for name in ("get", "post", "patch", "put") if getattr(self, name)}


def _today():
    return timezone.localdate().isoformat()


TABLE = {
    # ------------------------------------------------------------------------------------------- linkage
    "home": Row(get=page(200, grid=302)),  # the grid liaison is sent to its own home (GRID_HOME_URL)
    "login": Row(get=everyone(302, anonymous=200), post=everyone(302, anonymous=200)),
    "logout": Row(get=everyone(405), post=everyone(LOGIN)),
    # The grid liaisons' SMS login (issue 25): anyone may ask; a logged-in user is sent on; the code page without a
    # number asked for sends back to the first page.
    "sms-login": Row(get=everyone(302, anonymous=200), post=everyone(302, anonymous=200)),
    "sms-login-code": Row(get=everyone(302), post=everyone(302)),
    "otp-settings": Row(get=page(200), post=page(200)),
    # The administrator has enrolled (LINKAGE_OTP_REQUIRED_ROLES): the QR code is shown only while enrolling.
    "otp-qr": Row(get=page(200, admin=404)),
    "password-change": Row(get=page(200), post=page(200)),
    "password-change-done": Row(get=page(200)),
    "favicon": Row(get=everyone(200)),
    # The check of issued documents (issue 24): open to anyone; an upload without a file is a 400.
    "verify:check": Row(get=everyone(200)),
    "verify:check-code": Row(get=everyone(200), post=everyone(400), kwargs={"code": "issued_notice.code"}),
    "api-verify": Row(get=everyone(200), kwargs={"code": "issued_notice.code"}),
    "calendar": Row(get=page(200)),
    "notifications": Row(get=page(200, grid=200)),
    "notification-preferences": Row(get=page(200, grid=200), post=page(200, grid=200)),
    "notification-read": Row(get=page(405, grid=405), post=page(404, liaison_xa=acts(302)),
                             kwargs={"pk": "notification"}),
    "notifications-read-all": Row(get=page(405, grid=405), post=page(may(302), grid=may(302))),
    # ------------------------------------------------------------------------------------------- members
    "members:roster": Row(get=page(200)),
    "members:directory": Row(get=page(200)),
    "members:roster-xlsx": Row(get=page(200)),
    "members:directory-xlsx": Row(get=page(200)),
    "members:directory-pdf": Row(get=page(200)),
    "members:receipt-xlsx": Row(get=page(200)),
    "members:roster-import": Row(get=page(404, admin=200), post=page(404, admin=400)),
    "members:change-requests": Row(get=page(404, liaisons=200, committee=200, committee_j2=200, admin=200)),
    "members:decide-change": Row(
        get=page(405), post=page(404, x=302, committee=acts(302), admin=acts(302)),
        kwargs={"pk": "change_request"}, data={"decision": "approve", "reason": "同意。"}),
    "members:cancel-change": Row(
        get=page(405), post=page(404, x=acts(302), committee=302, admin=acts(302)), kwargs={"pk": "change_request"}),
    "members:organisation": Row(get=page(200), kwargs={"code": "unit_x.code"}),
    "members:request-change": Row(
        get=page(404, x=200, admin=200), post=page(404, x=acts(302), admin=acts(302)), kwargs={"code": "unit_x.code"},
        data={"role": "A", "name": "新A角", "mobile": "13900000002", "reason": "原A角调岗。"}),
    # The grid (issue 25): the tree for the administrator and each jurisdiction's committee and courts (the second
    # jurisdiction's read their own, without the world's); a subdistrict's own liaisons too (no column here:
    # tests/members/test_grid_pages.py). Its import and the import's template are the administrator's.
    "members:grid": Row(get=page(404, court=200, committee=200, j2=200, admin=200)),
    "members:grid-import": Row(get=page(404, admin=200), post=page(404, admin=400)),
    "members:grid-template": Row(get=page(404, admin=200)),
    # --------------------------------------------------------------------------------------------- cases
    "cases:list": Row(get=page(404, court=200, committee=200, j2=200)),
    "cases:create": Row(get=page(404, clerks=200, clerk_j2=200), post=page(404, clerks=400, clerk_j2=400)),
    "cases:detail": Row(get=page(404, court1=200, committee=200), kwargs={"pk": "case"}),
    # The case of the referral under supervision: the procuratorate reads it by its guardian grant (the police, to
    # which the referral was sent, does not read the case).
    "cases:detail#granted": Row(get=page(404, court1=200, committee=200, procurator=200),
                                kwargs={"pk": "referral_case"}),
    "cases:status": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, committee=302), kwargs={"pk": "case"},
        data={"status": "suspended", "reason": "被执行人申请破产。"}),
    "cases:party-subdistrict": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302), kwargs={"pk": "case", "party_id": "debtor"},
        data=lambda w: {f"party{w.debtor.pk}-subdistrict": w.subdistrict.pk}),
    "cases:special-notification": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302),
        kwargs={"pk": "case", "notification_id": "special_notification"},
        data=lambda w: {f"special{w.special_notification.pk}-done_on": _today(),
                        f"special{w.special_notification.pk}-method": "letter", "action": "record"}),
    # Abuse of process on record: the staff of the case's court only; the committee, which reads the case, gets 404.
    "cases:abuse-finding-new": Row(
        get=page(405), post=page(404, court1=acts(302)), kwargs={"pk": "case"},
        data=lambda w: {"abuse-party": w.debtors[2].pk, "abuse-kind": "forged_evidence", "abuse-facts": "伪造收条。",
                        "abuse-ruling_number": "（2026）粤0103民初6号", "abuse-ruled_on": _today(),
                        "abuse-ruling_court": "测试第一人民法院"}),
    "cases:abuse-finding-withdraw": Row(
        get=page(405), post=page(404, court1=acts(302)), kwargs={"pk": "case", "finding_id": "abuse_finding"},
        data=lambda w: {f"abuse{w.abuse_finding.pk}-reason": "错误登记。"}),
    # ---------------------------------------------------------------------------------------------- grid
    # Grid tasks (issue 25 item 2): court 1's staff, the committee and the community's grid liaison read them; the
    # list answers 200 to everybody with only the tasks one may see. Only court 1 sends, cancels and forwards.
    "grid:home": Row(get=page(200, grid=200)),
    "grid:task": Row(get=page(404, court1=200, committee=200, grid=may(200)),
                     post=page(404, court1=302, committee=302, grid=acts(302)),
                     kwargs={"pk": "grid_task_open"},
                     data=lambda w: {"answer-served": "", "answer-refusal_note": "被执行人拒收。",
                                     "answer-served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
    "grid:photo": Row(get=page(404, court1=200, committee=200, grid=200), kwargs={"pk": "grid_photo"}),
    "grid:cancel": Row(get=page(405, grid=405), post=page(404, court1=acts(302), committee=302, grid=302), kwargs={"pk": "grid_task_open"},
                       data=lambda w: {f"cancel{w.grid_task_open.pk}-reason": "被执行人已履行。"}),
    # Forwarding records the finding on the police's tracking: the clerk's move there (a leader is refused, 302).
    "grid:forward": Row(get=page(405, grid=405), post=page(404, clerk1=acts(302), leader1=302, committee=302, grid=302),
                        kwargs={"pk": "grid_task_found"}),
    "grid:send": Row(get=page(404, court1=200), post=page(404, court1=acts(302)), kwargs={"pk": "case"},
                     data=lambda w: {"community": w.community.pk, "kind": "investigate", "party": w.debtor.pk}),
    # ---------------------------------------------------------------------------------------- assistance
    "assistance:draft": Row(
        get=page(404, clerk1=200), post=page(404, clerk1=acts(302)), kwargs={"case_id": "case"},
        data=lambda w: {"measure": "inquiry", "units": [w.unit_x.pk], "debtor": w.debtors[0].pk,
                        "ruling_number": w.case.number, "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0",
                        "items-0-property_kind": "bank_account", "items-0-description": "查询银行存款"}),
    "assistance:list": Row(get=page(404, court=200, liaisons=200, committee=200, j2=200)),
    "assistance:to-sign": Row(get=page(404, court=200, clerk_j2=200)),
    "assistance:sign-many": Row(
        get=page(405), post=page(404, clerk1=302, leader1=acts(302), committee=302),
        data=lambda w: {"notice": [w.notice_draft.pk]}),
    "assistance:detail": Row(get=page(404, court1=200, x=200, committee=200), kwargs={"pk": "notice_served"}),
    "assistance:pdf": Row(get=page(404, court1=200, x=200, committee=200), kwargs={"pk": "notice_served"}),
    "assistance:lifting-pdf": Row(get=page(404, court1=200, x=200, committee=200), kwargs={"pk": "notice_lifted"}),
    "assistance:sign": Row(
        get=page(405), post=page(404, clerk1=302, leader1=acts(302), committee=302), kwargs={"pk": "notice_draft"}),
    "assistance:serve": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=400, committee=400), kwargs={"pk": "notice_signed"}),
    "assistance:acknowledge": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "notice_served"}),
    "assistance:reply": Row(
        get=page(405), post=page(404, court1=400, x=acts(302), committee=400), kwargs={"pk": "notice_acknowledged"},
        data={"outcome": "not_found", "text": "未查到。", "results-TOTAL_FORMS": "0", "results-INITIAL_FORMS": "0"}),
    "assistance:close": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=400, x=400, committee=400),
        kwargs={"pk": "notice_replied"}, data={"reason": "已阅。"}),
    "assistance:lift": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=400, x=400, committee=400),
        kwargs={"pk": "notice_served"},
        data={"ground": "performed", "reason": "已履行。", "ruling_number": "（2026）粤0103执1号之三"}),
    "assistance:return": Row(
        get=page(405), post=page(404, clerk1=400, leader1=acts(302), committee=400), kwargs={"pk": "notice_draft"},
        data={"reason": "文号有误。"}),
    "assistance:resubmit": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=400, committee=400), kwargs={"pk": "notice_returned"},
        data={"ruling_number": "（2026）粤0103执9001号", "legal_basis": "《中华人民共和国民事诉讼法》第二百五十三条",
              "note": "已改正。"}),
    "assistance:sign-lifting": Row(
        get=page(405), post=page(404, court1=302, leader1=acts(302), x=302, committee=302),
        kwargs={"pk": "notice_lifting"}),
    "assistance:return-lifting": Row(
        get=page(405), post=page(404, clerk1=400, leader1=acts(302), x=400, committee=400),
        kwargs={"pk": "notice_lifting"}, data={"reason": "尚未履行完毕。"}),
    "assistance:acknowledge-lifting": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "notice_lifted"}),
    "assistance:withdraw": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=400, x=400, committee=400),
        kwargs={"pk": "notice_served"}, data={"reason": "发送有误。"}),
    # 查人扣车 (assistance/views/tracking.py): the unit's liaisons or the court's clerk act; others seeing the notice
    # are sent back with the service's refusal.
    "assistance:tracking-status-report": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "locate_searching"},
        data={"text": "已布控，暂未发现。"}),
    "assistance:tracking-register-control": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "vehicle_searching"},
        data={"plate": "粤A12345"}),
    "assistance:tracking-record-finding": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "locate_searching"},
        data={"place": "荔湾区"}),
    "assistance:tracking-hand-over": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "vehicle_reported"},
        data={"place": "交警停车场"}),
    "assistance:tracking-take-over": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, x=302, committee=302),
        kwargs={"pk": "locate_found"}),
    "assistance:tracking-cancel": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, x=302, committee=302),
        kwargs={"pk": "locate_searching"}, data={"reason": "本院已自行找到被执行人。"}),
    "assistance:tracking-suggest-detention": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "locate_found"},
        data={"reason": "患病，不宜收拘。"}),
    "assistance:tracking-decide-detention": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, x=302, committee=302),
        kwargs={"pk": "locate_detained"}, data={"decision": "stop", "reason": "同意。"}),
    "assistance:request-extension": Row(
        get=page(405), post=page(404, court1=400, x=acts(302), committee=400), kwargs={"pk": "notice_served"},
        data={"days": "5", "reason": "需要调取档案。"}),
    "assistance:raise-review": Row(
        get=page(405), post=page(404, court1=400, x=acts(302), committee=400), kwargs={"pk": "notice_served"},
        data={"reason": "裁定书文号有误。"}),
    "assistance:decide-extension": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=400, x=400, committee=400),
        kwargs={"pk": "extension"}, data={"decision": "grant", "reason": "同意。"}),
    "assistance:decide-review": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=400, x=400, committee=400),
        kwargs={"pk": "review"}, data={"decision": "not_upheld", "reason": "文号无误。"}),
    "assistance:renew": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, x=302, committee=302),
        kwargs={"pk": "notice_expiring"}),
    "assistance:edit-term": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, x=302, committee=302),
        kwargs={"pk": "notice_expiring", "term_id": "term"},
        data=lambda w: {"start_on": w.term.start_on.isoformat(), "end_on": w.term.end_on.isoformat(),
                        "reason": "按登记机关回执更正。"}),
    "assistance:attachment": Row(get=page(404, court1=200, x=200, committee=200), kwargs={"pk": "attachment"}),
    "assistance:inbox": Row(get=page(404, liaisons=200)),
    # A liaison checks any issued document from its inbox (the check is public: a notice to another unit too).
    "assistance:inbox-verify": Row(
        get=page(404, liaisons=200), post=page(404, liaisons=200),
        query=lambda w: f"code={w.issued_notice.code}", data=lambda w: {"code": w.issued_notice.code}),
    "assistance:dispatch-new": Row(
        get=page(404, clerk1=200), post=page(404, clerk1=acts(302)), kwargs={"case_id": "case"},
        data={"place": "测试现场", "situation": "围堵执行人员。", "confirm": "on"}),
    "assistance:dispatch-detail": Row(get=page(404, court1=200, x=200, committee=200),
                                      kwargs={"pk": "dispatch_requested"}),
    "assistance:dispatch-acknowledge": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "dispatch_requested"}),
    "assistance:dispatch-arrive": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302), kwargs={"pk": "dispatch_acknowledged"}),
    "assistance:dispatch-close": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, x=302, committee=302),
        kwargs={"pk": "dispatch_arrived"}, data={"note": "已处置。"}),
    # 司法建议函 (assistance/views/suggestions.py): court 1's clerk drafts and serves, its leader signs, either
    # withdraws; unit X's liaisons see it once served and reply; the committee reads; the service refuses the rest.
    "assistance:suggestion-new": Row(
        get=page(404, clerk1=200), post=page(404, clerk1=acts(302)), kwargs={"case_id": "case"},
        data=lambda w: {"unit": w.unit_x.pk, "ground": "other", "suggestions": "建议依法协助。", "reply_days": "30"}),
    "assistance:suggestion-list": Row(get=page(200, admin=404)),
    "assistance:suggestion-detail": Row(get=page(404, court1=200, x=200, committee=200),
                                        kwargs={"pk": "suggestion_served"}),
    "assistance:suggestion-pdf": Row(get=page(404, court1=200, x=200, committee=200),
                                     kwargs={"pk": "suggestion_served"}),
    "assistance:suggestion-sign": Row(
        get=page(405), post=page(404, clerk1=302, leader1=acts(302), committee=302),
        kwargs={"pk": "suggestion_drafted"}),
    "assistance:suggestion-serve": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, committee=302),
        kwargs={"pk": "suggestion_signed"}),
    "assistance:suggestion-withdraw": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=acts(302), committee=302),
        kwargs={"pk": "suggestion_drafted"}, data={"reason": "单位已协助。"}),
    "assistance:suggestion-reply": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302),
        kwargs={"pk": "suggestion_served"}, data={"text": "已办理并整改。"}),
    # 困难申请执行人救助 (assistance/views/relief.py), from the case page: court 1's clerk records, proposes and refers,
    # its leader decides; court 1's other staff and the committee see the case and are refused by the service.
    "assistance:relief-record": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, committee=302), kwargs={"case_id": "relief_case"},
        data=lambda w: {"applicant": w.relief_applicant.pk, "circumstances": "失业，患病。", "unpaid_amount": "800"}),
    "assistance:relief-propose": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, committee=302), kwargs={"pk": "hardship_open"},
        data={"amount": "100", "reason": "生活困难。"}),
    "assistance:relief-decide": Row(
        get=page(405), post=page(404, clerk1=302, leader1=acts(302), committee=302), kwargs={"pk": "relief_proposal"},
        data={"approved": "no", "reason": "不符合条件。"}),
    "assistance:relief-refer": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302, committee=302), kwargs={"pk": "hardship"},
        data={"note": "请审查。"}),
    # 拒执罪移送 and 纪检监察移送 (assistance/views/referrals.py): court 1's staff and the committee read every referral of
    # court 1, unit X (the police) the crime referrals sent to it, the procuratorate only the one put to it for
    # supervision (its guardian grant: the `#supervision` rows), which it answers. The moves are refused by the
    # services (a message, 302) to anybody who sees the referral and may not make the move.
    "assistance:referral-list": Row(get=page(200, admin=404)),
    "assistance:referral-crime-new": Row(
        get=page(404, clerk1=200), post=page(404, clerk1=acts(302)), kwargs={"case_id": "case"},
        data=lambda w: {"debtor": w.debtors[0].pk, "police": w.unit_x.pk, "facts": "转移财产。",
                        "evidence": "财产报告令｜第1页"}),
    "assistance:referral-discipline-new": Row(
        get=page(404, clerk1=200), post=page(404, clerk1=acts(302)), kwargs={"case_id": "referral_case"},
        data=lambda w: {"party": w.referral_debtors[5].pk, "unit": w.discipline_unit.pk, "facts": "干预执行。",
                        "evidence": "笔录｜第1页", "ruling_number": "1号"}),
    "assistance:referral-crime-detail": Row(get=page(404, court1=200, x=200, committee=200),
                                            kwargs={"pk": "crime_sent"}),
    "assistance:referral-crime-pdf": Row(get=page(404, court1=200, x=200, committee=200), kwargs={"pk": "crime_sent"}),
    "assistance:referral-crime-detail#supervision": Row(
        get=page(404, court1=200, x=200, committee=200, procurator=200), kwargs={"pk": "crime_supervision"}),
    "assistance:referral-crime-pdf#supervision": Row(
        get=page(404, court1=200, x=200, committee=200, procurator=200), kwargs={"pk": "crime_supervision"}),
    "assistance:referral-crime-action#supervise": Row(
        get=page(405), post=page(404, court1=302, x=302, committee=302, procurator=acts(302)),
        kwargs={"pk": "crime_supervision", "name": Lit("supervise")},
        data={"supervise-outcome": "reasons_hold", "supervise-text": "公安机关不立案理由成立。"}),
    "assistance:referral-crime-action": Row(
        get=page(405), post=page(404, court1=302, x=acts(302), committee=302),
        kwargs={"pk": "crime_sent", "name": Lit("refuse")},
        data={"refuse-decision_number": "不立字2号", "refuse-reasons": "证据不足。"}),
    "assistance:referral-discipline-detail": Row(get=page(404, court1=200, committee=200),
                                                 kwargs={"pk": "discipline_sent"}),
    "assistance:referral-discipline-action": Row(
        get=page(405), post=page(404, clerk1=302, leader1=acts(302), committee=302),
        kwargs={"pk": "discipline_drafted", "name": Lit("send")}),
    # ----------------------------------------------------------------------------------------- blacklist
    "blacklist:public-search": Row(get=everyone(200), query="name=赵某"),
    # The public search's captcha image: open to anyone, and 404 for a key that is not a live challenge.
    "blacklist:public-captcha": Row(get=everyone(404), kwargs={"key": Lit("AAAAAAAAAAAAAAAAAAAAAA")}),
    "blacklist:correction-list": Row(get=page(404, court=200, committee=200, j2=200)),
    # The priority queue of the list's errors: court staff only, each their own court's.
    "blacklist:priority-queue": Row(get=page(404, court=200, clerk_j2=200)),
    "blacklist:correction-detail": Row(get=page(404, court1=200, committee=200), kwargs={"pk": "correction_pending"}),
    "blacklist:correction-decide": Row(
        get=page(405), post=page(404, court1=acts(302), committee=400), kwargs={"pk": "correction_pending"},
        data={"decide-outcome": "reject", "decide-reason": "理由不成立。"}),
    "blacklist:correction-reconsider": Row(
        get=page(405), post=page(404, court1=acts(302), committee=400), kwargs={"pk": "correction_rejected"},
        data=lambda w: {"reconsider-requested_on": _today()}),
    "blacklist:correction-reconsidered": Row(
        get=page(405), post=page(404, court1=acts(302), committee=400), kwargs={"pk": "correction_reconsidering"},
        data={"reconsidered-outcome": "uphold", "reconsidered-result": "维持驳回。"}),
    "blacklist:correction-new": Row(
        get=page(404, court1=200), post=page(404, court1=acts(302)), kwargs={"listing_id": "listing_published"},
        data={"applicant": "赵某", "content": "已履行全部义务。"}),
    # Credit repair: the court's own (the committee none); the public page is anyone's, and a party's pages need the
    # session's party check (blacklist.public.credit_access), which no role of the matrix has passed.
    "blacklist:repair-list": Row(get=page(404, court=200, clerk_j2=200)),
    "blacklist:repair-detail": Row(get=page(404, court1=200), kwargs={"pk": "repair_pending"}),
    "blacklist:repair-decide": Row(
        get=page(405), post=page(404, clerk1=400, leader1=acts(302)), kwargs={"pk": "repair_pending"},
        data={"decide-decision": "refuse", "decide-reason": "尚未履行完毕。"}),
    "blacklist:repair-certificate": Row(get=page(404, court1=200), kwargs={"pk": "repair_granted"}),
    "blacklist:repair-new": Row(
        get=page(404, court1=200), post=page(404, court1=acts(302)), kwargs={"listing_id": "listing_shielded"},
        data={"applicant_name": "钱某", "phone": "13800138000", "ground": "security", "statement": "已提供担保。"}),
    "blacklist:public-credit": Row(get=everyone(200), post=everyone(400)),
    "blacklist:public-credit-party": Row(get=everyone(302), kwargs={"party_id": "listing_published.debtor_id"}),
    "blacklist:public-credit-apply": Row(
        get=everyone(405), post=everyone(302), kwargs={"party_id": "listing_published.debtor_id",
                                                      "listing_id": "listing_published"},
        data={"ground": "performed", "phone": "13800138000", "statement": "已履行。"}),
    "blacklist:public-credit-certificate": Row(
        get=everyone(404), kwargs={"party_id": "repair_granted.listing.debtor_id", "repair_id": "repair_granted"}),
    "blacklist:push-list": Row(get=page(404, liaisons=200)),
    "blacklist:push-acknowledge": Row(
        get=page(405), post=page(404, x=acts(302), liaison_y=302, procurator=302), kwargs={"event_id": "push_event"}),
    "blacklist:listing-list": Row(get=page(404, court=200, committee=200, j2=200)),
    "blacklist:listing-detail": Row(get=page(404, court1=200, committee=200), kwargs={"pk": "listing_proposed"}),
    "blacklist:listing-action": Row(
        get=page(405), post=page(404, clerk1=400, leader1=acts(302), committee=400),
        kwargs={"pk": "listing_proposed", "name": Lit("approve")}, data={"approve-reason": "同意。"}),
    # Graces: the leader grants (a clerk and the committee see the page and are refused at the form); the court's
    # staff confirm a missed promise.
    "blacklist:grace-grant": Row(
        get=page(405), post=page(404, clerk1=400, leader1=acts(302), committee=400),
        kwargs={"pk": "listing_published"},
        data=lambda w: {"grant-promisor": "debtor", "grant-promise": "承诺一次履行。", "grant-promised_on": _today(),
                        "grant-instalments": f"{timezone.localdate() + datetime.timedelta(days=10)} 1000"}),
    "blacklist:grace-step": Row(
        get=page(405), post=page(404, court1=acts(302), committee=400),
        kwargs={"pk": "grace", "name": Lit("break")}, data={"break-reason": "第1期未履行。"}),
    "blacklist:listing-propose": Row(
        get=page(404, clerk1=200), post=page(404, clerk1=acts(302)), kwargs={"case_id": "case"},
        data=lambda w: {"debtor": w.debtors[0].pk, "ground": "2", "facts": "有履行能力而拒不履行。"}),
    "blacklist:screening-list": Row(get=page(404, liaisons=200)),
    "blacklist:screening-new": Row(
        get=page(404, liaisons=200), post=page(404, liaisons=acts(302)),
        data=lambda w: {"mode": "single", "name": "钱某", "identifier": w.debtors[3].id_number}),
    "blacklist:screening-detail": Row(get=page(404, x=200), kwargs={"pk": "screening"}),
    "blacklist:screening-results-xlsx": Row(get=page(404, x=200), kwargs={"pk": "screening"}),
    "blacklist:restriction-pdf": Row(get=page(404, court1=200, committee=200), kwargs={"pk": "restriction_order"}),
    "blacklist:community-posting": Row(get=page(404, court=200, committee=200), kwargs={"code": "subdistrict.code"}),
    # A village's or community's posting: as its subdistrict's, and its own grid liaison (issue 25 item 3).
    "blacklist:community-unit-posting": Row(get=page(404, court=200, committee=200, grid=200),
                                            kwargs={"code": "community.code"}),
    # The judicial credit report: the case's court; the party itself only after the public check in its session.
    "blacklist:credit-report-pdf": Row(get=page(404, court1=200), kwargs={"party_id": "credit_party"}),
    "blacklist:credit-report-regenerate": Row(
        get=page(405), post=page(404, court1=acts(302)), kwargs={"party_id": "credit_party"}),
    "blacklist:public-credit-report": Row(get=everyone(404), kwargs={"party_id": "credit_party"}),
    # ------------------------------------------------------------------------------------------ meetings
    "meetings:list": Row(get=page(404, court=200, liaisons=200, committee=200, j2=200)),
    "meetings:create": Row(
        get=page(404, committees=200), post=page(404, committees=acts(302)),
        data=lambda w: {"kind": "coordination", "title": "临时会议", "place": "二楼会议室", "convenor": "区委副书记",
                        "chair": "常务副书记",
                        "starts_at": (timezone.localdate() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT10:00")}),
    "meetings:detail": Row(get=page(404, x=200, committee=200), kwargs={"pk": "meeting_scheduled"}),
    "meetings:schedule": Row(get=page(405), post=page(404, committee=acts(302)), kwargs={"pk": "meeting_draft"}),
    "meetings:hold": Row(get=page(405), post=page(404, x=302, committee=acts(302)), kwargs={"pk": "meeting_scheduled"}),
    "meetings:cancel": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "meeting_scheduled"},
        data={"reason": "改期。"}),
    "meetings:attendance-add": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "meeting_scheduled"},
        data=lambda w: {"organisation": w.unit_y.pk, "status": "attending", "person_name": "参会人"}),
    "meetings:attendance-record": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "attendance_held"},
        data=lambda w: {f"a{w.attendance_held.pk}-status": "on_leave"}),
    "meetings:attendance-withdraw": Row(
        get=page(405), post=page(404, committee=acts(302)), kwargs={"pk": "attendance_draft"},
        data={"reason": "邀请有误。"}),
    "meetings:decision-add": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "meeting_held"},
        data=lambda w: {"responsible_unit": w.unit_x.pk, "task": "协助查询",
                        "due_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat()}),
    "meetings:summary": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "meeting_held"},
        data={"summary": "会议议定如下。"}),
    "meetings:publish": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "meeting_held"},
        data={"document_number": "荔政法纪〔2026〕92号"}),
    # The units invited (X and Y): the procuratorate was not.
    "meetings:minutes-pdf": Row(get=page(404, liaisons=200, procurator=404, committee=200),
                                kwargs={"pk": "meeting_published"}),
    "meetings:notice-pdf": Row(get=page(404, x=200, committee=200), kwargs={"pk": "meeting_scheduled"}),
    "meetings:item-list": Row(get=page(404, court=200, liaisons=200, committee=200, j2=200)),
    "meetings:item-propose": Row(
        get=page(404, clerks=200, liaisons=200, clerk_j2=200),
        post=page(404, clerks=acts(302), liaisons=acts(302), procurator=400, clerk_j2=400),
        kwargs={"kind": Lit("dispute")},
        data=lambda w: {"units": [w.unit_x.pk, w.unit_y.pk], "title": "查询费用争议", "description": "双方意见不一。",
                        "consultation_summary": "磋商未果。",
                        "consultation_started_on": (timezone.localdate() - datetime.timedelta(days=60)).isoformat()}),
    "meetings:item-detail": Row(get=page(404, court1=200, committee=200), kwargs={"pk": "item"}),
    "meetings:item-accept": Row(
        get=page(405), post=page(404, court1=400, committee=acts(302)), kwargs={"pk": "item"},
        data=lambda w: {"meeting": w.meeting_draft.pk}),
    "meetings:item-decline": Row(
        get=page(405), post=page(404, court1=400, committee=acts(302)), kwargs={"pk": "item"},
        data={"reason": "不属于联席会议职责。"}),
    "meetings:item-withdraw": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=400, committee=400), kwargs={"pk": "item"},
        data={"reason": "已自行协调。"}),
    "meetings:decision-list": Row(get=page(404, court=200, liaisons=200, committee=200, j2=200)),
    "meetings:decision-detail": Row(get=page(404, x=200, committee=200), kwargs={"pk": "decision_open"}),
    "meetings:decision-reply": Row(
        get=page(405), post=page(404, x=acts(302), committee=400), kwargs={"pk": "decision_open"},
        data={"text": "已落实。"}),
    "meetings:decision-complete": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "decision_replied"},
        data={"reason": "已办结。"}),
    "meetings:decision-send-back": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "decision_replied"},
        data={"reason": "请补充材料。"}),
    "meetings:decision-cancel": Row(
        get=page(405), post=page(404, x=400, committee=acts(302)), kwargs={"pk": "decision_open"},
        data={"reason": "情况已变化。"}),
    "meetings:reply-attachment": Row(get=page(404, x=200, committee=200), kwargs={"pk": "decision_reply"}),
    "meetings:report-list": Row(
        get=page(404, court=200, committee=200, j2=200), post=page(404, clerks=acts(302), clerk_j2=acts(302)),
        data=lambda w: {"year": timezone.localdate().year - 1}),
    "meetings:report-detail": Row(
        get=page(404, court1=200), post=page(404, clerk1=acts(302)), kwargs={"pk": "report"},
        data={"title": "年度报告", "text": "本年度执行联动工作情况。"}),
    "meetings:report-send": Row(get=page(405), post=page(404, clerk1=acts(302), leader1=302), kwargs={"pk": "report"}),
    "meetings:report-regenerate": Row(
        get=page(405), post=page(404, clerk1=acts(302), leader1=302), kwargs={"pk": "report"}),
    "meetings:report-pdf": Row(get=page(404, court1=200), kwargs={"pk": "report"}),
    # The committee's briefings: the committee drafts, issues, withdraws, reminds and reads the receipts; the issued
    # one's addressees (units X and Y's liaisons, court 1's leader) read it, which records the receipt.
    "meetings:briefing-list": Row(
        get=page(404, liaisons=200, leader1=200, committees=200), post=page(404, committees=acts(302)),
        data=lambda w: {"period_from": timezone.localdate().replace(day=1).isoformat(),
                        "period_to": timezone.localdate().isoformat()}),
    "meetings:briefing-detail": Row(
        get=page(404, liaisons=may(200), leader1=may(200), committee=200), post=page(404, committee=302),
        kwargs={"pk": "briefing"}, data={"title": "改标题", "opening": "导语"}),
    "meetings:briefing-issue": Row(get=page(405), post=page(404, committee=acts(302)), kwargs={"pk": "briefing_draft"}),
    "meetings:briefing-withdraw": Row(
        get=page(405), post=page(404, committee=acts(302)), kwargs={"pk": "briefing"}, data={"reason": "数据有误。"}),
    "meetings:briefing-remind": Row(get=page(405), post=page(404, committee=acts(302)), kwargs={"pk": "briefing"}),
    "meetings:briefing-receipts": Row(get=page(404, committee=200), kwargs={"pk": "briefing"}),
    "meetings:briefing-pdf": Row(get=page(404, liaisons=200, leader1=200, committee=200), kwargs={"pk": "briefing"}),
    # A party or government leader's personal read link: whoever holds the signed key reads that briefing (the
    # receipt is the leader's first opening); a key that does not verify is a 404 to all.
    "meetings:briefing-read": Row(get=everyone(may(200)), post=everyone(405), kwargs={"key": "briefing_read_key"}),
    "meetings:briefing-read#forged": Row(get=everyone(404), kwargs={"key": Lit("MTI:1vXyZa:forged-signature")}),
    "meetings:briefing-read-pdf": Row(get=everyone(may(200)), post=everyone(405), kwargs={"key": "briefing_read_key"}),
    # ---------------------------------------------------------------------------------------- assessment
    # This year's assessment is under the committee's review (tests/permission_world.py): the court proposes and
    # withdraws nominations, the committee adjusts scores, decides them and returns or finalises the year. Every
    # court of the jurisdiction (court 2 too) and the committee see the whole board, a liaison only its unit's row.
    "assessment:index": Row(get=page(302)),
    "assessment:board": Row(get=page(200, liaisons=302), kwargs={"year": "year"}),
    "assessment:version": Row(get=page(200, liaisons=302, j2=404), kwargs={"year": "year", "number": "assessment_version.number"}),
    "assessment:criteria": Row(
        get=page(404, court=200, committee=200, j2=200, admin=200), post=page(404, admin=302),
        kwargs={"year": "year"}, data={"reason": "调整分值。"}),
    "assessment:move": Row(
        get=page(405), post=page(404, court=302, committee=acts(302), j2=302, admin=302),
        kwargs={"year": "year", "action": Lit("return")}, data={"reason": "请补充评分理由。"}),
    "assessment:propose": Row(
        get=page(405), post=page(404, court=acts(302), committee=302, j2=302, admin=302), kwargs={"year": "year"},
        data=lambda w: {"kind": "criticise_unit", "unit": w.unit_y.pk, "evidence": "多次逾期回复。"}),
    "assessment:pdf": Row(get=page(404, court=200, committee=200, j2=200, admin=200), kwargs={"year": "year"}),
    "assessment:xlsx": Row(get=page(404, court=200, committee=200, j2=200, admin=200), kwargs={"year": "year"}),
    # ------------------------------------------------------------------------------------------------- grid
    # The grid overview (issue 25 item 4): court staff read their own court's tasks (court 2 a table without court
    # 1's, and its overdue list without court 1's case), the committee its jurisdiction's, a subdistrict's liaison
    # its own subdistrict's (the world has none); other units' liaisons and the administrator get 404. The second
    # jurisdiction reads its own, empty, table.
    "grid:overview": Row(get=page(404, court=200, committee=200, j2=200)),
    "grid:overview-overdue": Row(get=page(404, court=200, committee=200, j2=200)),
    "grid:overview-xlsx": Row(get=page(404, court=200, committee=200, j2=200)),
    "api-grid-overview": Row(get=api(404, court=200, committee=200, j2=200)),
    # The yearly accountability documents (issue 23): court 1's draft report of the organs overdue this year. Court
    # staff see their court's ledger and documents, the committee its jurisdiction's; the court generates, the
    # court and the committee edit, a court leader issues; liaisons of units other than the personnel department
    # see none (the officials list to that department: tests/assessment/test_accountability.py).
    "assessment:organs-ledger": Row(get=page(404, court=200, committee=200, j2=200)),
    "assessment:accountability": Row(
        get=page(404, court=200, committee=200, j2=200),
        post=page(404, court=acts(302), committee=302, j2=302, clerk_j2=acts(302)),
        data=lambda w: {"kind": "organs_report", "year": w.year - 1}),
    "assessment:accountability-detail": Row(
        get=page(404, court1=200, committee=200), post=page(404, court1=acts(302), committee=acts(302)),
        kwargs={"pk": "organs_report"},
        data={"title": "关于本年度行政机关不履行生效裁判情况的报告", "addressee": "区委、区政府", "body": "现报告如下。"}),
    "assessment:accountability-row": Row(
        get=page(405), post=page(404, court1=acts(302), committee=acts(302)),
        kwargs={"pk": "organs_report", "row_id": "organs_row.pk"}, data={"remark": "已约谈"}),
    "assessment:accountability-issue": Row(
        get=page(405), post=page(404, court1=302, leader1=acts(302), committee=302), kwargs={"pk": "organs_report"}),
    "assessment:accountability-pdf": Row(get=page(404, court1=200, committee=200), kwargs={"pk": "organs_report"}),
    "assessment:unit": Row(
        get=page(404, court=200, x=200, committee=200, admin=200), kwargs={"year": "year", "unit_id": "unit_x"}),
    "assessment:score": Row(
        get=page(405), post=page(404, court=302, committee=acts(302)), kwargs={"year": "year", "unit_id": "unit_x"},
        data={"criterion": "committee", "points": "8", "reason": "日常配合一般。"}),
    "assessment:notices": Row(
        get=page(404, court=200, x=200, committee=200, admin=200), kwargs={"year": "year", "unit_id": "unit_x"}),
    "assessment:records": Row(
        get=page(404, court=200, x=200, committee=200, admin=200),
        kwargs={"year": "year", "unit_id": "unit_x", "kind": Lit("pushes")}),
    "assessment:decide": Row(
        get=page(405), post=page(404, court=302, committee=acts(302), admin=302), kwargs={"pk": "nomination"},
        data={"approved": "yes", "reason": "同意。"}),
    "assessment:withdraw": Row(
        get=page(405), post=page(404, court=acts(302), committee=302, admin=302), kwargs={"pk": "nomination"},
        data={"reason": "材料不足。"}),
    # ------------------------------------------------------------------------------------------------ API
    "api-token": Row(get=everyone(405), post=everyone(400)),
    "api-schema": Row(get=everyone(200), query="format=json"),
    "api-docs": Row(get=everyone(200)),
    "unit-list": Row(
        get=api(200), post=api(403, admin=acts(201)),
        data={"jurisdiction": "test", "code": "pm-new-unit", "name": "测试新单位", "short_name": "新单位",
              "kind": "tax", "level": "county"}),
    "unit-detail": Row(
        get=api(200), patch=api(403, admin=acts(200)), put=api(403, admin=acts(200)), kwargs={"pk": "unit_x"},
        data={"jurisdiction": "test", "code": "pm-unit-x", "name": "测试公安分局", "short_name": "公安分局（改）",
              "kind": "police", "level": "county"}),
    # A unit's webhook endpoints (issue 21): its liaisons and the administrator; nobody else sees them (404), and only
    # a liaison or the administrator may register one (403 for the rest, before the body is read).
    "webhook-list": Row(
        get=api(200), post=api(403, liaisons=acts(201), admin=400),
        data={"name": "本单位查控系统", "url": "https://10.1.2.3/linkage/events", "event_types": ["notice.served"]}),
    "webhook-detail": Row(
        get=api(404, x=200, admin=200), patch=api(404, x=acts(200), admin=acts(200), committees=403),
        kwargs={"pk": "webhook"}, data={"active": False}),
    "webhook-deliveries": Row(get=api(404, x=200, admin=200), kwargs={"pk": "webhook"}),
    "webhook-replay": Row(
        get=api(405), post=api(404, x=acts(200), admin=acts(200), committees=403),
        kwargs={"pk": "webhook", "did": "webhook_delivery"}),
    "case-list": Row(
        get=api(200), post=api(403, clerks=acts(201), clerk_j2=acts(201)),
        data={"number": "（2026）粤0103执9100号", "amount": "1000.00", "basis_issuer": "某院", "basis_number": "（2025）粤0103民初1号",
              "filed_on": "2026-03-02", "applicants": [{"kind": "person", "name": "甲", "id_number": "11010519491231002X"}],
              "debtors": [{"kind": "person", "name": "乙", "id_number": "44010319850615123X"}]}),
    "case-detail": Row(
        get=api(404, court1=200, committee=200), patch=api(404, clerk1=acts(200), leader1=403, committees=403),
        kwargs={"pk": "case"}, data={"officer_phone": "020-81234568"}),
    "case-change-status": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, committees=403), kwargs={"pk": "case"},
        data={"status": "suspended", "reason": "被执行人申请破产。"}),
    "case-party": Row(
        get=api(405), patch=api(404, clerk1=acts(200), leader1=403, committees=403),
        kwargs={"pk": "case", "party_id": "debtor"}, data={"subdistrict": "pm-street"}),
    "case-record-special-notification": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, committees=403),
        kwargs={"pk": "case", "notification_id": "special_notification"},
        data=lambda w: {"done_on": _today(), "method": "letter", "document_number": "通报函〔2026〕1号"}),
    "notice-list": Row(
        get=api(200), post=api(403, clerk1=acts(201), clerk2=400, clerk_j2=400),
        data=lambda w: {"case": w.case.pk, "units": [w.unit_x.pk], "measure": "inquiry", "debtor": w.debtors[0].pk,
                        "ruling_number": w.case.number, "items": [{"property_kind": "bank_account",
                                                                  "description": "查询银行存款"}]}),
    "notice-detail": Row(
        get=api(404, court1=200, committee=200), patch=api(404, clerk1=acts(200), leader1=403, committees=403),
        kwargs={"pk": "notice_draft"}, data={"note": "请于收到后办理。"}),
    "notice-acknowledge": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "notice_served"}),
    "notice-close": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "notice_replied"}, data={"reason": "已阅。"}),
    "notice-decide-extension": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "notice_contested", "rid": "extension"}, data={"granted": True, "reason": "同意。"}),
    "notice-decide-review-suggestion": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "notice_contested", "sid": "review"}, data={"decision": "not_upheld", "reason": "文号无误。"}),
    "notice-extension-requests": Row(
        get=api(405), post=api(404, court1=403, x=acts(201), committees=403), kwargs={"pk": "notice_served"},
        data={"days": 5, "reason": "需要调取档案。"}),
    "notice-renew": Row(
        get=api(405), post=api(404, clerk1=acts(201), leader1=403, x=403, committees=403),
        kwargs={"pk": "notice_expiring"}),
    "notice-edit-term": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "notice_expiring", "term_id": "term"},
        data=lambda w: {"start_on": w.term.start_on.isoformat(), "end_on": w.term.end_on.isoformat(),
                        "reason": "按登记机关回执更正。"}),
    "notice-lift": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "notice_served"},
        data={"ground": "performed", "reason": "已履行。", "ruling_number": "（2026）粤0103执1号之三"}),
    "notice-return-draft": Row(
        get=api(405), post=api(404, clerk1=403, leader1=acts(200), committees=403), kwargs={"pk": "notice_draft"},
        data={"reason": "文号有误。"}),
    "notice-resubmit": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, committees=403), kwargs={"pk": "notice_returned"},
        data={"note": "已改正。"}),
    "notice-sign-lifting": Row(
        get=api(405), post=api(404, clerk1=403, leader1=acts(200), x=403, committees=403),
        kwargs={"pk": "notice_lifting"}),
    "notice-return-lifting": Row(
        get=api(405), post=api(404, clerk1=403, leader1=acts(200), x=403, committees=403),
        kwargs={"pk": "notice_lifting"}, data={"reason": "尚未履行完毕。"}),
    "notice-acknowledge-lifting": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "notice_lifted"}),
    "notice-lifting-pdf": Row(get=api(404, court1=200, x=200, committee=200), kwargs={"pk": "notice_lifted"}),
    "notice-pdf": Row(get=api(404, court1=200, x=200, committee=200), kwargs={"pk": "notice_served"}),
    "notice-reply": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "notice_acknowledged"},
        data={"outcome": "not_found", "text": "未查到。"}),
    "notice-review-suggestions": Row(
        get=api(405), post=api(404, court1=403, x=acts(201), committees=403), kwargs={"pk": "notice_served"},
        data={"reason": "裁定书文号有误。"}),
    "notice-serve": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, committees=403), kwargs={"pk": "notice_signed"}),
    "notice-sign": Row(
        get=api(405), post=api(404, clerk1=403, leader1=acts(200), committees=403), kwargs={"pk": "notice_draft"}),
    "notice-withdraw": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "notice_served"}, data={"reason": "发送有误。"}),
    "notice-tracking": Row(get=api(404, court1=200, x=200, committee=200), kwargs={"pk": "locate_searching"}),
    "notice-status-report": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "locate_searching"},
        data={"text": "已布控，暂未发现。"}),
    "notice-register-control": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "vehicle_searching"},
        data={"plate": "粤A12345"}),
    "notice-record-finding": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "locate_searching"},
        data={"place": "荔湾区"}),
    "notice-hand-over": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "vehicle_reported"},
        data={"place": "交警停车场"}),
    "notice-take-over": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "locate_found"}),
    "notice-cancel-tracking": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "locate_searching"}, data={"reason": "本院已自行找到被执行人。"}),
    "notice-suggest-stop-detention": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "locate_found"},
        data={"reason": "患病，不宜收拘。"}),
    "notice-decide-detention": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "locate_detained"}, data={"decision": "stop", "reason": "同意。"}),
    "api-attachment-download": Row(get=api(404, court1=200, x=200, committee=200), kwargs={"id": "attachment"}),
    "case-dispatches": Row(
        get=api(405), post=api(404, clerk1=acts(201), leader1=403, committees=403), kwargs={"case_id": "case"},
        data={"place": "测试现场", "situation": "围堵执行人员。"}),
    "dispatch-list": Row(get=api(200)),
    "crime-referral-list": Row(get=api(200)),
    "crime-referral-detail": Row(get=api(404, court1=200, x=200, committee=200), kwargs={"pk": "crime_sent"}),
    "crime-referral-detail#supervision": Row(get=api(404, court1=200, x=200, committee=200, procurator=200),
                                             kwargs={"pk": "crime_supervision"}),
    "crime-referral-answer": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "crime_sent"},
        data={"result": "refused", "decision_number": "不立字2号", "reasons": "证据不足。"}),
    # The supervision's answer: the procuratorate's; the police, which sees the referral, may not (403).
    "crime-referral-answer#supervise": Row(
        get=api(405), post=api(404, court1=403, x=403, committees=403, procurator=acts(200)),
        kwargs={"pk": "crime_supervision"}, data={"result": "reasons_hold", "text": "公安机关不立案理由成立。"}),
    "discipline-referral-list": Row(get=api(200)),
    "discipline-referral-detail": Row(get=api(404, court1=200, committee=200), kwargs={"pk": "discipline_sent"}),
    "discipline-referral-answer": Row(
        get=api(405), post=api(404, court1=403, committees=403), kwargs={"pk": "discipline_sent"},
        data={"answer": "sanction", "text": "给予处分。"}),
    "dispatch-detail": Row(get=api(404, court1=200, x=200, committee=200), kwargs={"pk": "dispatch_requested"}),
    "dispatch-acknowledge": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "dispatch_requested"}),
    "dispatch-arrive": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403), kwargs={"pk": "dispatch_acknowledged"}),
    "dispatch-close": Row(
        get=api(405), post=api(404, clerk1=acts(200), leader1=403, x=403, committees=403),
        kwargs={"pk": "dispatch_arrived"}, data={"note": "已处置。"}),
    "suggestion-letter-list": Row(get=api(200)),
    "suggestion-letter-detail": Row(get=api(404, court1=200, x=200, committee=200),
                                    kwargs={"pk": "suggestion_served"}),
    "suggestion-letter-reply": Row(
        get=api(405), post=api(404, court1=403, x=acts(200), committees=403),
        kwargs={"pk": "suggestion_served"}, data={"text": "已办理。"}),
    "public-debtors": Row(get=everyone(200), query="name=赵某"),
    # A listing's graces: whoever sees the listing, and the joint-punishment units it was pushed to.
    "api-listing-grace": Row(get=api(404, court1=200, committee=200, x=200), kwargs={"pk": "listing_published"}),
    "api-listing-feed": Row(get=api(403, x=200, committees=200)),
    "api-listing-feed-ack": Row(get=api(405), post=api(403, x=acts(201)), kwargs={"event_id": "push_event"}),
    "listing-list": Row(
        get=api(200), post=api(403, clerk1=acts(201), clerk2=400, clerk_j2=400),
        data=lambda w: {"debtor": w.debtors[0].pk, "ground": 2, "facts": "有履行能力而拒不履行。"}),
    "listing-detail": Row(get=api(404, court1=200, committee=200), kwargs={"pk": "listing_proposed"}),
    "listing-approve": Row(
        get=api(405), post=api(404, clerk1=403, leader1=acts(200), committees=403), kwargs={"pk": "listing_proposed"}),
    "api-listing-credit-repairs": Row(
        get=api(404, court1=200), post=api(404, court1=acts(201), committees=403), kwargs={"pk": "listing_shielded"},
        data={"ground": "security", "applicant_name": "钱某", "phone": "13800138000", "statement": "已提供担保。"}),
    "listing-withdraw": Row(
        get=api(405), post=api(404, court1=acts(200), committees=403), kwargs={"pk": "listing_proposed"},
        data={"reason": "提请有误。"}),
    "listing-shield": Row(
        get=api(405), post=api(404, court1=acts(200), committees=403), kwargs={"pk": "listing_published"},
        data={"reason": "暂不公布。"}),
    "listing-unshield": Row(
        get=api(405), post=api(404, court1=acts(200), committees=403), kwargs={"pk": "listing_shielded"},
        data={"reason": "恢复公布。"}),
    "listing-delete": Row(
        get=api(405), post=api(404, court1=acts(200), committees=403), kwargs={"pk": "listing_published"},
        data=lambda w: {"ground": "performed", "arose_on": _today()}),
    "listing-revoke": Row(
        get=api(405), post=api(404, court1=acts(200), committees=403), kwargs={"pk": "listing_published"},
        data={"reason": "错误纳入。"}),
    "listing-correct": Row(
        get=api(405), post=api(404, court1=acts(200), committees=403), kwargs={"pk": "listing_published"},
        data={"changes": {"facts": "虚假诉讼。"}, "reason": "更正情形。"}),
    "screening-list": Row(
        get=api(200), post=api(403, liaisons=acts(201)),
        data=lambda w: {"applicants": [{"name": "钱某", "id_number": w.debtors[3].id_number}]}),
    "screening-detail": Row(get=api(404, x=200), kwargs={"pk": "screening"}),
    # The meetings are the committee's to write (issue 21 item 3): a unit on the meeting sees it (403), others 404.
    "meeting-list": Row(
        get=api(200), post=api(403, committees=acts(201)),
        data=lambda w: {"kind": "coordination", "title": "临时会议", "place": "二楼会议室", "convenor": "区委副书记",
                        "chair": "常务副书记",
                        "starts_at": (timezone.localdate() + datetime.timedelta(days=7)).isoformat() + "T10:00"}),
    "meeting-detail": Row(
        get=api(404, x=200, committee=200), patch=api(404, x=403, committee=acts(200)),
        kwargs={"pk": "meeting_scheduled"}, data={"place": "二楼会议室"}),
    "meeting-schedule": Row(get=api(405), post=api(404, committee=acts(200)), kwargs={"pk": "meeting_draft"}),
    "meeting-hold": Row(get=api(405), post=api(404, x=403, committee=acts(200)), kwargs={"pk": "meeting_scheduled"}),
    "meeting-cancel": Row(
        get=api(405), post=api(404, x=403, committee=acts(200)), kwargs={"pk": "meeting_scheduled"},
        data={"reason": "改期。"}),
    "meeting-attendances": Row(
        get=api(405), post=api(404, x=403, committee=acts(201)), kwargs={"pk": "meeting_scheduled"},
        data=lambda w: {"organisation": w.unit_y.pk, "person_name": "参会人"}),
    "meeting-record-attendance": Row(
        get=api(405), post=api(404, x=403, committee=acts(200)),
        kwargs={"pk": "meeting_held", "aid": "attendance_held"}, data={"status": "on_leave"}),
    "meeting-withdraw-attendance": Row(
        get=api(405), post=api(404, committee=acts(200)), kwargs={"pk": "meeting_draft", "aid": "attendance_draft"},
        data={"reason": "邀请有误。"}),
    "meeting-decisions": Row(
        get=api(405), post=api(404, x=403, committee=acts(201)), kwargs={"pk": "meeting_held"},
        data=lambda w: {"responsible_unit": w.unit_x.pk, "task": "协助查询",
                        "due_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat()}),
    "meeting-summary": Row(
        get=api(405), post=api(404, x=403, committee=acts(200)), kwargs={"pk": "meeting_held"},
        data={"summary": "会议议定如下。"}),
    "meeting-publish": Row(
        get=api(405), post=api(404, x=403, committee=acts(200)), kwargs={"pk": "meeting_held"},
        data={"document_number": "荔政法纪〔2026〕92号"}),
    "meeting-minutes-pdf": Row(get=api(404, liaisons=200, procurator=404, committee=200),
                               kwargs={"pk": "meeting_published"}),
    "meeting-notice-pdf": Row(get=api(404, x=200, committee=200), kwargs={"pk": "meeting_scheduled"}),
    "decision-list": Row(get=api(200)),
    "decision-detail": Row(get=api(404, x=200, committee=200), kwargs={"pk": "decision_open"}),
    "decision-reply": Row(
        get=api(405), post=api(404, x=acts(200), committees=403), kwargs={"pk": "decision_open"},
        data={"text": "已落实。"}),
    "decision-complete": Row(
        get=api(405), post=api(404, x=403, committee=acts(200)), kwargs={"pk": "decision_replied"}, data={}),
    "decision-send-back": Row(
        get=api(405), post=api(404, x=403, committee=acts(200)), kwargs={"pk": "decision_replied"},
        data={"reason": "请补充材料。"}),
    "decision-cancel": Row(
        get=api(405), post=api(404, x=403, committee=acts(200)), kwargs={"pk": "decision_open"},
        data={"reason": "不再需要。"}),
    # The assessment's API: a liaison reads its own unit's row (Y too: every member unit is assessed), so a move is
    # an action on something it can see (403), while a nomination is not (404).
    "api-assessment": Row(get=api(200), kwargs={"year": "year"}),
    # The pages' documents by API (issue 21 item 3): the same people as the pages.
    "api-restriction-pdf": Row(get=api(404, court1=200, committee=200), kwargs={"pk": "restriction_order"}),
    "api-community-posting": Row(get=api(404, court=200, committee=200), kwargs={"code": "subdistrict.code"}),
    "api-community-unit-posting": Row(get=api(404, court=200, committee=200), kwargs={"code": "community.code"}),
    "api-credit-report": Row(
        get=api(404, court1=200), post=api(404, court1=acts(201), committees=403), kwargs={"party_id": "credit_party"}),
    "api-credit-report-pdf": Row(get=api(404, court1=200), kwargs={"party_id": "credit_party"}),
    "api-report-pdf": Row(get=api(404, court1=200), kwargs={"pk": "report"}),
    "api-briefing-list": Row(get=api(200)),
    # Marking read: the addressees of the world's issued briefing (the member units' liaisons, court 1's leader) only.
    "api-briefing-read": Row(get=api(405), post=api(404, liaisons=acts(200), leader1=acts(200)),
                             kwargs={"pk": "briefing"}),
    "api-assessment-pdf": Row(get=api(404, court=200, committee=200, j2=200, admin=200), kwargs={"year": "year"}),
    "api-assessment-scores": Row(
        get=api(405), post=api(403, court=409, committee=acts(200), j2=409), kwargs={"year": "year"},
        data=lambda w: {"scores": [{"unit": w.unit_x.pk, "criterion": "committee", "points": "8",
                                    "reason": "日常配合一般。"}]}),
    "api-assessment-start": Row(get=api(405), post=api(403, court=409, clerk_j2=acts(200)), kwargs={"year": "year"}),
    "api-assessment-submit": Row(get=api(405), post=api(403, court=409, j2=409), kwargs={"year": "year"}),
    "api-assessment-return": Row(
        get=api(405), post=api(403, committee=acts(200), j2=409), kwargs={"year": "year"},
        data={"reason": "请补充评分理由。"}),
    "api-assessment-finalise": Row(get=api(405), post=api(403, committee=400, j2=409), kwargs={"year": "year"}),
    "api-assessment-reopen": Row(
        get=api(405), post=api(403, committee=409, j2=409), kwargs={"year": "year"}, data={"reason": "重新审核。"}),
    "api-assessment-nominations": Row(
        get=api(405), post=api(403, court=acts(201), j2=409), kwargs={"year": "year"},
        data=lambda w: {"kind": "criticise_unit", "unit": w.unit_y.pk, "evidence": "多次逾期回复。"}),
    "api-assessment-nomination-decide": Row(
        get=api(405), post=api(403, liaisons=404, committee=acts(200), j2=404), kwargs={"year": "year", "id": "nomination"},
        data={"approved": True, "reason": "同意。"}),
}


# ------------------------------------------------------------------------------------------------ the admin


# Records the services make (or logs), which the admin shows but never adds by hand.
ADMIN_NO_ADD = {
    "assistance.notice", "meetings.meeting", "meetings.agendaitem", "meetings.decision", "meetings.annualreport",
    "members.contactchangerequest", "linkage.auditentry", "linkage.delivery", "linkage.reminder",
    "linkage.loginattempt", "linkage.loginlog", "linkage.loginfailure", "linkage.apitoken",
    "assessment.assessment", "assessment.criterion", "assessment.scoreentry", "assessment.nomination",
    "assessment.scoreboardversion", "assessment.assessmentevent",
    "linkage.digest", "linkage.notificationpreference",  # written by the digest task and by each user on their own page
    "members.webhookdelivery",  # written by members.webhooks.emit; replayed by the admin action
    "members.smslogincode",  # written by the grid liaisons' SMS login (members/sms_login.py)
}
# Nothing the product holds is hard-deleted by a user action (issue 8, item 6): the admin deletes only these
# (a group, a second-factor device). API tokens are revoked, never deleted; lockout records and login logs are
# evidence (an attempt is cleared only by the audited unlock action), issue 17.
ADMIN_DELETABLE = {"auth.group", "linkage.twofactordevice"}


def _admin_model(path):
    match = re.match(r"admin/(\w+)/(\w+)/", path)
    if match is None:
        return None
    return next((f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry
                 if (m._meta.app_label, m._meta.model_name) == match.groups()), None)


def admin_expectation(key, path, role):
    """The admin's one rule, for its every route (the admin site makes them per registered model).

    Only the administrator (staff) gets in; everybody else, anonymous or logged in, is sent to the admin's login,
    whose page itself is open to them (the administrator is sent on to the index), and the logout sends them to the
    index. Inside: the index, the app lists, changelists, change, history and password pages are 200; an object's
    bare URL redirects to its change page; adding is 403 for the records only services make (ADMIN_NO_ADD) and
    deleting is 403 for everything but ADMIN_DELETABLE; GET on logout is 405; the autocomplete without its
    parameters is 403; an unknown admin URL, or "view on site" of a model without a public page, is 404."""
    if role == GRID:  # confined to the grid pages: the admin does not exist for it
        return 404
    if key == "admin:login":
        return 302 if role == "admin" else 200
    if key == "admin:logout":
        return 405 if role == "admin" else 302
    if role != "admin":
        return ADMIN_LOGIN
    model = _admin_model(path)
    if key == path:  # the unnamed patterns: an object's bare URL, and the catch-all
        return 302 if model else 404
    if key == "admin:view_on_site":
        return 404
    if key == "admin:autocomplete":
        return 403
    if model and key.endswith("_add"):
        return 403 if model in ADMIN_NO_ADD else 200
    if model and key.endswith("_delete"):
        return 200 if model in ADMIN_DELETABLE else 403
    return 200


# ------------------------------------------------------------------------------------------------ machinery


def walk(patterns, prefix="", namespace=None):
    """(pattern string, full name or None, pattern) for every URL pattern, recursively."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def all_routes():
    """{key: pattern string}: the URL name, or the pattern string for an unnamed pattern."""
    routes = {}
    for path, name, _ in walk(get_resolver().url_patterns):
        key = name or path
        assert key not in routes, f"two patterns under one key {key!r}: {routes[key]!r} and {path!r}"
        routes[key] = path
    return routes


def route_of(key):
    """The route a row of TABLE is for: `name#what` is a further row of the route `name` (another object)."""
    return key.split("#", 1)[0]


def is_admin(key, path):
    return (key or "").startswith("admin:") or path.startswith("admin/")


def fill(path, values):
    """The URL of a pattern string with its kwargs filled in."""

    def value(match):
        return str(values[match.group("name")])

    path = re.sub(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)", value, path)  # a regex group (DRF routers)
    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, path)  # a path converter
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def resolve_value(world, spec):
    if isinstance(spec, Lit):
        return str(spec)
    obj = world
    for part in spec.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return getattr(obj, "pk", obj)


def write_marker(after=None):
    """What a write leaves behind: audit entries of creates, updates and deletes (every model of the project's apps
    is audited), notifications sent or read. Called before a request, it returns a mark; called after, with that
    mark, it tells whether anything was written since. One query each way (the matrix makes thousands)."""
    audit, notification = AuditEntry._meta.db_table, Notification._meta.db_table
    with connection.cursor() as cursor:
        if after is None:
            cursor.execute(f"SELECT (SELECT coalesce(max(id), 0) FROM {audit}), (SELECT coalesce(max(id), 0) FROM "
                           f"{notification}), (SELECT count(*) FROM {notification} WHERE read_at IS NOT NULL)")
            return cursor.fetchone()
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {audit} WHERE id > %s AND action IN ('create', 'update', 'delete')), "
            f"(SELECT coalesce(max(id), 0) FROM {notification}), "
            f"(SELECT count(*) FROM {notification} WHERE read_at IS NOT NULL)", [after[0]])
        wrote_audit, last_notification, read = cursor.fetchone()
        return wrote_audit or (last_notification, read) != tuple(after[1:])


def classify(response):
    if response.status_code == 302:
        location = response.get("Location", "")
        if location.startswith(resolve_url(settings.LOGIN_URL)):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


class Clients:
    """One page client (session) and one API client (token) per role."""

    def __init__(self, world):
        self.pages, self.apis = {}, {}
        for role in ROLES:
            client = Client(raise_request_exception=False)
            api_client = APIClient()
            api_client.raise_request_exception = False
            if role != ANONYMOUS:
                user = world[role]
                client.force_login(user)
                if role == GRID:  # no token for a grid liaison: its session is its only credential
                    api_client.force_login(user)
                else:
                    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue_for_login(user=user).key}")
            self.pages[role], self.apis[role] = client, api_client

    def call(self, role, method, url, data=None):
        """One request, rolled back afterwards (the world stays as built); returns (answer, wrote)."""
        is_api = url.startswith("/api/")
        client = (self.apis if is_api else self.pages)[role]
        cookies = copy.deepcopy(client.cookies)  # a logout or a message must not change the next request
        with transaction.atomic():
            mark = write_marker()
            if method == "get":
                response = client.get(url)
            elif is_api:
                response = getattr(client, method)(url, data or {}, format="json")
            elif method == "post":
                response = client.post(url, data or {})
            else:
                response = getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")
            wrote = write_marker(after=mark)
            transaction.set_rollback(True)
        client.cookies = cookies
        return classify(response), wrote, response


def check_cell(key, method, role, expected, answer, wrote):
    """The mismatch of one cell, or None."""
    if answer != expected:
        return f"{key} {method.upper()} {role}: expected {expected!r}, got {answer!r}"
    if isinstance(expected, Acts) and not wrote:
        return f"{key} {method.upper()} {role}: expected the request to act (write), it wrote nothing"
    if wrote and not isinstance(expected, (Acts, May)):
        return f"{key} {method.upper()} {role}: answered {answer!r} but WROTE (a refusal must change nothing)"
    return None




class _LaidOutPdf:
    """Stands in for the render process (linkage.pdf_process.lay_out): the template is still rendered (its errors
    still show), the layout, which costs up to a second a page and is tested with the documents, is skipped."""

    @staticmethod
    def lay_out(html, **kwargs):
        return ONE_PAGE_PDF


# Markers of data with an owner, and who has no business seeing them: no page or API answer shows a marker to
# such a role. Court 1's case number stands for court 1's cases, notices and listings (the public search of the
# published list excepted: court 1 has published listings of that case); the task of a meeting decision for unit
# X stands for the decisions, which only the committee and the responsible unit see.
PUBLIC_LIST = {"blacklist:public-search", "public-debtors",
               # what an issued document prints, to whoever holds its code (the case number among it)
               "verify:check-code", "api-verify", "assistance:inbox-verify"}


def leak_markers(world):
    outsiders = ("clerk2", "liaison_y", "procurator", "clerk_j2", "committee_j2", "admin", GRID)  # of court 1's cases
    return [
        # The grid liaison reads the case number on its task of that case (and in its SMS).
        (world.case.number, tuple(role for role in outsiders if role != GRID)),
        # Court 1's other cases: the procuratorate reads only the case of the referral put to it.
        *((number, ("procurator",)) for number in (
            world.relief_case.number, world.dispatch_requested.case.number, world.dispatch_acknowledged.case.number,
            world.dispatch_arrived.case.number, world.repair_granted.listing.case_number, world.organs_row.case.number)),
        # The referral case itself: court 1's, the police's (referrals sent to it) and the procuratorate's.
        (world.referral_case.number, ("clerk2", "liaison_y", "clerk_j2", "committee_j2", "admin", GRID)),
        # The other referrals of that case: the procuratorate sees only the one put to it.
        (world.crime_refused.refusal_number, outsiders),
        (world.discipline_sent.ruling_number, ("liaison_xa", "liaison_xb", *outsiders)),
        (world.decision_replied.task, ("clerk1", "clerk2", "leader1", "liaison_y", "procurator", "clerk_j2",
                                       "committee_j2", "admin", GRID)),
        (world.change_request.name, ("clerk1", "clerk2", "leader1", "liaison_y", "procurator", "clerk_j2",
                                     "committee_j2", GRID)),
        (world.dispatch_requested.place, outsiders),
        # A grid task: court 1's, the committee's and its community's grid liaison's (not in `outsiders` by name).
        (world.grid_task_open.instructions, ("clerk2", "liaison_y", "procurator", "clerk_j2", "committee_j2",
                                             "admin")),
        (world.suggestion_served.facts, outsiders),
        (world.suggestion_drafted.facts, ("liaison_xa", "liaison_xb", *outsiders)),
    ]


def leak(key, role, response, world):
    if key in PUBLIC_LIST or not response.get("Content-Type", "").startswith(("text/", "application/json")):
        return None
    body = response.content.decode("utf-8", "replace")
    for marker, outsiders in leak_markers(world):
        if role in outsiders and marker in body:
            return f"{key} GET {role}: 200 shows {marker!r}, which is none of its business"
    return None


@pytest.fixture
def world(db, settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PUBLIC_SEARCH_RATE_PER_MINUTE = 1_000_000  # the matrix searches more than a person would
    settings.VERIFY_RATE_PER_MINUTE = 1_000_000
    monkeypatch.setattr("linkage.pdf_process.lay_out", _LaidOutPdf.lay_out)
    return build_world()


def test_every_route_has_a_row_and_every_row_a_route():
    routes = all_routes()
    missing = sorted(key for key, path in routes.items() if not is_admin(key, path) and key not in TABLE)
    gone = sorted(key for key in TABLE if route_of(key) not in routes)
    assert not missing, "routes without a row in TABLE (add one): " + ", ".join(missing)
    assert not gone, "rows of TABLE whose route no longer exists (remove them): " + ", ".join(gone)
    for key, row in TABLE.items():
        for method, expected in row.methods().items():
            assert set(expected) == set(ROLES), f"{key} {method}: a cell for every role, no other"
        names = set(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", routes[route_of(key)]))
        names = {a or b for a, b in names}
        assert names == set(row.kwargs), f"{key}: kwargs {sorted(row.kwargs)} for a pattern with {sorted(names)}"


SCHEMA_ITSELF = {"api-schema", "api-docs"}  # the schema and its viewer are not operations of the schema


def test_every_documented_api_operation_has_cells(db):
    """The OpenAPI schema and the table agree: every documented operation (path and method) has its cells, and
    every API route of the resolver is documented."""
    schema = json.loads(Client().get("/api/v1/schema/?format=json").content)
    uncovered = []
    for path, operations in schema["paths"].items():
        key = resolve(re.sub(r"\{\w+\}", "1", path)).view_name
        row = TABLE.get(key)
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete") and (row is None or not getattr(row, method, None)):
                uncovered.append(f"{method.upper()} {path} ({key})")
    assert not uncovered, "API operations of the schema without cells in TABLE: " + ", ".join(uncovered)
    documented = {resolve(re.sub(r"\{\w+\}", "1", path)).view_name for path in schema["paths"]}
    undocumented = sorted(key for key, path in all_routes().items()
                          if path.startswith("api/") and key not in documented | SCHEMA_ITSELF)
    assert not undocumented, "API routes missing from the OpenAPI schema: " + ", ".join(undocumented)


def _run(world, keys):
    """Every cell of the rows `keys`; returns the mismatches (and writes the actual answers to the dump file)."""
    clients = Clients(world)
    routes = all_routes()
    mismatches, actual, timings = [], {}, {}
    for key in keys:
        started = time.monotonic()
        row = TABLE[key]
        url = fill(routes[route_of(key)], {name: resolve_value(world, spec) for name, spec in row.kwargs.items()})
        data = row.data(world) if callable(row.data) else row.data
        query = row.query(world) if callable(row.query) else row.query
        methods = row.methods()
        for method in ("get", "post", "patch", "put"):
            for role in ROLES:
                target = f"{url}?{query}" if query and method == "get" else url
                if method in methods:
                    answer, wrote, response = clients.call(role, method, target, data)
                    actual.setdefault(key, {}).setdefault(method, {})[role] = (answer, wrote)
                    problem = check_cell(key, method, role, methods[method][role], answer, wrote)
                    if not problem and method == "get" and answer == 200:
                        problem = leak(key, role, response, world)
                elif method == "post" and actual[key]["get"][role][0] == 200:
                    # No POST row: a role that reaches the view must neither write nor fail by posting to it.
                    answer, wrote, response = clients.call(role, method, target, data)
                    problem = f"{key} POST {role}: no POST row, yet it answered {answer!r} and wrote={wrote}" \
                        if wrote or answer >= 500 else None
                else:
                    continue
                if problem:
                    detail = response.content[:200].decode("utf-8", "replace") if answer in (400, 403, 500) else ""
                    mismatches.append(problem + (f" — {detail}" if detail else ""))
        timings[key] = time.monotonic() - started
    dump = os.environ.get("PERMISSION_MATRIX_DUMP")
    if dump:
        with open(dump, "a", encoding="utf-8") as out:
            for key, methods in actual.items():
                for method, by_role in methods.items():
                    out.write(f"{key:45} {method:5} " + " ".join(
                        f"{role}={answer}{'*' if wrote else ''}" for role, (answer, wrote) in by_role.items()) + "\n")
            for key, spent in sorted(timings.items(), key=lambda item: -item[1])[:20]:
                out.write(f"slowest: {key} {spent:.2f} s\n")
    return mismatches


def test_pages_and_api_answer_every_role_as_the_table_says(world):
    routes = all_routes()
    keys = [key for key in TABLE if route_of(key) in routes and not is_admin(key, routes[route_of(key)])]
    mismatches = _run(world, keys)
    assert not mismatches, f"{len(mismatches)} cells differ from TABLE:\n" + "\n".join(mismatches)


def _admin_kwargs(world, path):
    """The admin's URL kwargs: an object of the route's model (the world has one of each), the members app."""
    values = {"app_label": "members", "url": "no-such-page/", "content_type_id": 0}
    match = re.match(r"admin/(\w+)/(\w+)/", path)
    model = match and next((model for model in admin.site._registry
                            if (model._meta.app_label, model._meta.model_name) == match.groups()), None)
    if model is not None:
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the world has no {model._meta.label} for the admin's {path}"
        values.update(object_id=obj.pk, id=obj.pk, pk=obj.pk)
    if path.startswith("admin/r/"):
        from django.contrib.contenttypes.models import ContentType

        values.update(content_type_id=ContentType.objects.get_for_model(world.unit_x).pk, object_id=world.unit_x.pk)
    return values


def test_admin_routes_follow_the_admin_rule(world):
    clients = Clients(world)
    mismatches, actual = [], []
    for key, path in all_routes().items():
        if not is_admin(key, path):
            continue
        url = fill(path, _admin_kwargs(world, path))
        for role in ROLES:
            expected = admin_expectation(key, path, role)
            answer, wrote, response = clients.call(role, "get", url)
            actual.append(f"{key:60} {role:10} {answer}")
            problem = check_cell(key, "get", role, expected, answer, wrote)
            if problem:
                mismatches.append(f"{problem} ({url})")
    dump = os.environ.get("PERMISSION_MATRIX_DUMP")
    if dump:
        with open(dump, "a", encoding="utf-8") as out:
            out.write("\n".join(actual) + "\n")
    assert not mismatches, f"{len(mismatches)} admin cells differ from admin_expectation:\n" + "\n".join(mismatches)

"""Issue 23 item 1 in headless Chromium: the clerk drafts a judicial suggestion letter (司法建议函) from a notice the
unit left overdue (the facts prefilled from the record), the leader finds it through the bell and signs it (it takes
the court's number), the clerk serves it; the unit's liaison finds it in its notifications and replies; the clerk
is told and reads the reply on the letter and sees it on the case page. Another unit's liaison gets a 404, and the
unit saw nothing of the letter before it was served. A second letter drafted from the case page (no notice: the
clerk picks the unit and the ground) is withdrawn before it is signed."""

import re

import pytest

from assistance.models import SuggestionLetter, SuggestionState

from .conftest import liwan_overdue_notice, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = "（2026）粤0103执4401号"
SUGGESTION = "建议你单位立即按照协助执行通知书的要求办理查询，并对相关责任人员进行批评教育。"
REPLY = "我局已于收函后三日内完成查询并书面回复法院，已对经办人员进行批评教育，完善了协助执行登记制度。"


@pytest.fixture
def overdue_notice(db):
    """An inquiry notice served on the market regulator sixty days ago, never answered: overdue."""
    return liwan_overdue_notice(NUMBER, days=60, amount="120000", basis_number="（2025）粤0103民初7788号")


def open_notification(page, title_part):
    """Open the bell's list and click the notification whose title holds `title_part` (it marks it read and
    follows its link)."""
    page.click("#bell")
    page.wait_for_selector("#notification-list")
    with page.expect_navigation():
        page.locator("#notification-list form", has_text=title_part).first.locator("button").click()


def test_letter_from_an_overdue_notice_is_signed_served_and_answered(overdue_notice, new_page):
    notice = overdue_notice
    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(f"{clerk.base_url}/notices/{notice.pk}/")
    with clerk.expect_navigation():
        clerk.get_by_role("link", name="发司法建议").click()
    form = clerk.locator("#suggestion-form")
    assert "所涉通知书第" in clerk.text_content("#suggestion-new")
    assert clerk.get_by_label("主送单位").input_value() == str(notice.unit_id)  # the notice's unit, preselected
    facts = clerk.get_by_label("查明的事实").input_value()
    assert f"第{notice.pk}号" in facts and "已逾期" in facts and "仍未办理并回复" in facts
    assert form.get_by_label("事由").count() == 0  # the notice gives the ground

    # The suggestion itself is required: refused at the form, nothing saved.
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="起草并提交签发").click()
    assert "请填写司法建议。" in clerk.text_content("#suggestion-form")
    assert not SuggestionLetter.objects.exists()
    clerk.get_by_label("司法建议").fill(SUGGESTION)
    clerk.get_by_label("回复期限（日）").fill("20")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="起草并提交签发").click()
    assert "已起草司法建议函，已通知本院领导签发。" in clerk.text_content(".alert-success")
    assert clerk.text_content("#suggestion-state") == "待签发"
    assert clerk.text_content("#suggestion-number").strip() == "（签发时编号）"
    assert "逾期不协助执行" in clerk.text_content("#suggestion-page")
    assert clerk.locator("#sign-suggestion").count() == 0  # a clerk does not sign
    letter = SuggestionLetter.objects.get()
    url = f"{clerk.base_url}/suggestions/{letter.pk}/"
    screenshot(clerk, "suggestion-01-drafted")

    # The unit sees nothing of a draft.
    market = new_page(390, 844)
    login(market, "lw-market-a")
    assert market.goto(url).status == 404

    leader = new_page()
    login(leader, "leader")
    open_notification(leader, "司法建议函待签发")
    assert leader.url == url
    with leader.expect_navigation():
        leader.get_by_role("button", name="签发").click()
    assert "已签发。" in leader.text_content(".alert-success")
    assert leader.text_content("#suggestion-state") == "已签发"
    document_number = leader.text_content("#suggestion-number").strip()
    assert re.fullmatch(r".+〔\d{4}〕\d+号", document_number), document_number
    assert market.goto(url).status == 404  # signed, not yet served

    clerk.reload()
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="送达").click()
    assert "已送达，已通知主送单位联络员。" in clerk.text_content(".alert-success")
    assert clerk.text_content("#suggestion-state") == "已送达待回复"
    assert re.search(r"\d{4}年\d+月\d+日前", clerk.text_content("#suggestion-page"))

    # The liaison of the unit: the notification leads to the letter; it replies.
    market.goto(f"{market.base_url}/")
    open_notification(market, document_number)
    assert market.url == url
    assert SUGGESTION in market.text_content("#suggestion-text")
    assert market.locator("#sign-suggestion, #serve-suggestion, #withdraw-suggestion-form").count() == 0
    reply = market.get_by_label("采纳及整改情况")
    market.get_by_role("button", name="提交回复").click()  # empty: the browser keeps the form and says why
    assert reply.evaluate("field => field.validity.valueMissing") and market.url == url
    reply.fill(REPLY)
    with market.expect_navigation():
        market.get_by_role("button", name="提交回复").click()
    assert "已回复，已通知法院。" in market.text_content(".alert-success")
    assert market.text_content("#suggestion-state") == "已回复"
    assert market.locator("#reply-suggestion-form").count() == 0
    screenshot(market, "suggestion-02-replied-phone")

    # Another unit's liaison: not found; the unit's list shows the letter.
    housing = new_page()
    login(housing, "lw-housing-a")
    assert housing.goto(url).status == 404
    market.goto(f"{market.base_url}/suggestions/")
    assert document_number in market.text_content("#suggestion-list")

    # The clerk is told and reads the reply, on the letter and from the case page.
    clerk.goto(f"{clerk.base_url}/")
    open_notification(clerk, "司法建议函已回复")
    assert clerk.url == url
    assert REPLY in clerk.text_content("#suggestion-reply")
    assert "单位回复" in clerk.text_content("#suggestion-page") and "逾期回复" not in clerk.text_content(
        "#suggestion-page"
    )
    events = clerk.text_content("#suggestion-events")
    assert all(word in events for word in ("起草", "签发", "送达", "回复")), events
    clerk.goto(f"{clerk.base_url}/cases/{notice.case_id}/")
    assert f"司法建议函 {document_number} → 区市场和质量监管局（已回复）" in clerk.text_content("#case-suggestions")
    screenshot(clerk, "suggestion-03-reply-seen")
    letter.refresh_from_db()
    assert letter.state == SuggestionState.REPLIED and letter.reply_text == REPLY and letter.reply_days == 20


def test_letter_from_the_case_page_is_withdrawn_before_signing(overdue_notice, new_page):
    clerk = new_page()
    login(clerk, "clerk")
    clerk.goto(f"{clerk.base_url}/cases/{overdue_notice.case_id}/")
    with clerk.expect_navigation():
        clerk.locator("#case-suggestions").get_by_role("link", name="发司法建议").click()
    assert "本院在执行" in clerk.get_by_label("查明的事实").input_value()
    clerk.get_by_label("主送单位").select_option(label="广州市荔湾区住房和建设局")
    clerk.get_by_label("事由").select_option(label="拒绝或无正当理由不协助执行")
    clerk.get_by_label("司法建议").fill("建议你单位依法协助办理不动产查封登记。")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="起草并提交签发").click()
    assert clerk.text_content("#suggestion-state") == "待签发"
    assert "广州市荔湾区住房和建设局" in clerk.text_content("#suggestion-page")
    reason = clerk.get_by_label("撤回理由")
    clerk.get_by_role("button", name="撤回").click()  # no reason: the browser keeps the form
    assert reason.evaluate("field => field.validity.valueMissing")
    assert SuggestionLetter.objects.get().state == SuggestionState.DRAFTED
    reason.fill("该单位已主动办理。")
    with clerk.expect_navigation():
        clerk.get_by_role("button", name="撤回").click()
    assert clerk.text_content("#suggestion-state") == "已撤回"
    assert "该单位已主动办理。" in clerk.text_content("#suggestion-events")
    letter = SuggestionLetter.objects.get()
    assert letter.state == SuggestionState.WITHDRAWN and letter.notice_id is None and letter.ground == "refused"

"""Terms for the freezes and seals served before terms were recorded: from the served date and each item's period,
replaced by the unit's reply dates where it gave them (as assistance/services/terms.py does from now on), so the
renewal reminder, which reads the terms, keeps reminding of them."""

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

IN_FORCE = ("served", "acknowledged", "replied", "closed")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _term_end(start, months):
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1])) - datetime.timedelta(days=1)


def backfill(apps, schema_editor):
    Notice = apps.get_model("assistance", "Notice")
    NoticeItem = apps.get_model("assistance", "NoticeItem")
    ReplyResult = apps.get_model("assistance", "ReplyResult")
    MeasureTerm = apps.get_model("assistance", "MeasureTerm")
    notices = Notice.objects.filter(state__in=IN_FORCE, served_at__isnull=False, terms__isnull=True)
    for notice in notices.iterator():
        items = list(NoticeItem.objects.filter(notice=notice).order_by("position"))
        results = [result for result in ReplyResult.objects.filter(reply__notice=notice, kind="freeze")
                   .order_by("position") if result.start_on and result.end_on]
        served_on = notice.served_at.astimezone(SHANGHAI).date()
        terms = []
        for index, item in enumerate(items):
            result = next((r for r in results if item.identifier and r.identifier.strip() == item.identifier.strip()),
                          None)
            if result is None and results:
                result = results[0] if len(results) == 1 else (results[index] if index < len(results) else None)
            if result is not None:
                terms.append(MeasureTerm(notice=notice, item=item, start_on=result.start_on, end_on=result.end_on,
                                         source="reply", reply_result=result))
            elif item.period_months:
                terms.append(MeasureTerm(notice=notice, item=item, start_on=served_on,
                                         end_on=_term_end(served_on, item.period_months), source="service"))
        MeasureTerm.objects.bulk_create(terms, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0013_periods_terms")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

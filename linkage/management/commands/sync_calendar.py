"""`manage.py sync_calendar`: reload the working-day calendar from the chinese_calendar package."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from linkage import audit
from linkage.calendar_services import calendar_changed
from linkage.models import CalendarDay, CalendarYear
from linkage.workdays import seed_from_chinese_calendar


def _dates(days):
    return "、".join(f"{day:%Y-%m-%d}" for day in days)


class Command(BaseCommand):
    help = "从 chinese_calendar 软件包同步法定节假日和调休上班日（升级该软件包后运行）；管理员录入的日期不会被覆盖。"

    def handle(self, *args, **options):
        with transaction.atomic():
            result = seed_from_chinese_calendar(CalendarDay, CalendarYear)
            if result.changed:
                audit.record(
                    "update",
                    changes={
                        "calendar_sync": {
                            "source": result.source,
                            "added": [day.isoformat() for day in result.added],
                            "updated": [day.isoformat() for day in result.updated],
                            "removed": [day.isoformat() for day in result.removed],
                            "added_years": result.added_years,
                        }
                    },
                )
                dates = list(result.changed_dates)
                for year in result.added_years:
                    dates += [datetime.date(year, 1, 1), datetime.date(year, 12, 31)]
                calendar_changed.send(sender=CalendarDay, dates=dates, actor=None,
                                      reason=f"同步工作日历（{result.source}）")
        out = self.stdout
        out.write(f"数据来源：{result.source}")
        if result.added_years:
            out.write(f"新增已载入年度 {len(result.added_years)} 个：{'、'.join(f'{y}年' for y in result.added_years)}")
        if result.added:
            out.write(f"新增日历调整日 {len(result.added)} 天：{_dates(result.added)}")
        if result.updated:
            out.write(f"更新日历调整日 {len(result.updated)} 天：{_dates(result.updated)}")
        if result.removed:
            out.write(f"删除软件包已不再列出的调整日 {len(result.removed)} 天：{_dates(result.removed)}")
        if result.kept:
            out.write(
                self.style.WARNING(
                    f"以下 {len(result.kept)} 天与软件包数据不同，系管理员录入，已保留未改：{_dates(result.kept)}"
                )
            )
        if result.changed:
            out.write(self.style.SUCCESS("同步完成。日历已变化，未办结通知书的期限已按新日历重新计算。"))
        else:
            out.write(self.style.SUCCESS("同步完成，无新增或变化。"))

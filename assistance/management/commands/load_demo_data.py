"""``python manage.py load_demo_data``: demo cases and notices of 广州市荔湾区人民法院 in every state (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from assistance.demo import load_demo_data
from assistance.models import NoticeState
from linkage.errors import ApplicationError

STATE_NAMES = {**dict(NoticeState.choices), "overdue": "已逾期"}


class Command(BaseCommand):
    help = (
        "载入演示案件和协助执行通知书（草稿、已签发、已送达、已签收、已逾期、已回复、已办结、已解除），"
        "须先运行 load_jurisdiction liwan 和 create_demo_accounts；可重复执行，已有案号不再创建；生产环境不可用。"
    )

    def handle(self, *args, **options):
        try:
            result = load_demo_data()
        except ApplicationError as error:
            raise CommandError(error.message)
        for number in result.cases_skipped:
            self.stdout.write(f"已存在，跳过：{number}")
        if not result.changed:
            self.stdout.write(self.style.SUCCESS("演示数据已存在，未作任何修改。"))
            return
        for number in result.cases_created:
            self.stdout.write(f"已创建案件：{number}")
        states = "、".join(f"{STATE_NAMES.get(state, state)}{count}件" for state, count in result.notices.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"共创建 {len(result.cases_created)} 件案件、{sum(result.notices.values())} 份通知书（{states}）。"
            )
        )

"""``python manage.py load_demo``: all the demo data a newcomer needs, in order — cases and notices in every state,
listings and restriction orders, meetings (one held with minutes, one to come), a grid scene (tasks to a Liwan
community answered, open and escalated) and a finalised past year of assessment — each app's loader in turn
(idempotent; never in production). `scripts/run` calls it."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from assessment.demo import load_demo_assessment
from blacklist.demo import load_demo_listings
from grid.demo import load_demo_grid
from linkage.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "载入全部演示数据：案件和各状态的协助执行通知书、失信名单和限制消费令、联席会议（已召开并印发纪要、即将召开）、"
        "网格协助事项（按期回复、办理中、逾期督办）、上一年度已定稿的考评；"
        "须先运行 load_jurisdiction liwan 和 create_demo_accounts；可重复执行；生产环境不可用。"
    )

    def handle(self, *args, **options):
        call_command("load_demo_data", stdout=self.stdout, stderr=self.stderr)
        try:
            made = load_demo_listings()
        except ApplicationError as error:
            raise CommandError(error.message)
        for line in made:
            self.stdout.write(f"已创建{line}")
        if not made:
            self.stdout.write(self.style.SUCCESS("演示失信名单已存在，未作任何修改。"))
        call_command("load_demo_meetings", stdout=self.stdout, stderr=self.stderr)
        try:
            grid = load_demo_grid()
        except ApplicationError as error:
            raise CommandError(error.message)
        for line in grid:
            self.stdout.write(line)
        if not grid:
            self.stdout.write(self.style.SUCCESS("演示网格协助已存在，未作任何修改。"))
        try:
            assessment = load_demo_assessment()
        except ApplicationError as error:
            raise CommandError(error.message)
        if assessment is None:
            self.stdout.write(self.style.SUCCESS("演示年度考评已存在，未作任何修改。"))
        else:
            self.stdout.write(self.style.SUCCESS(f"已创建{assessment.year}年度考评（已定稿）。"))

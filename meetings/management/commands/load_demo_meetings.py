"""``python manage.py load_demo_meetings``: a demo joint meeting with decisions and a pending dispute (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from linkage.errors import ApplicationError
from meetings.demo import load_demo_meetings


class Command(BaseCommand):
    help = "载入演示联席会议（已召开并印发纪要的会议、议定事项、待审核的部门争议和即将召开的会议），须先载入辖区和演示账号；可重复执行；生产环境不可用。"

    def handle(self, *args, **options):
        try:
            meetings = load_demo_meetings()
        except ApplicationError as error:
            raise CommandError(error.message)
        if not meetings:
            self.stdout.write(self.style.SUCCESS("演示会议已存在，未作任何修改。"))
        for meeting in meetings:
            meeting.refresh_from_db()
            number = f"（{meeting.document_number}）" if meeting.document_number else f"（{meeting.get_state_display()}）"
            self.stdout.write(self.style.SUCCESS(f"已创建演示会议：{meeting.title}{number}。"))

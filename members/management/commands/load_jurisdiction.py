"""``python manage.py load_jurisdiction NAME``: load a seed jurisdiction and its member units (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from linkage.errors import ApplicationError
from members.jurisdictions import available_jurisdictions, load_jurisdiction


class Command(BaseCommand):
    help = (
        "从依据文件整理的数据（fixtures/jurisdictions/NAME.json）导入一个辖区及其成员单位；可重复执行，不删除任何数据。"
    )

    def add_arguments(self, parser):
        names = "、".join(available_jurisdictions())
        parser.add_argument("name", help=f"辖区名称，可选：{names}")

    def handle(self, *args, name, **options):
        try:
            result = load_jurisdiction(name, stdout=self.stdout)
        except ApplicationError as error:
            raise CommandError(error.message)
        if not result.changed:
            self.stdout.write(self.style.SUCCESS("数据已是最新，未作任何修改。"))
        else:
            self.stdout.write(self.style.SUCCESS("导入完成。"))

"""``python manage.py copy_duties TEMPLATE UNIT [--replace]``: copy a department's duties from a reference
catalogue (``load_jurisdiction national``) into a unit of a running jurisdiction."""

from django.core.management.base import BaseCommand, CommandError

from linkage.errors import ApplicationError
from members.catalogue import MEASURE_NAMES
from members.reference import copy_reference_duties


class Command(BaseCommand):
    help = "把参考目录（如 load_jurisdiction national）中某一部门条目的职责条文和协助措施复制到本辖区的一个成员单位。"

    def add_arguments(self, parser):
        parser.add_argument("template", help="参考目录条目代码，如 cn-police")
        parser.add_argument("unit", help="本辖区成员单位代码，如 lw-police")
        parser.add_argument("--replace", action="store_true", help="单位已有职责条文时以参考目录条文替换")

    def handle(self, *args, template, unit, replace, **options):
        try:
            result = copy_reference_duties(template_code=template, target_code=unit, replace=replace)
        except ApplicationError as error:
            raise CommandError(error.message)
        target = result.target
        if not result.changed:
            self.stdout.write(self.style.SUCCESS(f"{target.name}的职责已与参考目录一致，未作任何修改。"))
            return
        added = "、".join(MEASURE_NAMES[code] for code in result.added_measures) or "无"
        self.stdout.write(self.style.SUCCESS(
            f"已复制到{target.name}：职责出处 {target.duties_source}；新增协助措施：{added}。"))

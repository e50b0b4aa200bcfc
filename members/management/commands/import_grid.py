"""``python manage.py import_grid JURISDICTION FILE --by ADMIN [--preview]``: import a jurisdiction's grid
(subdistricts, villages and communities, grid liaisons) from an .xlsx, as the administrator's page does."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from linkage.errors import ApplicationError
from members.grid_import import import_grid
from members.models import Jurisdiction


class Command(BaseCommand):
    help = "从 Excel（.xlsx）导入辖区的网格：街道（镇）、村（居）委会及其网格员账号；可重复执行，不删除任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("jurisdiction", help="辖区代码，如 liwan")
        parser.add_argument("file", help="Excel 文件路径（表头：名称、上级、类别、联络人、手机）")
        parser.add_argument("--by", required=True, help="导入人：系统管理员的用户名（记入审计日志）")
        parser.add_argument("--preview", action="store_true", help="只检查并列出将发生的变化，不写入")

    def handle(self, *args, jurisdiction, file, by, preview, **options):
        try:
            actor = get_user_model().objects.get(username=by)
            target = Jurisdiction.objects.live().get(code=jurisdiction)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"用户不存在：{by}") from error
        except Jurisdiction.DoesNotExist as error:
            raise CommandError(f"辖区不存在：{jurisdiction}") from error
        try:
            with open(file, "rb") as handle:
                result = import_grid(handle, actor=actor, jurisdiction=target, apply=not preview)
        except OSError as error:
            raise CommandError(f"无法读取文件：{file}（{error.strerror}）") from error
        except ApplicationError as error:
            raise CommandError("\n".join(error.extra.get("errors") or [error.message])) from error
        self.stdout.write(("预览（未写入）：" if preview else "") + result.summary())
        for line in result.liaisons_replaced:
            self.stdout.write(f"更换网格员：{line}")
        for line in result.differences:
            self.stdout.write(self.style.WARNING(line))
        if result.missing:
            self.stdout.write(f"未在本次导入中出现（保持不变）：{'、'.join(result.missing)}")
        if not result.changed:
            self.stdout.write(self.style.SUCCESS("数据已是最新，未作任何修改。"))
        else:
            self.stdout.write(self.style.SUCCESS("检查通过。" if preview else "导入完成。"))

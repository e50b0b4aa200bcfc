from django.core.management.base import BaseCommand, CommandError

from linkage.backup import BackupError, describe_archive, restore_backup


class Command(BaseCommand):
    help = "用备份文件替换当前数据库内容和上传文件，然后按清单核对。原有上传文件移到旁边保留，不删除。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="manage.py backup 生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="确认替换当前数据库（不加此项只显示备份内容）")

    def handle(self, *args, archive, yes, **options):
        try:
            self.stdout.write(describe_archive(archive))
            if not yes:
                self.stdout.write("未执行恢复：恢复会替换当前数据库的全部内容，确认后请加 --yes 重新运行。")
                return
            verification, moved_aside = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if moved_aside:
            self.stdout.write(f"原有上传文件已移至 {moved_aside}")
        if not verification.ok:
            raise CommandError("恢复后核对不一致：\n" + verification.describe())
        self.stdout.write("恢复完成。" + verification.describe())

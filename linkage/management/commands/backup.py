from django.core.management.base import BaseCommand, CommandError

from linkage.backup import BackupError, create_backup, describe_archive


class Command(BaseCommand):
    help = "备份数据库和全部上传文件为一个 .tar.gz 文件（含行数与文件校验清单）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=".", help="备份文件存放目录（默认当前目录）")

    def handle(self, *args, output, **options):
        try:
            archive = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已备份到 {archive}\n{describe_archive(archive)}")

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linkage.errors import ApplicationError
from members.demo import create_demo_accounts


class Command(BaseCommand):
    help = "创建演示账号（admin、clerk、leader、committee 及每个成员单位的 X-a / X-b 联络员），生产环境不可用。"

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", default="liwan", help="clerk/leader/committee 所属辖区（默认 liwan）")

    def handle(self, *args, **options):
        try:
            accounts = create_demo_accounts(options["jurisdiction"])
        except ApplicationError as error:
            raise CommandError(error.message)
        width = max(len(a.username) for a in accounts)
        self.stdout.write(
            f"演示账号（密码均为环境变量 DEMO_PASSWORD 的值，默认 demo-pass-2026；当前：{settings.DEMO_PASSWORD}）"
        )
        self.stdout.write(f"{'账号'.ljust(width)}  角色            单位")
        for account in accounts:
            role = account.role + (f"（{account.liaison_role}角）" if account.liaison_role else "")
            self.stdout.write(f"{account.username.ljust(width)}  {role:<14}  {account.organisation}")
        self.stdout.write(self.style.SUCCESS(f"共 {len(accounts)} 个账号。"))
        if settings.LINKAGE_OTP_REQUIRED_ROLES:
            roles = "、".join(settings.LINKAGE_OTP_REQUIRED_ROLES)
            self.stdout.write(f"须启用双重验证的角色（LINKAGE_OTP_REQUIRED_ROLES：{roles}）首次登录后先绑定验证器应用。")

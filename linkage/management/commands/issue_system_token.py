from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from linkage import tokens
from linkage.errors import ApplicationError


class Command(BaseCommand):
    help = "为单位系统账户签发不过期的API令牌（令牌只显示这一次）；不能为自然人账户签发。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="单位系统账户的用户名（管理员已将其标为单位系统账户）")
        parser.add_argument("--name", required=True, help="令牌名称（用途）")
        parser.add_argument("--by", required=True, help="签发人：系统管理员的用户名（记入审计日志）")

    def handle(self, *args, **options):
        users = get_user_model().objects
        try:
            account = users.get(username=options["username"])
            actor = users.get(username=options["by"])
        except get_user_model().DoesNotExist as error:
            raise CommandError("用户不存在。") from error
        try:
            issued = tokens.issue_system_token(actor=actor, user=account, name=options["name"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"已签发令牌“{issued.token.name}”（前缀 {issued.token.prefix}，不过期）。令牌只显示这一次：")
        self.stdout.write(issued.key)

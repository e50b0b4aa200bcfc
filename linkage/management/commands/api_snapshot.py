"""`manage.py api_snapshot`: refresh the committed snapshot of the published API schema (docs/openapi-v1.json)
when a version of v1 is published, or (`--check`) say whether the live schema still keeps everything in it.

A refresh refuses to drop anything the snapshot has (an operation, a parameter, a field, a type): v1's clients
rely on it, and a breaking change belongs under /api/v2/ (docs/api-changelog.md). `--allow-breaking` writes it
anyway, for the rare deliberate, announced removal."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkage import schema_compat


class Command(BaseCommand):
    help = "刷新已发布 API 版本的结构快照（docs/openapi-v1.json）；--check 只检查当前结构是否仍包含快照中的全部内容。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查，不写文件；有删除或改动时返回非零")
        parser.add_argument("--allow-breaking", action="store_true", help="即使删除或改动了已发布的内容也写入快照")
        parser.add_argument("--file", default=str(schema_compat.SNAPSHOT_PATH), help="快照文件路径")

    def handle(self, *args, check=False, allow_breaking=False, file=None, **options):
        path = Path(file)
        live = schema_compat.live_schema()
        problems = []
        if path.exists():
            problems = schema_compat.breaking_changes(json.loads(path.read_text(encoding="utf-8")), live)
        for problem in problems:
            self.stderr.write(problem)
        if check:
            if problems:
                raise CommandError(f"当前结构删除或改动了已发布的内容 {len(problems)} 处。")
            self.stdout.write("当前结构包含已发布快照的全部内容。")
            return
        if problems and not allow_breaking:
            raise CommandError(f"当前结构删除或改动了已发布的内容 {len(problems)} 处，未写入快照；"
                               "确属有意的不兼容改动请发布 /api/v2/，或加 --allow-breaking。")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_compat.dump(live), encoding="utf-8")
        self.stdout.write(f"已写入 {path}（{live['info']['version']}）。")

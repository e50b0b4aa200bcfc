"""Move DRF's plain-text tokens (rest_framework.authtoken, no longer installed) into linkage.ApiToken as hashes, then
drop their table, so no working key is left in the database. A moved token keeps working until LINKAGE_TOKEN_TTL
from now (its owner's integration does not break overnight); a user already inactive gets it revoked at once."""

import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def hash_old_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("linkage", "ApiToken")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    now = timezone.now()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} FROM {quote(OLD_TABLE)}")
        rows = cursor.fetchall()
    active = set(User.objects.filter(pk__in=[row[1] for row in rows], is_active=True).values_list("pk", flat=True))
    for key, user_id, created in rows:
        token = ApiToken.objects.create(
            key_hash=hashlib.sha256(key.encode("utf-8")).hexdigest(),
            prefix=key[:8],
            user_id=user_id,
            name="旧令牌（迁移）",
            expires_at=now + settings.LINKAGE_TOKEN_TTL,
            revoked_at=None if user_id in active else now,
        )
        ApiToken.objects.filter(pk=token.pk).update(created_at=created)
    schema_editor.execute(f"DROP TABLE {quote(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("linkage", "0005_apitoken")]

    operations = [migrations.RunPython(hash_old_tokens, migrations.RunPython.noop)]

"""System checks of the project's own rules (run by `manage.py check`, by every management command and by the
test suite)."""

from django.apps import apps
from django.core import checks

from linkage import audit


@checks.register()
def bulk_writes_are_audited(app_configs, **kwargs):
    """Every model of the audited apps writes in bulk through `AuditedQuerySet`, so no bulk write escapes the log."""
    errors = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in audit.AUDITED_APPS or meta.label_lower == "linkage.auditentry" or meta.auto_created:
            continue
        if not isinstance(model._default_manager.all(), audit.AuditedQuerySet):
            errors.append(checks.Error(
                f"{meta.label_lower} 的默认管理器未使用 AuditedQuerySet：其批量写入不会记入审计日志。",
                hint="objects = AuditedQuerySet.as_manager()，或让模型的 QuerySet 继承 AuditedQuerySet。",
                obj=model, id="linkage.E001",
            ))
    return errors

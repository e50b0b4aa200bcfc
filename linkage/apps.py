from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "linkage"
    verbose_name = "平台公共"

    def ready(self):
        from . import audit, checks, tokens  # noqa: F401 (checks registers the system checks)

        audit.connect_signals()
        tokens.connect_signals()

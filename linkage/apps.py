from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "linkage"
    verbose_name = "平台公共"

    def ready(self):
        from . import audit, tokens

        audit.connect_signals()
        tokens.connect_signals()

from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "协助执行"

    def ready(self):
        from linkage.calendar_services import calendar_changed

        from .deadlines import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="assistance_recompute_deadlines")

from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "协助执行"

    def ready(self):
        from cases.signals import case_status_changed
        from linkage.calendar_services import calendar_changed

        from .deadlines import on_calendar_changed
        from .receivers import stop_measures_of_concluded_case

        calendar_changed.connect(on_calendar_changed, dispatch_uid="assistance_recompute_deadlines")
        case_status_changed.connect(stop_measures_of_concluded_case, dispatch_uid="assistance_lift_ended_case")

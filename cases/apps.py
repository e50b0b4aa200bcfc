from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "执行案件"

    def ready(self):
        from . import special
        from .signals import measure_drafted

        # The notification duty is the case's own (opened at filing); a measure only opens a task filing missed.
        measure_drafted.connect(special.open_on_measure, dispatch_uid="cases_special_debtors")

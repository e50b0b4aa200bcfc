from django.apps import AppConfig


class BlacklistConfig(AppConfig):
    name = "blacklist"
    verbose_name = "失信被执行人名单"

    def ready(self):
        from cases.signals import case_performed, case_status_changed, measure_drafted

        from . import receivers

        case_status_changed.connect(receivers.record_ground_of_case_status, dispatch_uid="blacklist_case_status")
        case_performed.connect(receivers.record_ground_of_performance, dispatch_uid="blacklist_case_performed")
        measure_drafted.connect(receivers.open_special_notifications, dispatch_uid="blacklist_special_debtors")

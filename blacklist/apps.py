from django.apps import AppConfig


class BlacklistConfig(AppConfig):
    name = "blacklist"
    verbose_name = "失信被执行人名单"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cases.signals import case_performed, case_status_changed

        from . import receivers
        from .public.search import listing_changed

        case_status_changed.connect(receivers.record_ground_of_case_status, dispatch_uid="blacklist_case_status")
        case_performed.connect(receivers.record_ground_of_performance, dispatch_uid="blacklist_case_performed")
        # A concluded case's parties get their judicial credit reports (after the grounds above are recorded).
        from .credit_report.services import generate_on_conclusion

        case_status_changed.connect(generate_on_conclusion, dispatch_uid="blacklist_credit_report")
        # The public search's cached answers go when a listing changes (blacklist/public/search.py).
        post_save.connect(listing_changed, sender="blacklist.Listing", dispatch_uid="public-search-cache")
        post_delete.connect(listing_changed, sender="blacklist.Listing", dispatch_uid="public-search-cache-delete")

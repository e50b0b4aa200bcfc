from django.apps import AppConfig


class GridConfig(AppConfig):
    """Grid tasks: the court's small notices to a village or community's grid liaison (find a debtor, serve a
    document, investigate, witness, post the list). It sits beside `meetings`, above `assistance` and `blacklist`
    (a finding may start the police's locate rule; the posting task points at the list's community posting)."""

    name = "grid"
    verbose_name = "网格协助"

    def ready(self):
        from linkage.calendar_services import calendar_changed

        from .clock import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="grid_recompute_due_days")

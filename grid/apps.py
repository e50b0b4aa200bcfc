from django.apps import AppConfig


class GridConfig(AppConfig):
    """Grid tasks: the court's small notices to a village or community's grid liaison (find a debtor, serve a
    document, investigate, witness, post the list). It sits beside `meetings`, above `assistance` and `blacklist`
    (a finding may start the police's locate rule; the posting task points at the list's community posting)."""

    name = "grid"
    verbose_name = "网格协助"

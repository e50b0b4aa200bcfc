from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The top of the app layers: pages that gather several apps' work (each role's work bench). It may import
    every app below it; no app imports it (import-linter's layers contract in pyproject.toml)."""

    name = "dashboard"
    verbose_name = "工作台"

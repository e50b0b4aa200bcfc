from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "年度考评"

    def ready(self):
        from .briefing_sources import register

        register()

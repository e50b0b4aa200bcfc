from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "成员单位"

    def ready(self):
        # linkage sends the units' work-chat messages but may not import members: it is handed the resolver.
        from linkage import chat

        from .chat import chat_config

        chat.register_resolver(chat_config)

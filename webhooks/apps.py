from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The story and comment events (articles/events.py, comments/events.py).
        from webhooks import receivers

        receivers.connect()

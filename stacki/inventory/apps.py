from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "stacki.inventory"
    label = "inventory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from stacki.inventory import validation

        validation.install()

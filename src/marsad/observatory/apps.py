from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "marsad.observatory"
    label = "observatory"
    verbose_name = _("Development gap observatory")

    def ready(self) -> None:
        from marsad.observatory import signals  # noqa: F401 - connects the receivers

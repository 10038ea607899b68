"""Members' programs, projects and initiatives.

For now a program is a name the ledger and the map refer to; the approval workflow and the
strategy's goals and KPIs build on this table.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marsad.core.models import BaseModel


class Program(BaseModel):
    class Kind(models.TextChoices):
        PROGRAM = "program", _("Program")
        PROJECT = "project", _("Project")
        INITIATIVE = "initiative", _("Initiative")

    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member institution"),
        on_delete=models.PROTECT,
        related_name="programs",
    )
    code = models.SlugField(
        _("code"), max_length=60, help_text=_("Short code, unique within the member.")
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.PROGRAM)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["member", "code"]
        constraints = [
            models.UniqueConstraint(fields=["member", "code"], name="program_code_per_member")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ar

from django.contrib import admin

from marsad.registry.models import Household


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    """Counts and places only: people's personal data is shown in the audited registry pages."""

    list_display = ("pk", "member", "governorate", "district", "created_at")
    list_filter = ("member", "governorate")
    fields = ("member", "governorate", "district")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

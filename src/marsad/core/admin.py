from django.contrib import admin

from marsad.core.models import AuditEvent, CoalitionSettings


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "member", "action", "target_type", "target_label", "pii")
    list_filter = ("action", "pii", "target_type")
    search_fields = ("actor_label", "target_label", "target_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CoalitionSettings)
class CoalitionSettingsAdmin(admin.ModelAdmin):
    """Thresholds of the duplicate checks and the vulnerability weights (one row)."""

    list_display = ("__str__", "match_threshold", "review_threshold")

    def has_add_permission(self, request):
        return not CoalitionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

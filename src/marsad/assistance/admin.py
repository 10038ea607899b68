from django.contrib import admin

from marsad.assistance.models import AidCategory, AidConflict, AidEntry, DuplicateAidRule


class ConfiguredOnTheirPageAdmin(admin.ModelAdmin):
    """Read-only: categories and rules change on the secretariat's pages (aid/rules/), where
    the checks run and every change is audited."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AidCategory)
class AidCategoryAdmin(ConfiguredOnTheirPageAdmin):
    list_display = ["code", "name_ar", "name_en", "kind", "parent", "unit_ar", "unit_value"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_ar", "name_en"]


@admin.register(DuplicateAidRule)
class DuplicateAidRuleAdmin(ConfiguredOnTheirPageAdmin):
    list_display = ["category", "scope", "window", "limit", "across_members", "action", "is_active"]
    list_filter = ["action", "window", "is_active"]


@admin.register(AidEntry)
class AidEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are corrected by reversal entries, never edited."""

    list_display = ["id", "kind", "member", "category", "quantity", "value", "delivered_on"]
    list_filter = ["kind", "category", "member"]
    raw_id_fields = ["household", "person", "reverses", "program"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AidConflict)
class AidConflictAdmin(admin.ModelAdmin):
    list_display = ["id", "rule", "entry", "other", "action", "resolution", "created_at"]
    list_filter = ["action", "resolution"]
    raw_id_fields = ["entry", "other"]

    def has_change_permission(self, request, obj=None):
        return False

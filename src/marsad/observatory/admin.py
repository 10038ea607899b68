from django.contrib import admin

from marsad.observatory.models import GapScore, GapSnapshot, Indicator, IndicatorValue


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "direction", "transform", "weight", "is_need")
    list_filter = ("level", "is_need", "direction")
    search_fields = ("code", "name_ar", "name_en")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "governorate", "district", "year", "value", "source")
    list_filter = ("indicator",)
    list_select_related = ("indicator", "governorate", "district")
    raw_id_fields = ("district",)
    readonly_fields = ("imported_at", "imported_by")


class GapScoreInline(admin.TabularInline):
    model = GapScore
    fields = ("area_code", "need", "coverage", "gap", "rank", "households_reached")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(GapSnapshot)
class GapSnapshotAdmin(admin.ModelAdmin):
    list_display = ("as_of", "level", "sector", "period", "status", "duration_ms")
    list_filter = ("level", "status")
    readonly_fields = ("as_of", "level", "sector", "period", "status", "settings", "duration_ms")
    inlines = [GapScoreInline]

    def has_add_permission(self, request: object) -> bool:
        return False

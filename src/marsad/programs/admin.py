from django.contrib import admin

from marsad.programs.models import Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en", "member", "kind", "is_active"]
    list_filter = ["kind", "is_active", "member"]
    search_fields = ["code", "name_ar", "name_en"]

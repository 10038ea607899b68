from django.contrib import admin

from marsad.geo.models import District, Governorate


@admin.register(Governorate)
class GovernorateAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "iso_code", "region", "population")
    exclude = ("boundary",)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ar", "name_en", "governorate", "kind")
    list_filter = ("governorate", "kind")
    exclude = ("boundary",)

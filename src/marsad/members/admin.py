from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from marsad.members.models import BodySeat, Branch, CoalitionBody, Member, Partner, User


class BranchInline(admin.TabularInline):
    model = Branch
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "kind", "registration_number", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name_ar", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    filter_horizontal = ("governorates",)
    inlines = [BranchInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "member", "is_active")
    list_filter = ("role", "member", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Marsad"), {"fields": ("full_name", "role", "member")}),
    )


class SeatInline(admin.TabularInline):
    model = BodySeat
    extra = 0


@admin.register(CoalitionBody)
class CoalitionBodyAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "kind", "area")
    inlines = [SeatInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "kind", "is_demo")
    list_filter = ("kind",)

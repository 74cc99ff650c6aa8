from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = "Editor accounts"


class MineAtlasAdminConfig(admin_apps.AdminConfig):
    """The admin, on a site that asks every staff account for a second factor."""

    default = False
    default_site = "accounts.admin_site.MineAtlasAdminSite"

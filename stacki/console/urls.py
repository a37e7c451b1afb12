"""URLs of the console (included by stacki.ws.urls)."""

from django.urls import path, re_path

from stacki.console import views

urlpatterns = [
    path("", views.home),
    re_path(r"^console/?$", views.home),
    re_path(r"^console/hosts/?$", views.hosts),
    re_path(r"^console/host/(?P<name>[^/]+)/?$", views.host),
    re_path(r"^console/racks/?$", views.racks),
    re_path(r"^console/networks/?$", views.networks),
    re_path(r"^console/run/?$", views.runner),
    re_path(r"^console/spreadsheets/?$", views.spreadsheets),
    re_path(r"^console/audit/?$", views.audit),
]

"""URLs of the web service; the trailing-slash forms answer the same (no redirect)."""

from django.urls import include, re_path

from stacki.ws import catalogue, install, views

urlpatterns = [
    re_path(r"^stack/?$", views.stack),
    re_path(r"^stack/login/?$", views.login),
    re_path(r"^stack/logout/?$", views.logout),
    re_path(r"^stack/user/?$", views.user),
    re_path(r"^stack/upload/?$", views.upload),
    re_path(r"^stack/commands/?$", catalogue.commands),
    re_path(r"^install/(?P<tree>pallets|carts)(?:/(?P<path>.*))?$", install.serve),
    re_path(r"", include("stacki.console.urls")),  # the web console: /, /console/...
]

handler400 = "stacki.ws.views.bad_request"
handler403 = "stacki.ws.views.forbidden"
handler404 = "stacki.ws.views.not_found"
handler500 = "stacki.ws.views.server_error"

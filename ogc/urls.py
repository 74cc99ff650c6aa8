from django.urls import path

from ogc import views

app_name = "ogc"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("conformance", views.conformance, name="conformance"),
    path("api", views.api, name="api"),
    path("collections", views.collections, name="collections"),
    path("collections/<str:collection_id>", views.collection, name="collection"),
    path("collections/<str:collection_id>/items", views.items, name="items"),
    path(
        "collections/<str:collection_id>/items/<str:feature_id>",
        views.item,
        name="item",
    ),
    # Anything else under /ogc/ is a JSON 404 too, not the site's HTML page.
    path("<path:rest>", views.not_found, name="not-found"),
]

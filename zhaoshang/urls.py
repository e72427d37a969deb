"""URL map: pages per app, the API under /api/, and the schema with local interactive docs."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from zhaoshang.core.csp import csp_override
from zhaoshang.core.health import healthz

# Redoc's styled-components add <style> elements without a nonce (the page fails without them) and
# its search runs in a worker made from a blob; its scripts are still only the server's own and
# the nonced start-up code (its footer logo from cdn.redoc.ly stays refused: no outside call).
redoc_policy = csp_override(
    {"style-src": ("'self'", "'unsafe-inline'"), "worker-src": ("'self'", "blob:")}
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("zhaoshang.portal.urls")),
    path("", include("zhaoshang.core.urls")),
    path("accounts/", include("zhaoshang.accounts.urls")),
    path("projects/", include("zhaoshang.projects.urls")),
    path("enterprises/", include("zhaoshang.enterprises.urls")),
    path("chains/", include("zhaoshang.targeting.chains.urls")),
    path("goals/", include("zhaoshang.goals.urls")),
    path("targeting/", include("zhaoshang.targeting.urls")),
    path("service/", include("zhaoshang.service.urls")),
    path("visits/", include("zhaoshang.activities.urls")),
    path("notices/", include("zhaoshang.notices.urls")),
    path("api/", include("zhaoshang.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The schema maps every endpoint and parameter: only for logged-in users
    # (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the docs pages send anonymous visitors to login.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        redoc_policy(login_required(SpectacularRedocView.as_view(url_name="api-schema"))),
        name="api-redoc",
    ),
    path("django-admin/", admin.site.urls),
]

handler404 = "zhaoshang.core.api.not_found"

# Uploaded evidence is never served as /media/: only `projects:evidence` serves a file, and
# only within the user's scope (also under DEBUG, which `make demo` runs with).

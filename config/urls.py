from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from notifications.views import calendar_view
from web.welcome import welcome

admin.site.site_header = "Rehabilitation planner"
admin.site.site_title = "Rehabilitation planner"
admin.site.index_title = "Clinic records and exercise library"
# The clinician's first page opens with "Needs attention" (workspace's template extends
# Django's index; the admin app comes first in INSTALLED_APPS, so it is named here).
admin.site.index_template = "admin/workspace/index.html"

urlpatterns = [
    path("", welcome, name="welcome"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("calendar/<str:token>.ics", calendar_view, name="calendar-feed"),
    path("api/", include("api.urls")),
    path("app/", include("web.urls")),
]

# Under /api/ a 404 or 500 is JSON like the rest of the API; elsewhere the site's pages.
handler404 = "api.exceptions.api_not_found"
handler500 = "api.exceptions.api_server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

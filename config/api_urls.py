"""The API v1 under the namespace `api`: participation's endpoints and the read path's, side by side.

Composed here, at the top, so that neither app's URLconf includes the other's.
"""

import geo.api_urls
import participation.api_urls

app_name = "api"

urlpatterns = [*participation.api_urls.urlpatterns, *geo.api_urls.urlpatterns]

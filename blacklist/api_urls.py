"""API of the dishonest-debtor list (docs/api.md): listings and their feed, screenings, the public search."""

from . import listing_api_urls, public_api_urls, restriction_api_urls, screening_api_urls

urlpatterns = [
    *public_api_urls.urlpatterns,
    *listing_api_urls.urlpatterns,
    *screening_api_urls.urlpatterns,
    *restriction_api_urls.urlpatterns,
]

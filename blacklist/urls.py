"""Pages of the dishonest-debtor list, one URL module per part (public search, listings, screening, restrictions)."""

from . import correction_urls, listing_urls, public_urls, push_urls, restriction_urls, screening_urls

app_name = "blacklist"

urlpatterns = [
    *public_urls.urlpatterns,
    *correction_urls.urlpatterns,
    *push_urls.urlpatterns,
    *listing_urls.urlpatterns,
    *screening_urls.urlpatterns,
    *restriction_urls.urlpatterns,
]

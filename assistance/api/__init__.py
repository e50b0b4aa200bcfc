"""`/api/v1/notices/` and `/api/v1/attachments/{id}/`: assistance notices for courts and member units' systems.

Every read starts from `Notice.objects.visible_to(user)`, the one visibility rule: what a caller may not see is a
404, never a 403, so nobody learns it exists. An action looks the notice up that way first, then calls the service,
which decides the rest (403 for a role that may not act on a visible notice, 409 for a wrong state, 400 for bad
input). The API never writes a row itself.

`notices` reads, drafts and amends; `moves` makes the moves and renders the PDFs; `attachments` serves scans.
"""

from .attachments import AttachmentDownloadView
from .notices import NoticeViewSet

__all__ = ["AttachmentDownloadView", "NoticeViewSet"]

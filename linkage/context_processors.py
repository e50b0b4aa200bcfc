# The navigation section a path belongs to, longest prefix first: the menu marks it (and its group) as current.
NAV_SECTIONS = [
    ("/notices/to-sign/", "to-sign"), ("/notices/", "notices"), ("/inbox/", "inbox"), ("/cases/", "cases"),
    ("/listings/pushes/", "pushes"), ("/listings/", "listings"), ("/screenings/", "screenings"),
    ("/meetings/", "meetings"), ("/briefings/", "briefings"), ("/assessment/", "assessment"),
    ("/suggestions/", "suggestions"),
    ("/members/contact-changes/", "change-requests"), ("/members/directory/", "directory"), ("/members/", "roster"),
    ("/calendar/", "calendar"), ("/notifications/", "notifications"), ("/accounts/", "account"),
]


def nav_section(path):
    return next((section for prefix, section in NAV_SECTIONS if path.startswith(prefix)), "home" if path == "/" else "")


def navigation(request):
    """Role, current section and unread-notification count for the navigation bar (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    return {
        "nav_role": user.role,
        "nav_organisation": user.organisation,
        "nav_section": nav_section(request.path),
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }

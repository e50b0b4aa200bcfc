def navigation(request):
    """Role and unread-notification count for the navigation bar (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    return {
        "nav_role": user.role,
        "nav_organisation": user.organisation,
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }

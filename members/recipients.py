"""Who a message to a unit, or to a court's people, goes to: the one place that turns units and roles into
`linkage.notify.Recipient`s, for every hand-over message (notices, listings, meetings)."""

from linkage.notify import Recipient

from .models import Contact, User


def unit_recipients(organisation_ids):
    """The A and B contacts of the units, and any liaison account of theirs not on the roster (deduplicated by
    account)."""
    recipients, seen_users = [], set()
    for contact in Contact.objects.current().filter(organisation_id__in=organisation_ids, role__in=["A", "B"]):
        recipient = Recipient.from_contact(contact)
        recipients.append(recipient)
        if contact.user_id:
            seen_users.add(contact.user_id)
    for user in User.objects.filter(organisation_id__in=organisation_ids, role="liaison", is_active=True):
        if user.pk not in seen_users:
            recipients.append(Recipient.from_user(user))
    return recipients


def user_recipients(users):
    """Account holders as recipients, each once."""
    seen, recipients = set(), []
    for user in users:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            recipients.append(Recipient.from_user(user))
    return recipients

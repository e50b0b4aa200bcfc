"""Who a message to a unit, or to a court's people, goes to: the one place that turns units and roles into
`linkage.notify.Recipient`s, for every hand-over message (notices, listings, meetings)."""

import dataclasses
from collections import defaultdict

from linkage.notify import Recipient

from .chat import chat_targets
from .models import Contact, User


def unit_recipients(organisation_ids):
    """The A and B contacts of the units, and any liaison account of theirs not on the roster (deduplicated by
    account). Each carries its unit's work-chat groups (`Recipient.chat`): `notify` sends one chat message per
    group, however many of the unit's people the message goes to."""
    organisation_ids = list(organisation_ids)
    groups = chat_targets(organisation_ids)
    recipients, seen_users = [], set()
    for contact in Contact.objects.current().filter(organisation_id__in=organisation_ids, role__in=["A", "B"]):
        recipient = Recipient.from_contact(contact)
        recipients.append(dataclasses.replace(recipient, chat=groups.get(contact.organisation_id, ())))
        if contact.user_id:
            seen_users.add(contact.user_id)
    for user in User.objects.filter(organisation_id__in=organisation_ids, role="liaison", is_active=True):
        if user.pk not in seen_users:
            recipients.append(dataclasses.replace(Recipient.from_user(user),
                                                  chat=groups.get(user.organisation_id, ())))
    return recipients


def contacts_by_unit(organisation_ids, roles=("A", "B", "L")):
    """{unit id: {role: Recipient}} of the units' current contacts in these roles (A, B, the unit's leader L), each
    carrying its unit's work-chat groups: what the reminder ladders address, step by step (two queries)."""
    organisation_ids = list(organisation_ids)
    groups = chat_targets(organisation_ids)
    contacts = defaultdict(dict)
    for contact in Contact.objects.current().filter(organisation_id__in=organisation_ids, role__in=list(roles)):
        contacts[contact.organisation_id][contact.role] = dataclasses.replace(
            Recipient.from_contact(contact), chat=groups.get(contact.organisation_id, ()))
    return contacts


def user_recipients(users):
    """Account holders as recipients, each once."""
    seen, recipients = set(), []
    for user in users:
        if user is not None and user.pk not in seen and user.is_active:
            seen.add(user.pk)
            recipients.append(Recipient.from_user(user))
    return recipients

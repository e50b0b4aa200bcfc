"""Who a message to a unit, or to a court's people, goes to: the one place that turns units and roles into
`linkage.notify.Recipient`s, for every hand-over message (notices, listings, meetings)."""

import dataclasses
from collections import defaultdict

from linkage.notify import Recipient

from .chat import chat_targets
from .models import Contact, User, UserRole


def recipients_by_unit(organisation_ids):
    """{unit id: [Recipient]}: each unit's A and B contacts, and any liaison account of theirs not on the roster
    (deduplicated by account), in three queries however many units. Each carries its unit's work-chat groups
    (`Recipient.chat`): `notify` sends one chat message per group, however many of the unit's people it goes to."""
    organisation_ids = list(organisation_ids)
    groups = chat_targets(organisation_ids)
    by_unit, seen_users = defaultdict(list), set()
    for contact in Contact.objects.current().filter(organisation_id__in=organisation_ids, role__in=["A", "B"]):
        by_unit[contact.organisation_id].append(
            dataclasses.replace(Recipient.from_contact(contact), chat=groups.get(contact.organisation_id, ())))
        if contact.user_id:
            seen_users.add(contact.user_id)
    for user in User.objects.filter(organisation_id__in=organisation_ids, role="liaison", is_active=True):
        if user.pk not in seen_users:
            by_unit[user.organisation_id].append(
                dataclasses.replace(Recipient.from_user(user), chat=groups.get(user.organisation_id, ())))
    return by_unit


def unit_recipients(organisation_ids):
    """The people of these units a message to them goes to (`recipients_by_unit`, in one list)."""
    return [recipient for recipients in recipients_by_unit(organisation_ids).values() for recipient in recipients]


def court_leaders(court_id):
    """The court's active bureau leaders, who sign notices and liftings and approve listings."""
    return list(User.objects.filter(organisation_id=court_id, role=UserRole.LEADER, is_active=True).order_by("pk"))


def committee_users(jurisdiction_id):
    """The active users of the jurisdiction's political-legal committee, who are told of escalations."""
    return list(User.objects.filter(organisation__jurisdiction_id=jurisdiction_id, role=UserRole.COMMITTEE,
                                    is_active=True).order_by("pk"))


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


class UnitLadder:
    """Who a reminder of a unit's unanswered item goes to: the unit's people (`recipients_by_unit`) and, once it is
    overdue, the committee of the jurisdiction too. Each unit and each committee is read once per scan, however many
    rows name it (the suggestion letters' and the referrals' scans)."""

    def __init__(self, unit_ids):
        self.units = recipients_by_unit(unit_ids)
        self._committees = {}

    def recipients(self, unit_id, jurisdiction_id, overdue):
        recipients = list(self.units.get(unit_id, []))
        if overdue:
            if jurisdiction_id not in self._committees:
                self._committees[jurisdiction_id] = user_recipients(committee_users(jurisdiction_id))
            recipients += self._committees[jurisdiction_id]
        return recipients

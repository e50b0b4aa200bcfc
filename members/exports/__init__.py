"""Excel workbooks of the roster (名册), the contact directory (通讯录) and the contact-list receipt (联系人名单回执,
the layout of the Liwan seed's 附件2), and the administrator's imports of a filled-in roster or receipt.

Exports read plain rows (``.values()``): one query for the units, one for their measures, one for their current
contacts, whatever the number of units. Imports validate every row first and write nothing if any row is wrong;
the writes go through the roster services (``create_organisation``, ``update_organisation``,
``set_organisation_active``, ``assign_contact``) in one transaction, and only for rows that change something, so
importing an unchanged export writes nothing at all. This module is the package's public surface.
"""

from .common import jurisdiction_label
from .directory import directory_entries, directory_workbook
from .reading import ImportResult
from .receipts import import_receipt, receipt_workbook
from .roster import import_roster, roster_workbook

__all__ = [
    "ImportResult", "directory_entries", "directory_workbook", "import_receipt", "import_roster",
    "jurisdiction_label", "receipt_workbook", "roster_workbook",
]

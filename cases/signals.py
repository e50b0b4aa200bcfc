"""What happens to a case that the apps above it act on. `cases` sits below `assistance` and `blacklist` and never
imports them: its services send these inside their own transaction, and the apps that hold measures against the
case receive them (each app's `receivers.py`, connected in its `AppConfig.ready`) and write in that same
transaction, so a refusal in any of them rolls the whole change back. Like `linkage.calendar_services.
calendar_changed`, they are sent with `send`, never `send_robust`: a receiver's error is the sender's error.

Who receives what today:
- `case_status_changed` → assistance stops what a concluded case started (执行完毕、终结执行、终结本次执行程序):
  unserved notices withdrawn, every measure in force put into lifting for the leader to sign, each unit told;
  blacklist records a ground for deleting the case's listings (concluded, terminated, suspended).
- `case_performed` → blacklist records the "performed" ground for the case's listings.
- `measure_drafted` → cases itself (`special.open_on_measure`) opens a special debtor's notification tasks that
  filing did not (a case filed before the duty moved to filing); once per debtor and kind.
"""

from django.dispatch import Signal

# A clerk set a case's status (set_case_status); sent only when it changed.
# Sent with case=Case (locked, saved), actor=user, status=the new CaseStatus value, reason=str ("" if none given).
case_status_changed = Signal()

# The performed amount of a case reached its amount (update_case). Sent with case=Case, actor=user.
case_performed = Signal()

# An enforcement measure against a debtor is being drafted (a notice to units), before anything is written.
# Sent with debtor=Party (a debtor of its case), actor=user.
measure_drafted = Signal()

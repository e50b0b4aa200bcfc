"""Validation of contact details, with Chinese messages naming the field."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from linkage.errors import ApplicationError
from linkage.text import require_name

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Area code (3-4 digits starting with 0) and a 7-8 digit number, optional extension; or a bare local number.
LANDLINE_RE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")


def clean_contact_fields(*, name, position="", landline="", mobile="", email=""):
    name = (name or "").strip()
    position = (position or "").strip()
    landline = (landline or "").strip().replace(" ", "")
    mobile = (mobile or "").strip().replace(" ", "").replace("-", "")
    email = (email or "").strip()
    if not name:
        raise ApplicationError("请填写联系人姓名。", field="name")
    require_name(name, "联系人姓名", "name")
    if len(name) > 30:
        raise ApplicationError("姓名不能超过30个字。", field="name")
    if len(position) > 50:
        raise ApplicationError("职务不能超过50个字。", field="position")
    if not landline and not mobile:
        raise ApplicationError("固定电话和手机至少填写一项。", field="mobile")
    if mobile and not MOBILE_RE.match(mobile):
        raise ApplicationError("手机号码应为以1开头的11位数字。", field="mobile")
    if landline and not LANDLINE_RE.match(landline):
        raise ApplicationError("固定电话格式不正确，应如 020-81000000。", field="landline")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ApplicationError("电子邮箱格式不正确。", field="email")
    return {"name": name, "position": position, "landline": landline, "mobile": mobile, "email": email}

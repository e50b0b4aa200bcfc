"""The navigation fits: at 1366 px every role's menu is one row inside the header with nothing scrolling sideways,
each page appears once, the grouped items open from their menus; at 390 px (a phone) the menu opens from the
toggler and nothing is wider than the screen."""

import pytest
from django.core.management import call_command

from .conftest import login, open_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["clerk", "leader", "liaison", "committee", "admin"]
USERNAMES = {"liaison": "lw-police-a"}

NAV_GEOMETRY = """() => {
  const header = document.querySelector('nav.navbar').getBoundingClientRect();
  const items = [...document.querySelectorAll('#mainnav > .navbar-nav > .nav-item, .nav-account > *')]
    .filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect());
  return {
    scrollWidth: document.documentElement.scrollWidth,
    header: {top: header.top, bottom: header.bottom, height: header.height},
    items: items.map(r => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right})),
  };
}"""

# the menu's and the account group's links (the brand, a logo, leads home like 工作台)
LINKS = """() => [...document.querySelectorAll('#mainnav a[href], .nav-account a[href]')]
  .filter(a => !a.classList.contains('dropdown-toggle')).map(a => new URL(a.href).pathname)"""


@pytest.fixture
def liwan(db):
    call_command("load_jurisdiction", "liwan", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_fits_one_row_at_1366_and_opens_on_a_phone(liwan, new_page, role):
    username = USERNAMES.get(role, role)
    page = new_page(1366, 768)
    login(page, username)
    geometry = page.evaluate(NAV_GEOMETRY)
    assert geometry["scrollWidth"] <= 1366, geometry
    header = geometry["header"]
    assert header["height"] < 70, geometry  # one row: the brand's height, no second line of items
    for item in geometry["items"]:
        assert header["top"] <= item["top"] and item["bottom"] <= header["bottom"], (item, header)
        assert item["right"] <= 1366, item
    links = page.evaluate(LINKS)
    assert len(links) == len(set(links)), f"一个页面在菜单里出现了两次：{links}"
    # a grouped page opens from its menu
    open_nav(page, "通讯录")
    page.wait_for_url("**/members/directory/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    phone = page  # the same session (a second login would reuse the administrator's one-time code), on a phone
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{phone.base_url}/")
    assert phone.locator(".navbar-toggler").is_visible()
    assert phone.locator("#bell").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click(".navbar-toggler")
    phone.wait_for_selector("#mainnav.show")
    phone.click("#nav-members")
    phone.wait_for_selector("#mainnav .dropdown-menu.show")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for box in phone.evaluate(NAV_GEOMETRY)["items"]:
        assert box["right"] <= 390, box
    with phone.expect_navigation():
        phone.click("#mainnav a.dropdown-item:text-is('工作日历')")
    assert phone.url.endswith("/calendar/")

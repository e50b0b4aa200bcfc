"""A small grid scene for the page tests: court 1 (clerk, leader) and its case against a debtor living in community
A of a subdistrict; community B of the same subdistrict; each community's grid liaison; the subdistrict's liaison;
the committee; a second court of the jurisdiction; and photos made by Pillow."""

import io
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.grid_models import Community
from tests import factories
from tests.assistance.helpers import file_case


def image_bytes(kind="JPEG", size=(48, 32), colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def jpeg(name="现场.jpg"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/jpeg")


def grid_scene(number="（2026）粤0103执7001号"):
    s = SimpleNamespace()
    s.court = factories.CourtFactory(name="测试第一人民法院", short_name="一院")
    s.court2 = factories.CourtFactory(name="测试第二人民法院", short_name="二院")
    s.clerk = factories.ClerkFactory(organisation=s.court, username="grid-clerk", full_name="林执行")
    s.leader = factories.LeaderFactory(organisation=s.court, username="grid-leader", full_name="陈局长")
    s.clerk2 = factories.ClerkFactory(organisation=s.court2, username="grid-clerk2", full_name="二院执行员")
    s.committee = factories.CommitteeUserFactory(username="grid-committee")
    s.subdistrict = factories.OrganisationFactory(code="grid-street", name="多宝街道办事处", short_name="多宝街道",
                                                  kind="subdistrict", level="township", measures=["inquiry"])
    s.street_liaison = factories.LiaisonFactory(organisation=s.subdistrict, username="grid-street-a",
                                                full_name="街道甲")
    s.police = factories.OrganisationFactory(code="grid-police", name="测试公安分局", short_name="公安分局",
                                             kind="police", measures=["locate_person"])
    s.police_liaison = factories.LiaisonFactory(organisation=s.police, username="grid-police-a", full_name="公安甲")
    s.community = Community.objects.create(subdistrict=s.subdistrict, code="grid-baohua", name="宝华社区")
    s.other_community = Community.objects.create(subdistrict=s.subdistrict, code="grid-duobao", name="多宝社区")
    s.grid = factories.UserFactory(role="grid", organisation=s.subdistrict, community=s.community,
                                   username="grid-baohua", full_name="宝华网格员", mobile="13900000001")
    s.other_grid = factories.UserFactory(role="grid", organisation=s.subdistrict, community=s.other_community,
                                         username="grid-duobao", full_name="多宝网格员", mobile="13900000002")
    s.case = file_case(s.clerk, number=number)
    s.debtor = s.case.parties.debtors().get()
    s.debtor.community, s.debtor.subdistrict = s.community, s.subdistrict  # as the registration service sets them
    s.debtor.save(update_fields=["community", "subdistrict"])
    return s

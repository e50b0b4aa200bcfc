"""Factories of the grid: subdistricts (街道), their communities (村（居）委会), a community's grid liaison (网格员)
and a subdistrict's A/B contacts."""

import factory

from members.models import Community
from tests.factories import ContactFactory, OrganisationFactory, UserFactory


class SubdistrictFactory(OrganisationFactory):
    code = factory.Sequence(lambda n: f"subdistrict{n}")
    name = factory.Sequence(lambda n: f"测试街道办事处{n}")
    short_name = factory.Sequence(lambda n: f"测试街道{n}")
    kind = "subdistrict"
    level = "township"


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    subdistrict = factory.SubFactory(SubdistrictFactory)
    code = factory.Sequence(lambda n: f"community{n}")
    name = factory.Sequence(lambda n: f"测试社区居委会{n}")


class GridLiaisonFactory(UserFactory):
    role = "grid"
    community = factory.SubFactory(CommunityFactory)
    organisation = factory.SelfAttribute("community.subdistrict")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class SubdistrictContactFactory(ContactFactory):
    organisation = factory.SubFactory(SubdistrictFactory)

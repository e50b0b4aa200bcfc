import datetime

import factory
from django.conf import settings

from members.models import Contact, Jurisdiction, Organisation, User


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("code",)

    # One shared jurisdiction unless a test asks for another: notices go only to units of the court's jurisdiction.
    code = "test"
    name = "测试辖区"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    code = factory.Sequence(lambda n: f"unit{n}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.Sequence(lambda n: f"单位{n}")
    kind = "police"
    level = "county"

    @factory.post_generation
    def measures(self, create, extracted, **kwargs):
        if create and extracted:
            from members.models import Measure

            self.measures.set(Measure.objects.filter(code__in=extracted))


class CourtFactory(OrganisationFactory):
    code = factory.Sequence(lambda n: f"court{n}")
    name = factory.Sequence(lambda n: f"测试人民法院{n}")
    short_name = factory.Sequence(lambda n: f"法院{n}")
    kind = "court"


class CommitteeFactory(OrganisationFactory):
    code = factory.Sequence(lambda n: f"committee{n}")
    name = factory.Sequence(lambda n: f"测试政法委{n}")
    short_name = factory.Sequence(lambda n: f"政法委{n}")
    kind = "committee"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = "admin"
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()

    @factory.post_generation
    def otp_enrolled(self, create, extracted, **kwargs):
        """A role that must use the second factor (LINKAGE_OTP_REQUIRED_ROLES) has enrolled an authenticator app, as
        it must before using the app; otp_enrolled=False makes one who has not, True enrols any role."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from linkage.otp import enrolment_required

        if create and extracted is not False and (extracted or enrolment_required(self)):
            TOTPDevice.objects.create(user=self, name="验证器应用", confirmed=True)


class ClerkFactory(UserFactory):
    role = "clerk"
    organisation = factory.SubFactory(CourtFactory)


class LeaderFactory(UserFactory):
    role = "leader"
    organisation = factory.SubFactory(CourtFactory)


class CommitteeUserFactory(UserFactory):
    role = "committee"
    organisation = factory.SubFactory(CommitteeFactory)


class LiaisonFactory(UserFactory):
    role = "liaison"
    organisation = factory.SubFactory(OrganisationFactory)
    liaison_role = "A"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    role = "A"
    name = factory.Sequence(lambda n: f"联系人{n}")
    position = "科员"
    landline = "020-81000000"
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    started_on = datetime.date(2026, 1, 1)

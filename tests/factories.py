import factory
from django.contrib.auth.models import Group

from apps.accounts.models import Department, User

TEST_PASSWORD = "correct-horse-battery-staple"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Department {n}")
    kind = Department.Kind.SECURITY_OFFICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class VendorFactory(DepartmentFactory):
    name = factory.Sequence(lambda n: f"Vendor company {n}")
    kind = Department.Kind.MAINTENANCE_VENDOR


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cameras.Site"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.Sequence(lambda n: f"Campus {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cameras.Location"

    site = factory.SubFactory(SiteFactory)
    building = factory.Sequence(lambda n: f"Building {n}")
    floor = "1F"
    area = "Hall"
    area_kind = "teaching"


class CameraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cameras.Camera"

    code = factory.Sequence(lambda n: f"CAM{n:04d}")
    name = factory.Sequence(lambda n: f"Camera {n}")
    location = factory.SubFactory(LocationFactory)
    vendor = factory.SubFactory(VendorFactory)
    rtsp_main_uri = "rtsp://127.0.0.1:9/normal"

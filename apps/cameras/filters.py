import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Camera, Location, Site

# Up to this many places matching a search are passed as ids (see CameraFilterSet.search).
PLACES_AS_VALUES = 500

# Either fault state (M-2.3): what "down" meant before offline and picture fault were told apart.
DOWN = "down"
# Up to this many cameras matching a code search are passed as ids (see camera_code_filter).
CAMERAS_AS_VALUES = 500


def camera_code_filter(queryset, name, value):
    """A filter method for the lists of other apps (checks, fault records, tickets): part of a
    camera code, as the ids of the matching cameras read first, so the list's rows are read by
    their camera index. As a subquery, PostgreSQL cannot tell how few cameras match and walks
    the list's order index testing every row (issue 15: 73,000 pages read for 10 cameras)."""
    cameras = Camera.objects.filter(code__icontains=value).values_list("pk", flat=True)
    ids = list(cameras[: CAMERAS_AS_VALUES + 1])
    return queryset.filter(camera_id__in=cameras if len(ids) > CAMERAS_AS_VALUES else ids)


class CameraFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    site = django_filters.ModelChoiceFilter(
        field_name="location__site", queryset=Site.objects.all(), label=_("site")
    )
    health = django_filters.ChoiceFilter(
        choices=[*Camera.Health.choices, (DOWN, _("Offline or picture fault"))],
        method="health_filter",
        label=_("health"),
    )
    status = django_filters.ChoiceFilter(choices=Camera.Status.choices, label=_("status"))

    class Meta:
        model = Camera
        fields = ["q", "site", "health", "status"]

    def health_filter(self, queryset, name, value):
        if value == DOWN:
            return queryset.filter(health__in=Camera.FAULT_HEALTH)
        return queryset.filter(health=value)

    def search(self, queryset, name, value):
        # The matching places' ids read first (trigram indexes), not an OR across the join
        # nor a subquery inside the OR, which makes PostgreSQL test every camera (issue 15).
        places = Location.objects.filter(
            Q(building__icontains=value) | Q(area__icontains=value)
        ).values_list("pk", flat=True)
        ids = list(places[: PLACES_AS_VALUES + 1])
        matched = Q(code__icontains=value) | Q(name__icontains=value)
        if ids:
            matched |= Q(location__in=places if len(ids) > PLACES_AS_VALUES else ids)
        # And the matching cameras' ids too, while they are few: handed the expression and
        # the list's ORDER BY code LIMIT 50, PostgreSQL walks the code index testing each
        # camera until the page is full (5,000 of 10,000 for a code half-way, issue 15).
        cameras = list(
            Camera.objects.filter(matched)
            .order_by()
            .values_list("pk", flat=True)[: CAMERAS_AS_VALUES + 1]
        )
        if len(cameras) <= CAMERAS_AS_VALUES:
            return queryset.filter(pk__in=cameras)
        return queryset.filter(matched)

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from apps.core.api.permissions import IsAuthenticatedUser, role_permission

from .. import selectors
from ..models import Department, User


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "kind"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "phone",
            "staff_number",
            "department",
            "roles",
            "is_active",
        ]

    def get_roles(self, obj: User) -> list[str]:
        return sorted(group.name for group in obj.groups.all())


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.none()  # for the schema; requests use the selector
    serializer_class = DepartmentSerializer
    permission_classes = [IsAuthenticatedUser]
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.department_list(user=self.request.user)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = User.objects.none()
    serializer_class = UserSerializer
    permission_classes = [role_permission("security_chief")]
    filterset_fields = ["department", "is_active"]

    def get_queryset(self):
        return selectors.user_list(user=self.request.user)


@extend_schema(responses=UserSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticatedUser])
def me_view(request):
    return Response(UserSerializer(request.user).data)

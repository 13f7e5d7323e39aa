from rest_framework.permissions import BasePermission


class DenyAll(BasePermission):
    """Default for every endpoint: nothing is allowed unless the view says who may."""

    def has_permission(self, request, view) -> bool:
        return False


def role_permission(*roles: str) -> type[BasePermission]:
    """A DRF permission class admitting authenticated users holding any of ``roles``."""

    class HasRole(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and user.has_any_role(*roles))

    HasRole.__name__ = "HasRole_" + "_".join(roles)
    return HasRole


class IsAuthenticatedUser(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

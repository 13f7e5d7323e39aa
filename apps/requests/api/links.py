"""Download links of copies over the API (M-3.4): issue (the custodian who retrieved, a
multipart file and the recipient's account), revoke; the download itself is the page
address (`/requests/downloads/<token>/`), the recipient signed in."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from .. import links
from ..models import CopyDownloadLink


class DownloadLinkSerializer(serializers.ModelSerializer):
    recipient_name = serializers.CharField(source="recipient", read_only=True)
    state = serializers.CharField(read_only=True)
    downloads = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = CopyDownloadLink
        fields = [
            "id",
            "copy",
            "recipient",
            "recipient_name",
            "size",
            "expires_at",
            "created_by",
            "created_at",
            "revoked_at",
            "state",
            "downloads",
            "url",
        ]

    def get_downloads(self, obj: CopyDownloadLink) -> list[dict]:
        return [{"user": d.user_id, "at": d.at} for d in obj.downloads.all()]

    def get_url(self, obj: CopyDownloadLink) -> str | None:
        """The address for its recipient and its issuer only (it works for nobody else)."""
        request = self.context.get("request")
        user_pk = getattr(getattr(request, "user", None), "pk", None)
        if user_pk in (obj.recipient_id, obj.created_by_id) and obj.state == "valid":
            return obj.get_absolute_url()
        return None


class LinkIssueSerializer(serializers.Serializer):
    file = serializers.FileField()
    recipient = serializers.PrimaryKeyRelatedField(queryset=links.recipient_choices())


class DownloadLinkActions:
    """Mixed into the requests' viewset: /api/requests/{id}/copies/{copy}/links/…"""

    @extend_schema(request=LinkIssueSerializer, responses={201: DownloadLinkSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"copies/(?P<copy_pk>[0-9]+)/links",
        parser_classes=[MultiPartParser, FormParser],
    )
    def copy_links(self, request, pk=None, copy_pk=None):
        """Issue an expiring download link (FOOTAGE_DOWNLOAD_LINK_HOURS) for a copy."""
        copy = self._copy(copy_pk)
        self._may(copy.request, "copy")
        serializer = LinkIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = links.link_issue(
            copy=copy,
            by=request.user,
            upload=serializer.validated_data["file"],
            recipient=serializer.validated_data["recipient"],
        )
        return Response(
            DownloadLinkSerializer(link, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=DownloadLinkSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"copies/(?P<copy_pk>[0-9]+)/links/(?P<link_pk>[0-9]+)/revoke",
    )
    def copy_link_revoke(self, request, pk=None, copy_pk=None, link_pk=None):
        """End a download link now; its kept file is deleted."""
        copy = self._copy(copy_pk)
        self._may(copy.request, "revoke_link")
        link = get_object_or_404(copy.links.all(), pk=link_pk)
        link = links.link_revoke(link=link, by=request.user)
        return Response(DownloadLinkSerializer(link, context=self.get_serializer_context()).data)

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # writes nothing; like DRF's views, it answers every method in JSON
def api_not_found_view(request: HttpRequest, path: str = "") -> JsonResponse:
    """An /api/ address that names no endpoint (e.g. /api/cameras/-1.5/) answers as the API
    does, JSON {"detail": ...} with 404, not the HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)

"""API lists page like the registers (issue 15): by page number, the count capped at
``PAGE_ROWS_CAP`` rows and no page past them, so a list of millions costs what a small one
does. ``count_capped`` says the count is a lower bound ("more than"); narrow with the filters
(a date range, a run) to reach older rows. See docs/api.md."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from apps.core.registers import CappedPaginator


class Pagination(PageNumberPagination):
    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.cap),
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"Rows matching, counted up to {CappedPaginator.cap}."
        )
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_capped": {
                "type": "boolean",
                "description": f"True when more than {CappedPaginator.cap} rows match: only "
                "the first of them are paged; narrow the filters to reach the rest.",
            },
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        response["required"] = ["count", "count_capped", "results"]
        return response

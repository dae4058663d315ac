"""Pages of a list: ``page`` and ``page_size`` are checked, a bad value refused (400)
rather than silently replaced by the default."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from requests_app.records.bounds import parse_id


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = "Results per page: 1 to 200 (default 50; a larger number gives 200)."
    page_query_description = "A page number from 1 (a page past the last is not found, 404)."

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param, "")
        if not value:  # absent, or left empty in a form
            return self.page_size
        size = parse_id(value)
        if size is None:
            raise ValidationError({self.page_size_query_param: [
                f"Give a number of results per page from 1 to {self.max_page_size}, e.g. 50."]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        value = request.query_params.get(self.page_query_param, "")
        if value and value not in self.last_page_strings and parse_id(value) is None:
            raise ValidationError({self.page_query_param: ["Give a page number from 1, e.g. 2."]})
        return super().paginate_queryset(queryset, request, view)

"""Pages that read across the domain apps: the dashboard, the request list with its exports,
and the request page put together from the sections each app owns.

Above every domain app and the workflow layer, beside the views: nothing below imports it.
"""

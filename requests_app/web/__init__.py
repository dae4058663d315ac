"""Pages that read across the domain apps: the dashboard, the request list with its exports,
the needs-contact list, and the request page put together from the sections each app owns.

Beside the views, above every domain app and the workflow layer: nothing below imports it.
"""

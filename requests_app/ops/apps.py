from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created


def tune_the_planner(sender, connection, **kwargs) -> None:
    """Gives each new PostgreSQL connection the planner's page cost of settings.py."""
    cost = settings.POSTGRES_RANDOM_PAGE_COST
    if connection.vendor != "postgresql" or cost is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('random_page_cost', %s, false)", [f"{cost:g}"])


class OpsConfig(AppConfig):
    name = "requests_app.ops"
    label = "ops"

    def ready(self) -> None:
        connection_created.connect(tune_the_planner, dispatch_uid="ops.tune_the_planner")

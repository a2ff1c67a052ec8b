from pathlib import Path

from django.apps import AppConfig
from django.core import checks
from django.db import connections


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):
        checks.register(check_database_directory, checks.Tags.database)


def check_database_directory(app_configs=None, databases=None, **kwargs):
    """Lets migrate name a missing data/ directory instead of failing with "unable to open database file"."""
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "sqlite" or connection.is_in_memory_db():
            continue
        directory = Path(connection.settings_dict["NAME"]).parent
        if not directory.is_dir():
            errors.append(
                checks.Error(
                    f"the database directory {directory} does not exist",
                    hint="Create it (mkdir data), or link the persistent shared directory there as the deployer does.",
                    id="shop.E001",
                )
            )
    return errors

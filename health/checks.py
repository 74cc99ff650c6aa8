"""Health checks of our own, beside django-health-check's database and cache checks."""

import dataclasses

from asgiref.sync import sync_to_async
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Fail while the database lacks a migration the code has (a deploy half done)."""

    alias: str = "default"

    async def run(self):
        # On the request's own thread and connection (no extra connection per probe).
        unapplied = await sync_to_async(self.unapplied_migrations)()
        if unapplied:
            raise ServiceUnavailable(f"{len(unapplied)} migration(s) not applied")

    def unapplied_migrations(self):
        executor = MigrationExecutor(connections[self.alias])
        targets = executor.loader.graph.leaf_nodes()
        return [migration for migration, _ in executor.migration_plan(targets)]


@dataclasses.dataclass
class ReplicaDatabase(Database):
    """The streaming replica that serves public reads (config/db_router.py), when configured:
    a node whose replica does not answer cannot serve the public pages."""

    alias: str = "replica"

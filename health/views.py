"""/health/ for a load balancer: 200 when the site can serve, 503 when it cannot.

The answer names each check and says "ok" or "failing", nothing more: the reasons (which
may name hosts, ports or databases) go to the log, never to the public.
"""

from django.http import JsonResponse
from health_check.views import HealthCheckView

from config import db_router
from health.checks import ReplicaDatabase


class LoadBalancerHealthView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health.checks.MigrationsApplied",
    )

    def get_checks(self):
        yield from super().get_checks()
        # Public reads come from the replica: it has to answer too.
        if db_router.replica_alias() == ReplicaDatabase.alias:
            yield ReplicaDatabase()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = [await check.get_result(executor) for check in self.get_checks()]
        failing = [result for result in results if result.error]
        body = {
            "status": "failing" if failing else "ok",
            "checks": {
                type(result.check).__name__: "failing" if result.error else "ok"
                for result in results
            },
        }
        return JsonResponse(body, status=503 if failing else 200)

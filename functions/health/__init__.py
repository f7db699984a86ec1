import azure.functions as func

from functions.http import json_response

bp = func.Blueprint()


@bp.function_name("health")
@bp.route(route="api/health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    from shared import bootstrap  # on first use: indexing the app stays cheap
    from shared.app.health import health as check

    report = check(bootstrap.context())
    return json_response(report, 200 if report["status"] == "ok" else 503)

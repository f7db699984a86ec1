import azure.functions as func

from functions.http import handle, json_response

bp = func.Blueprint()


@bp.function_name("health")
@bp.route(route="api/health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    from shared import bootstrap  # on first use: indexing the app stays cheap
    from shared.app.health import public_status

    status = public_status(bootstrap.context())
    return json_response({"status": status}, 200 if status == "ok" else 503)


@bp.function_name("health_details")
@bp.route(route="api/health/details", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health_details(req: func.HttpRequest) -> func.HttpResponse:
    from shared.app.health import health_details as details  # on first use: indexing the app stays cheap

    def action(ctx, principal):
        report = details(ctx, principal)
        return json_response(report, 200 if report["status"] == "ok" else 503)

    return handle(req, action)

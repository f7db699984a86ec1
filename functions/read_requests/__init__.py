import azure.functions as func

from functions.http import etag_header, handle, json_response

bp = func.Blueprint()


@bp.function_name("list_requests")
@bp.route(route="api/requests", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def list_requests(req: func.HttpRequest) -> func.HttpResponse:
    from shared import services  # on first use: indexing the app stays cheap

    return handle(req, lambda ctx, principal: json_response(
        services.list_requests(ctx, principal, dict(req.params))))


@bp.function_name("get_request")
@bp.route(route="api/requests/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def get_request(req: func.HttpRequest) -> func.HttpResponse:
    from shared import services  # on first use: indexing the app stays cheap

    def action(ctx, principal):
        request, etag = services.get_request(ctx, principal, req.route_params.get("id", ""))
        view = request.public_view()
        view["overdue"] = services.is_overdue(request, ctx.clock())
        return json_response(view, 200, etag_header(etag))

    return handle(req, action)

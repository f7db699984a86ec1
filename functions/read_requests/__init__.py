import azure.functions as func

from functions.http import etag_header, handle, json_response

bp = func.Blueprint()


@bp.function_name("list_requests")
@bp.route(route="api/requests", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def list_requests(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing  # on first use: indexing the app stays cheap
    from shared.app import queries

    return handle(req, lambda ctx, principal: json_response(
        queries.list_requests(ctx, principal, parsing.list_requests(req))))


@bp.function_name("get_request")
@bp.route(route="api/requests/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def get_request(req: func.HttpRequest) -> func.HttpResponse:
    from shared.app import queries  # on first use: indexing the app stays cheap

    def action(ctx, principal):
        request, etag = queries.get_request(ctx, principal, req.route_params.get("id", ""))
        return json_response(queries.request_view(ctx, principal, request), 200, etag_header(etag))

    return handle(req, action)

import azure.functions as func

from functions.http import etag_header, handle, if_match, json_response

bp = func.Blueprint()


def _answer(result) -> func.HttpResponse:
    request, etag = result
    return json_response(request.public_view(), 200, etag_header(etag))


@bp.function_name("assign_request")
@bp.route(route="api/requests/{id}/assign", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def assign_request(req: func.HttpRequest) -> func.HttpResponse:
    from shared import services  # on first use: indexing the app stays cheap

    return handle(req, lambda ctx, principal: _answer(services.assign_architect(
        ctx, principal, req.route_params.get("id", ""), req.get_body(), if_match(req))))


@bp.function_name("cancel_request")
@bp.route(route="api/requests/{id}/cancel", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def cancel_request(req: func.HttpRequest) -> func.HttpResponse:
    from shared import services  # on first use: indexing the app stays cheap

    return handle(req, lambda ctx, principal: _answer(services.cancel_request(
        ctx, principal, req.route_params.get("id", ""), req.get_body(), if_match(req))))


@bp.function_name("complete_request")
@bp.route(route="api/requests/{id}/complete", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def complete_request(req: func.HttpRequest) -> func.HttpResponse:
    from shared import services  # on first use: indexing the app stays cheap

    return handle(req, lambda ctx, principal: _answer(services.complete_request(
        ctx, principal, req.route_params.get("id", ""), if_match(req))))

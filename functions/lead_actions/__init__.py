import azure.functions as func

from functions.http import HttpRefusal, etag_header, handle, json_response

bp = func.Blueprint()


def act(req: func.HttpRequest, parse, use_case) -> func.HttpResponse:
    """Build a command with ``parse`` from the call and run ``use_case`` with it;
    answer with the request as the caller may see it."""
    from shared.app.errors import InvalidInput
    from shared.app.queries import get_request, request_view

    def action(ctx, principal):
        try:
            command = parse(req)
            request, etag = use_case(ctx, principal, command)
        except (HttpRefusal, InvalidInput):
            get_request(ctx, principal, req.route_params.get("id", ""))  # a request the caller cannot see is 404
            raise
        return json_response(request_view(ctx, principal, request), 200, etag_header(etag))

    return handle(req, action)


@bp.function_name("assign_request")
@bp.route(route="api/requests/{id}/assign", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def assign_request(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing  # on first use: indexing the app stays cheap
    from shared.app.lead_actions import assign_architect

    return act(req, parsing.assign_architect, assign_architect)


@bp.function_name("cancel_request")
@bp.route(route="api/requests/{id}/cancel", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def cancel_request(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing
    from shared.app.lead_actions import cancel_request

    return act(req, parsing.cancel_request, cancel_request)


@bp.function_name("reopen_request")
@bp.route(route="api/requests/{id}/reopen", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def reopen_request(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing
    from shared.app.lead_actions import reopen_request

    return act(req, parsing.reopen_request, reopen_request)


@bp.function_name("complete_request")
@bp.route(route="api/requests/{id}/complete", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def complete_request(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing
    from shared.app.lead_actions import complete_request

    return act(req, parsing.complete_request, complete_request)

import azure.functions as func

from functions.http import HttpRefusal, etag_header, handle, json_response

bp = func.Blueprint()


def _act(req: func.HttpRequest, name: str) -> func.HttpResponse:
    from functions import commands  # on first use: indexing the app stays cheap
    from shared.app import lead_actions
    from shared.app.queries import get_request, request_view

    def action(ctx, principal):
        try:
            command = getattr(commands, name)(req)
        except HttpRefusal:
            get_request(ctx, principal, req.route_params.get("id", ""))  # a request the caller cannot see is 404
            raise
        request, etag = getattr(lead_actions, name)(ctx, principal, command)
        return json_response(request_view(ctx, principal, request), 200, etag_header(etag))

    return handle(req, action)


@bp.function_name("assign_request")
@bp.route(route="api/requests/{id}/assign", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def assign_request(req: func.HttpRequest) -> func.HttpResponse:
    return _act(req, "assign_architect")


@bp.function_name("cancel_request")
@bp.route(route="api/requests/{id}/cancel", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def cancel_request(req: func.HttpRequest) -> func.HttpResponse:
    return _act(req, "cancel_request")


@bp.function_name("complete_request")
@bp.route(route="api/requests/{id}/complete", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def complete_request(req: func.HttpRequest) -> func.HttpResponse:
    return _act(req, "complete_request")

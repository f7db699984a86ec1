import azure.functions as func

from functions.http import HttpRefusal, etag_header, handle, json_response

bp = func.Blueprint()


def act(req: func.HttpRequest, name: str, capability: str = "lead_actions") -> func.HttpResponse:
    """Build the command ``name`` from the call and run the use case of that name in ``shared.app.<capability>``."""
    import importlib

    from functions import commands  # on first use: indexing the app stays cheap
    from shared.app.queries import get_request, request_view

    use_case = getattr(importlib.import_module(f"shared.app.{capability}"), name)

    def action(ctx, principal):
        try:
            command = getattr(commands, name)(req)
        except HttpRefusal:
            get_request(ctx, principal, req.route_params.get("id", ""))  # a request the caller cannot see is 404
            raise
        request, etag = use_case(ctx, principal, command)
        return json_response(request_view(ctx, principal, request), 200, etag_header(etag))

    return handle(req, action)


@bp.function_name("assign_request")
@bp.route(route="api/requests/{id}/assign", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def assign_request(req: func.HttpRequest) -> func.HttpResponse:
    return act(req, "assign_architect")


@bp.function_name("cancel_request")
@bp.route(route="api/requests/{id}/cancel", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def cancel_request(req: func.HttpRequest) -> func.HttpResponse:
    return act(req, "cancel_request")


@bp.function_name("complete_request")
@bp.route(route="api/requests/{id}/complete", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def complete_request(req: func.HttpRequest) -> func.HttpResponse:
    return act(req, "complete_request")

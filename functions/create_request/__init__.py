import azure.functions as func

from functions.http import etag_header, handle, json_response

bp = func.Blueprint()


@bp.function_name("create_request")
@bp.route(route="api/requests", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def create_request(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing  # on first use: indexing the app stays cheap
    from shared.app.intake import submit_request
    from shared.app.queries import request_view

    def action(ctx, principal):
        result = submit_request(ctx, principal, parsing.submit_request(req, ctx.routing))
        headers = {"Location": f"/api/requests/{result.request.id}", **etag_header(result.etag)}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        view = request_view(ctx, principal, result.request)
        if result.notices:
            view["notices"] = result.notices
        return json_response(view, 201, headers)

    return handle(req, action)

import azure.functions as func

from functions.http import etag_header, handle, json_response

bp = func.Blueprint()


@bp.function_name("create_request")
@bp.route(route="api/requests", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def create_request(req: func.HttpRequest) -> func.HttpResponse:
    from shared import services  # on first use: indexing the app stays cheap

    def action(ctx, principal):
        result = services.submit_request(ctx, principal, req.get_body(), req.headers.get("Idempotency-Key"))
        headers = {"Location": f"/api/requests/{result.request.id}", **etag_header(result.etag)}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return json_response(result.request.public_view(), 201, headers)

    return handle(req, action)

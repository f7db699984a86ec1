import azure.functions as func

from functions.http import handle, json_response

bp = func.Blueprint()


@bp.function_name("sla_report")
@bp.route(route="api/reports/sla", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def sla_report(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing  # on first use: indexing the app stays cheap
    from shared.app import reporting

    return handle(req, lambda ctx, principal: json_response(
        reporting.sla_report(ctx, principal, parsing.sla_report(req))))


@bp.function_name("export_requests")
@bp.route(route="api/reports/requests.csv", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def export_requests(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing  # on first use: indexing the app stays cheap
    from shared.app import export

    def action(ctx, principal):
        chunks = export.export_requests(ctx, principal, parsing.export_requests(req))
        # The Python worker answers with one body: it is built page by page from the chunks.
        body = b"".join(chunk.encode("utf-8") for chunk in chunks)
        return func.HttpResponse(body, status_code=200, mimetype="text/csv", charset="utf-8", headers={
            "Content-Disposition": 'attachment; filename="fta-requests.csv"',
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    return handle(req, action)

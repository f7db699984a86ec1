import azure.functions as func

from functions.http import handle, json_response

bp = func.Blueprint()


@bp.function_name("check_eligibility")
@bp.route(route="api/eligibility", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def check_eligibility(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing  # on first use: indexing the app stays cheap
    from shared.app.eligibility import check_eligibility

    return handle(req, lambda ctx, principal: json_response(
        check_eligibility(ctx, principal, parsing.check_eligibility(req, ctx.routing)).to_dict()))

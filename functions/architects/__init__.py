import azure.functions as func

from functions.http import handle, json_response

bp = func.Blueprint()


@bp.function_name("list_architects")
@bp.route(route="api/architects", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def list_architects(req: func.HttpRequest) -> func.HttpResponse:
    from shared.app import availability  # on first use: indexing the app stays cheap

    return handle(req, lambda ctx, principal: json_response(availability.list_architects(ctx, principal)))


@bp.function_name("mark_architect_away")
@bp.route(route="api/architects/{email}/absences", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def mark_architect_away(req: func.HttpRequest) -> func.HttpResponse:
    from functions.http import json_body
    from shared.app import availability
    from shared.app.commands import MarkAway

    def action(ctx, principal):
        availability.may_mark(principal)  # a requestor's call is 403 whatever its body
        command = MarkAway(req.route_params.get("email", ""), json_body(req))
        return json_response(availability.mark_away(ctx, principal, command), 201)

    return handle(req, action)


@bp.function_name("remove_absence")
@bp.route(route="api/architects/{email}/absences/{absenceId}", methods=["DELETE"],
          auth_level=func.AuthLevel.ANONYMOUS)
def remove_absence(req: func.HttpRequest) -> func.HttpResponse:
    from shared.app import availability
    from shared.app.commands import RemoveAbsence

    def action(ctx, principal):
        availability.remove_absence(ctx, principal, RemoveAbsence(req.route_params.get("email", ""),
                                                                  req.route_params.get("absenceId", "")))
        return func.HttpResponse(status_code=204)

    return handle(req, action)

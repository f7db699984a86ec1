import azure.functions as func

from functions.http import json_response

bp = func.Blueprint()


@bp.function_name("asyncapi_document")
@bp.route(route="api/asyncapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def asyncapi(req: func.HttpRequest) -> func.HttpResponse:
    from shared import bootstrap
    from functions.asyncapi.spec import asyncapi_document

    ctx = bootstrap.context()
    return json_response(asyncapi_document(ctx.routing.group_ids, ctx.settings.servicebus_namespace))

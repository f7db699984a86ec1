import azure.functions as func

from functions.http import json_response

bp = func.Blueprint()


@bp.function_name("openapi_document")
@bp.route(route="api/openapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def openapi(req: func.HttpRequest) -> func.HttpResponse:
    from shared import bootstrap
    from functions.openapi.spec import openapi_document

    return json_response(openapi_document(bootstrap.context().routing.regions))

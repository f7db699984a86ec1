"""The conversation around a request: request-info, comments, resume, decline."""

import azure.functions as func

from functions.lead_actions import act

bp = func.Blueprint()


@bp.function_name("request_info")
@bp.route(route="api/requests/{id}/request-info", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def request_info(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing  # on first use: indexing the app stays cheap
    from shared.app.workflow import request_info

    return act(req, parsing.request_info, request_info)


@bp.function_name("comment_request")
@bp.route(route="api/requests/{id}/comments", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def comment_request(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing
    from shared.app.workflow import add_comment

    return act(req, parsing.add_comment, add_comment)


@bp.function_name("resume_request")
@bp.route(route="api/requests/{id}/resume", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def resume_request(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing
    from shared.app.workflow import resume_request

    return act(req, parsing.resume_request, resume_request)


@bp.function_name("set_participants")
@bp.route(route="api/requests/{id}/participants", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
def set_participants(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing
    from shared.app.workflow import set_participants

    return act(req, parsing.set_participants, set_participants)


@bp.function_name("decline_request")
@bp.route(route="api/requests/{id}/decline", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def decline_request(req: func.HttpRequest) -> func.HttpResponse:
    from functions import parsing
    from shared.app.workflow import decline_request

    return act(req, parsing.decline_request, decline_request)

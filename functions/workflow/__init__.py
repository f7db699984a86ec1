"""The conversation around a request: request-info, comments, resume, decline."""

import azure.functions as func

from functions.lead_actions import act

bp = func.Blueprint()


@bp.function_name("request_info")
@bp.route(route="api/requests/{id}/request-info", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def request_info(req: func.HttpRequest) -> func.HttpResponse:
    return act(req, "request_info", "workflow")


@bp.function_name("comment_request")
@bp.route(route="api/requests/{id}/comments", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def comment_request(req: func.HttpRequest) -> func.HttpResponse:
    return act(req, "add_comment", "workflow")


@bp.function_name("resume_request")
@bp.route(route="api/requests/{id}/resume", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def resume_request(req: func.HttpRequest) -> func.HttpResponse:
    return act(req, "resume_request", "workflow")


@bp.function_name("decline_request")
@bp.route(route="api/requests/{id}/decline", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def decline_request(req: func.HttpRequest) -> func.HttpResponse:
    return act(req, "decline_request", "workflow")

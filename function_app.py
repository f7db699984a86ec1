import azure.functions as func

from functions.asyncapi import bp as asyncapi
from functions.create_request import bp as create_request
from functions.documents import bp as documents
from functions.eligibility import bp as eligibility
from functions.health import bp as health
from functions.lead_actions import bp as lead_actions
from functions.notify import bp as notify
from functions.openapi import bp as openapi
from functions.post_to_teams import bp as post_to_teams
from functions.read_replies import bp as read_replies
from functions.read_requests import bp as read_requests
from functions.remind import bp as remind
from functions.reports import bp as reports
from functions.route_to_leads import bp as route_to_leads
from functions.sweep import bp as sweep
from functions.update_reports import bp as update_reports
from functions.web import bp as web
from functions.workflow import bp as workflow

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (create_request, eligibility, read_requests, lead_actions, workflow, documents, health, route_to_leads,
                  notify, post_to_teams, remind, sweep, read_replies, web, openapi, asyncapi, reports, update_reports):
    app.register_functions(blueprint)

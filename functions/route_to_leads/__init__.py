import azure.functions as func

from functions.topic_trigger import consume
from shared import topology

bp = func.Blueprint()


@bp.function_name("route_to_leads")
@bp.service_bus_topic_trigger(
    arg_name="msg",
    topic_name=topology.TOPIC,
    subscription_name=topology.ROUTE_TO_LEADS,
    connection=topology.SERVICE_BUS_CONNECTION,
)
def route_to_leads(msg: func.ServiceBusMessage) -> None:
    consume(topology.ROUTE_TO_LEADS, msg)

import azure.functions as func

from functions.topic_trigger import consume
from shared import topology

bp = func.Blueprint()


@bp.function_name("update_reports")
@bp.service_bus_topic_trigger(
    arg_name="msg",
    topic_name=topology.TOPIC,
    subscription_name=topology.REPORTING,
    connection=topology.SERVICE_BUS_CONNECTION,
)
def update_reports(msg: func.ServiceBusMessage) -> None:
    consume(topology.REPORTING, msg)

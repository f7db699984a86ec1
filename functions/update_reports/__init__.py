import azure.functions as func

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
    from shared import bootstrap  # on first use: indexing the app stays cheap
    from shared.app.consumers import handle_message

    handle_message(
        bootstrap.context(), topology.REPORTING, msg.get_body(),
        message_id=msg.message_id, subject=msg.subject, correlation_id=msg.correlation_id,
    )

import azure.functions as func

from shared import topology

bp = func.Blueprint()


@bp.function_name("post_to_teams")
@bp.service_bus_topic_trigger(
    arg_name="msg",
    topic_name=topology.TOPIC,
    subscription_name=topology.TEAMS,
    connection=topology.SERVICE_BUS_CONNECTION,
)
def post_to_teams(msg: func.ServiceBusMessage) -> None:
    from shared import bootstrap  # on first use: indexing the app stays cheap
    from shared.app.consumers import handle_message

    handle_message(
        bootstrap.context(), topology.TEAMS, msg.get_body(),
        message_id=msg.message_id, subject=msg.subject, correlation_id=msg.correlation_id,
        locked_until=msg.locked_until,
    )

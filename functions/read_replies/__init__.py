import azure.functions as func


bp = func.Blueprint()


@bp.function_name("read_replies")
@bp.timer_trigger(arg_name="timer", schedule="%FTA_SWEEP_SCHEDULE%", run_on_startup=False)
def read_replies(timer: func.TimerRequest) -> None:
    """Replies by mail from the shared mailbox (FTA_EMAIL=graph); nothing to do otherwise."""
    from shared import bootstrap  # on first use: indexing the app stays cheap
    from shared.app.replies import read_inbox

    read_inbox(bootstrap.context())

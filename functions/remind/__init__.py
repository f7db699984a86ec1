import azure.functions as func


bp = func.Blueprint()


@bp.function_name("remind")
@bp.timer_trigger(arg_name="timer", schedule="%FTA_REMIND_SCHEDULE%", run_on_startup=False)
def remind(timer: func.TimerRequest) -> None:
    from shared import bootstrap  # on first use: indexing the app stays cheap
    from shared.app.reminders import send_reminders

    send_reminders(bootstrap.context())

import azure.functions as func

from shared import bootstrap, services

bp = func.Blueprint()


@bp.function_name("sweep")
@bp.timer_trigger(arg_name="timer", schedule="%FTA_SWEEP_SCHEDULE%", run_on_startup=False)
def sweep(timer: func.TimerRequest) -> None:
    services.sweep(bootstrap.context())

import azure.functions as func


bp = func.Blueprint()


@bp.function_name("sweep")
@bp.timer_trigger(arg_name="timer", schedule="%FTA_SWEEP_SCHEDULE%", run_on_startup=False)
def sweep(timer: func.TimerRequest) -> None:
    from shared import bootstrap  # on first use: indexing the app stays cheap
    from shared.app.documents import sweep_documents, sweep_documents_due
    from shared.app.outbox import sweep

    ctx = bootstrap.context()
    sweep(ctx)
    if sweep_documents_due(ctx):
        sweep_documents(ctx)

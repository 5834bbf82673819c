"""postcast as a Celery service: the app (`app.py`), its tasks (`tasks.py`), the
scheduler (`scheduler.py`), what `postcast status` reports (`status.py`) and the
commands (`commands.py`). Tasks are thin: each calls a step `postcast run` also runs."""

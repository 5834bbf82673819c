"""The terminal progress bar: a task's name is shown as it is, brackets and all."""

from __future__ import annotations

import io

from rich.console import Console

from postcast.service.progress_bar import RichProgress


def test_a_task_named_with_brackets_is_shown_not_parsed() -> None:
    out = io.StringIO()
    with RichProgress(Console(file=out, width=120)) as progress:
        progress("forum [/b] posts", 3, None)  # a source's name, from the configuration
        progress("[speech] sentences", 1, 2)
    shown = out.getvalue()
    assert "forum [/b] posts" in shown and "[speech] sentences" in shown

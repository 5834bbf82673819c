"""sources stage: plug-ins that yield `Post`s with a resumable cursor.

`registry.create_source(cfg)` picks the plug-in by `cfg.kind` (forummagnum, rss, url,
local, or a third-party one from the `postcast.sources` entry-point group); every
network request goes through `polite.PoliteClient` (User-Agent, per-host pacing, retries).
"""

"""postcast: turn the best writing on the web into a podcast.

The pipeline runs one way through one package per stage:
sources -> selection -> narration -> speech -> audio -> publishing,
with `storage` remembering what was done and `service` (CLI, web) as thin wrappers.
"""

__version__ = "0.1.0"

"""rung studio: the co-pilot's review in a browser (``rung studio``).

The analyst sees the LLM's, the data's and the current graph on one layout, decides edge by
edge, and watches identification, testable implications and the estimate follow. The
studio owns no causal logic: every answer comes from the functions ``rung copilot`` and
``rung identify`` call, and the session lives in the run directory the CLI writes.

Examples
--------
>>> from rung.studio import StudioContext, create_app
>>> callable(create_app)
True
"""

from rung.studio.app import MAX_UPLOAD_BYTES, StudioContext, create_app
from rung.studio.edits import Decision, set_edge
from rung.studio.server import RunningStudio, start_in_thread
from rung.studio.session import StudioSession

__all__ = [
    "MAX_UPLOAD_BYTES",
    "Decision",
    "RunningStudio",
    "StudioContext",
    "StudioSession",
    "create_app",
    "set_edge",
    "start_in_thread",
]

"""The co-pilot workflow: CSV -> LLM graph + data graph -> disagreements -> final graph ->
identification -> estimation -> report, resumable step by step.

Examples
--------
>>> from rung.workflow import CopilotConfig
>>> CopilotConfig(treatment="PKC", outcome="p44/42").discovery.method
'auto'
"""

from rung.workflow.artifacts import RunResult
from rung.workflow.choose import EdgeDecision, choose_final_graph
from rung.workflow.compare import EdgeComparison, compare_edges
from rung.workflow.config import (
    CopilotConfig,
    DataConfig,
    DiscoveryConfig,
    EstimateConfig,
    LLMConfig,
    ReportConfig,
    ReviewConfig,
)
from rung.workflow.disagreements import Disagreement, LLMEdge, find_disagreements
from rung.workflow.examples import Example, get_example
from rung.workflow.inputs import InputError, read_data_csv, read_descriptions
from rung.workflow.request import PreparedRun, prepare_run
from rung.workflow.run import STEP_NAMES, run_copilot, run_steps
from rung.workflow.store import RunStore

__all__ = [
    "STEP_NAMES",
    "CopilotConfig",
    "DataConfig",
    "Disagreement",
    "DiscoveryConfig",
    "EdgeComparison",
    "EdgeDecision",
    "EstimateConfig",
    "Example",
    "InputError",
    "LLMConfig",
    "LLMEdge",
    "PreparedRun",
    "ReportConfig",
    "ReviewConfig",
    "RunResult",
    "RunStore",
    "choose_final_graph",
    "compare_edges",
    "find_disagreements",
    "get_example",
    "prepare_run",
    "read_data_csv",
    "read_descriptions",
    "run_copilot",
    "run_steps",
]

"""Built-in abstraction tasks with offline data: arithmetic, hierarchical equality, MNIST-PVR."""

from rung.abstraction.tasks.arithmetic import ArithmeticTask, sum_xy_model, sum_yz_model
from rung.abstraction.tasks.base import (
    InterchangeData,
    Task,
    make_interchange_data,
    make_task_data,
)
from rung.abstraction.tasks.equality import EqualityTask, equality_model
from rung.abstraction.tasks.pvr import PVRTask, load_digit_images, pvr_model

__all__ = [
    "ArithmeticTask",
    "EqualityTask",
    "InterchangeData",
    "PVRTask",
    "Task",
    "equality_model",
    "load_digit_images",
    "make_interchange_data",
    "make_task_data",
    "pvr_model",
    "sum_xy_model",
    "sum_yz_model",
]

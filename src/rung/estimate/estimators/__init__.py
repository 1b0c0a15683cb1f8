"""Effect estimators in scikit-learn style (configure in ``__init__``, learn in ``fit``):
back-door adjustment, front-door, instrumental variables, the plug-in estimand, effects over
an equivalence class (IDA) and joint interventions, with their intervals.

The public names are re-exported by :mod:`rung.estimate`.
"""

"""Generative models as Pyro programs: the graph's SCM, ``do`` and ``condition`` as program
transformations, and counterfactuals by abduction, action and prediction.

The public names are re-exported by :mod:`rung.estimate`.
"""

"""The analysis workbench of the desktop app: the live analysis session
(off the GUI thread, with an incremental what-if), its canvas layers, the
Chains, Mitigations and Coverage views, the analysis toolbar with the
release timeline, the optimiser and the exports. See
:class:`~attackgraph.gui.analysis.workbench.Workbench`.
"""

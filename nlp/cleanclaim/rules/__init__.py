"""After the Doc: link mentions into administrations, code them, find the gaps, decide.

One module per step, each importing only earlier ones: :mod:`.vocabulary` (compiled tables),
:mod:`.linking`, :mod:`.diagnoses`, :mod:`.doses`, :mod:`.coding`, :mod:`.gaps`, :mod:`.decide`.
"""

from .decide import Facts, RuleSet

__all__ = ["Facts", "RuleSet"]

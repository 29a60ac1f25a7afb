"""cleanclaim's spaCy pipeline components; importing this package registers their factories."""

from .context import ContextComponent
from .fields import BlankFieldDetector
from .lines import LineSentencizer
from .sections import SectionComponent
from .targets import TargetComponent

__all__ = [
    "BlankFieldDetector",
    "ContextComponent",
    "LineSentencizer",
    "SectionComponent",
    "TargetComponent",
]

"""Intent engine: is a message a report, of which category, how urgent, and where.

Self-contained: depends on no other gridbot package and no chat platform.
"""

from intents.catalog import Catalog, CatalogError, Category, Sla, load_catalog
from intents.context import ContextModel
from intents.location import extract_location
from intents.matcher import Matcher
from intents.model import NONE, Alternative, Intent, Location
from intents.normalize import normalize

__all__ = [
    "NONE",
    "Alternative",
    "Catalog",
    "CatalogError",
    "Category",
    "ContextModel",
    "Intent",
    "Location",
    "Matcher",
    "Sla",
    "extract_location",
    "load_catalog",
    "normalize",
]

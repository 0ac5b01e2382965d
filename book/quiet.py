"""A MkDocs plugin that only quiets: listed before ``search`` in ``mkdocs.yml``, it is
imported before the search imports jieba, whose first compilation (wherever bytecode is
not written) warns a screenful of "invalid escape sequence" that says nothing to the
reader."""

import warnings

from mkdocs.plugins import BasePlugin

warnings.filterwarnings("ignore", r"invalid escape sequence", DeprecationWarning)


class Quiet(BasePlugin):
    """Does nothing: importing this module is the point."""

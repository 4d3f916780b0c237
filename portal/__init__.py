"""绥化市就业扶贫技能培训全覆盖 — domain code shared by the portal, the site and the packs.

Nothing in this package imports Streamlit except ``portal.app`` and ``portal.pages``:
the rules, the data layer and the renderers must run from the command line and tests alike.
"""

import sys as _sys
from importlib.abc import Loader as _Loader
from importlib.abc import MetaPathFinder as _MetaPathFinder
from importlib.machinery import PathFinder as _PathFinder


class _WithoutDataFrames(_Loader):
    """Runs sqlite-utils' own loader with pandas and numpy hidden (``import`` raises).

    Why: sqlite-utils imports both whenever they are installed, only to map their scalar
    types to column types when it creates a table from Python values; this project creates
    its tables by migrations and never hands it a DataFrame. Loading the two costs 0.4–0.9 s
    on the bench machine, which every ``build.py`` call paid. What needs them (the portal
    through Streamlit, the ledger's column checks, the reports) imports them where used.
    """

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        hidden = [name for name in ("pandas", "numpy") if name not in _sys.modules]
        for name in hidden:
            _sys.modules[name] = None
        try:
            self.loader.exec_module(module)
        finally:
            for name in hidden:
                if _sys.modules.get(name, False) is None:
                    del _sys.modules[name]


class _SqliteUtilsFinder(_MetaPathFinder):
    """Finds ``sqlite_utils`` as usual and hands it ``_WithoutDataFrames``; nothing else.

    A finder rather than an import here: a process that never opens the database (the
    ledger's checking process) does not load sqlite-utils at all.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "sqlite_utils":
            return None
        spec = _PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _WithoutDataFrames(spec.loader)
        return spec


if "sqlite_utils" not in _sys.modules:
    _sys.meta_path.insert(0, _SqliteUtilsFinder())

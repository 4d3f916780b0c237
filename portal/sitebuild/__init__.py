"""The public policy site: pages generated from ``content/`` and the database, built by MkDocs.

``build_site(db, out)`` is the one entry point; ``python build.py site`` calls it. The modules
each write one kind of page into a staging folder, then ``mkdocs_run`` builds the HTML.
"""

from portal.sitebuild.build import BuildReport, build_site

__all__ = ["BuildReport", "build_site"]

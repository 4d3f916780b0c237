"""绥化市就业扶贫技能培训全覆盖 — domain code shared by the portal, the site and the packs.

Nothing in this package imports Streamlit except ``portal.app`` and ``portal.pages``:
the rules, the data layer and the renderers must run from the command line and tests alike.
"""

"""Printable policy packs (两联三送): the 就业政策明白卡, the two-copy 技能扶贫联系卡, nearby
sessions, job openings and a QR code to the township timetable, per worker, village or township.

Plain Python (no Streamlit): the CLI, the portal page and the site build all call it.
"""

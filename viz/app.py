"""The aimarket viewer: ``aimarket view`` runs this Streamlit app (pages in viz/pages/)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="aimarket", layout="wide")
page = st.navigation(
    [
        st.Page(_PAGES / "explore.py", title="Explore", default=True),
        st.Page(_PAGES / "story.py", title="Story of a run"),
        st.Page(_PAGES / "agents.py", title="Agents"),
        st.Page(_PAGES / "scenarios.py", title="Scenarios"),
        st.Page(_PAGES / "sweeps.py", title="Sweeps"),
    ]
)
page.run()

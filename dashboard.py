"""The dashboard's entry point: `streamlit run dashboard.py`. The frame every page is drawn in is ui/app.py."""
from ui.app import run_app

run_app()

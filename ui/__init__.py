"""The dashboard's own code: the app's frame, navigation, store access, the sidebar's selection, widgets and
formatting. Pages live in pages/ and use only this package and `benchmarking`. Importing it changes nothing in
the process: a serving process's settings are applied when the app runs (server_settings.py)."""

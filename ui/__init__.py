"""The dashboard's own code: navigation, store access, the sidebar's selection, widgets and formatting.
Pages live in ui/pages/ and use only this package and `benchmarking`."""

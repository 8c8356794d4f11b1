"""Importers: DfE and GIAS files exactly as published, and pupil-level CSV files in the project's template.

Every file is validated whole before anything is written, and one report names every problem with the
file's own line number and column.
"""

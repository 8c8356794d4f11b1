"""The one exception type for problems a user can cause and fix."""


class BenchmarkingError(Exception):
    """A problem the user can act on (a bad file, an unknown URN, a missing store).

    The command line prints its message without a traceback; the dashboard shows it in an error box.
    """

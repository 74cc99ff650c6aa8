"""The one exception the importers raise for a file that cannot be imported."""


class ImportRejected(Exception):
    """The file as a whole cannot be imported; the message says why, for an editor."""

"""The refusal of an uploaded file, raised by the type detector and the container checks alike."""


class Refused(ValueError):
    """The file is not accepted; the message says why and what to do."""

"""cbc: the paperwork of the 查保促 campaign, as a library and a command line.

    from cbc_cli import new_forms, get_edition
"""

from .version import __version__

__all__ = ["__version__", "get_edition", "load_edition", "load_roster", "new_forms", "score_file", "score_paths", "validate_file", "validate_paths"]


def __getattr__(name: str):  # imported on first use, so `cbc --help` stays fast
    if name in ("get_edition", "load_edition"):
        from . import forms

        return getattr(forms, name)
    if name == "new_forms":
        from .newform import new_forms

        return new_forms
    if name in ("validate_file", "validate_paths"):
        from . import validate

        return getattr(validate, name)
    if name in ("score_file", "score_paths"):
        from . import scoring

        return getattr(scoring, name)
    if name == "load_roster":
        from .roster import load_roster

        return load_roster
    raise AttributeError(name)

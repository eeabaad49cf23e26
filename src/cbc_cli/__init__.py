"""cbc: the paperwork of the 查保促 campaign, as a library and a command line.

    from cbc_cli import new_forms, get_edition
"""

from .version import __version__

__all__ = ["__version__", "get_edition", "load_edition", "load_roster", "new_forms", "read_ledgers", "score_file", "score_paths", "validate_file", "validate_paths"]


def __getattr__(name: str):  # imported on first use, so `cbc --help` stays fast
    if name in ("get_edition", "load_edition"):
        from .model import edition

        return getattr(edition, name)
    if name == "new_forms":
        from .newform import new_forms

        return new_forms
    if name in ("validate_file", "score_file"):
        from .judge import ladder

        return getattr(ladder, name)
    if name == "validate_paths":
        from .validate import validate_paths

        return validate_paths
    if name == "score_paths":
        from .scoring import score_paths

        return score_paths
    if name == "read_ledgers":
        from .ledger import read_ledgers

        return read_ledgers
    if name == "load_roster":
        from .model.config import load_roster

        return load_roster
    raise AttributeError(name)

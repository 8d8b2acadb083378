"""The contract's bot rule ("Bots"), in one place so every metric applies it the same way.

An account is a bot when GitHub says so (`type == "Bot"`, or GraphQL `__typename: Bot`, which
the collector stores as `is_bot`), when its login ends with `[bot]`, or — for a commit with no
linked GitHub user — when its e-mail is a `...[bot]@users.noreply.github.com` address.
"""

from __future__ import annotations

import re

_BOT_EMAIL = re.compile(r"\[bot\]@users\.noreply\.github\.com$", re.IGNORECASE)


def is_bot_login(login: str | None, flagged: bool = False) -> bool:
    """True when the account is flagged a bot by GitHub or its login ends with `[bot]`."""
    if flagged:
        return True
    return login is not None and login.lower().endswith("[bot]")


def is_bot_email(email: str | None) -> bool:
    """True for a bot no-reply address, e.g. `49699333+dependabot[bot]@users.noreply...`."""
    return email is not None and _BOT_EMAIL.search(email.strip()) is not None


def is_bot_actor(actor: dict[str, object] | None) -> bool:
    """Bot rule for a raw actor `{login, is_bot}`; a deleted account (None) is not a bot."""
    if actor is None:
        return False
    login = actor.get("login")
    return is_bot_login(login if isinstance(login, str) else None, bool(actor.get("is_bot")))


def is_bot_commit(login: str | None, email: str | None, flagged: bool = False) -> bool:
    """Bot rule for a commit author: the login rule, or the e-mail rule when no user is linked."""
    if is_bot_login(login, flagged):
        return True
    return login is None and is_bot_email(email)

"""The analyst commands of `dragoman`: correct, corrections, revert, confirm, token, serve.

Registered on the main command group by `register(cli)` (one line in dragoman/cli.py). Importing
this module is cheap: FastAPI and uvicorn are imported only by `serve`.
"""
from __future__ import annotations

import getpass
import ipaddress
import json
import os

import click

KINDS = ("event", "claim", "actor", "place", "date")


def _cli():
    from dragoman import cli  # late: dragoman.cli imports this module

    return cli


def _store(db):
    return _cli()._open_store(db)


def _fail(message: str):
    raise _cli().DragomanError(message)


def _db_option(func):
    return click.option(
        "--db", envvar="DRAGOMAN_DB", metavar="URL", default=None,
        help="SQLAlchemy database URL [default: $DRAGOMAN_DB, else a SQLite file in the user data directory]")(func)


def _default_author() -> str:
    try:
        return os.environ.get("DRAGOMAN_AUTHOR") or getpass.getuser()
    except Exception:
        return "analyst"


def _show(records, fmt: str, title: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False, default=str))
        return
    if isinstance(records, dict):
        records = [records]
    if not records:
        click.echo(f"no {title.lower()}")
        return
    for c in records:
        what = {"set": f"{c['field']}: {c['before']!r} -> {c['after']!r}", "delete": "marked wrong (deleted)",
                "add": f"added {json.dumps(c['after'], ensure_ascii=False)[:80]}"}[c["action"]]
        click.echo(f"#{c['id']} [{c['status']}] {c['kind']} {c['key']}\n"
                   f"    {what}\n    by {c['author']} at {c['created_at']}: {c['reason']}")
        if c.get("review_note"):
            click.echo(f"    review: {c['review_note']}")
        if c.get("reverted_at"):
            click.echo(f"    reverted by {c.get('reverted_by') or '?'} at {c['reverted_at']}")


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("key")
@click.option("--field", "-f", help="The field to correct: event type|mode|status|date|source|target|place|"
                                    "source.country|place.lat ...; claim stance|speaker|date|content; "
                                    "actor name|country|sector|role; place name|kind|country|lat|lon|coordinates; "
                                    "date value.")
@click.option("--value", "-v", help="The new value (a JSON object for source/target/speaker/place; null clears).")
@click.option("--delete", is_flag=True, help="Mark the record wrong instead.")
@click.option("--add", "record", metavar="JSON", help="Add a missing record (KEY is then the document id).")
@click.option("--reason", "-r", required=True, help="Why: it goes into the audit log.")
@click.option("--author", "-a", default=None, help="Who [default: $DRAGOMAN_AUTHOR or the login name].")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def correct(kind, key, field, value, delete, record, reason, author, db, fmt):
    """Correct one stored record of KIND (event|claim|actor|place|date) with key KEY.

    \b
      dragoman correct event KEY --field status --value planned --reason "only announced"
      dragoman correct claim DOC#c2 --delete --reason "not a claim"
      dragoman correct event DOC --add '{"type": "AGREE", ...}' --reason "missed"
    KEY is a record's stable key (the "key" field of `dragoman events --format json`
    or GET /api/articles/DOC) or its row id (DOC#e3)."""
    from dragoman.corrections import CorrectionError

    if field is not None and value is None:
        raise click.UsageError("--field needs --value (use --value null to clear)")
    if value is not None and field is None:
        raise click.UsageError("--value needs --field")
    store = _store(db)
    try:
        done = store.correct(kind, key, field, value, reason=reason, author=author or _default_author(),
                             delete=delete, record=record, doc=key if record is not None else None)
    except CorrectionError as err:
        _fail(str(err))
    _show(done, fmt, "corrections")


@click.command("corrections")
@click.option("--needs-review", is_flag=True, help="Only corrections a re-analysis flagged for review.")
@click.option("--status", type=click.Choice(["active", "reverted", "needs_review"]), help="Only this status.")
@click.option("--doc", help="Only corrections of this document.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@_db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def corrections_command(needs_review, status, doc, limit, db, fmt):
    """List the corrections (audit log): who, when, before, after, why."""
    store = _store(db)
    _show(store.corrections(status="needs_review" if needs_review else status, doc=doc, limit=limit), fmt,
          "corrections")


def _review(action: str):
    @click.command(action)
    @click.argument("correction_id", type=click.IntRange(min=1), metavar="ID")
    @click.option("--author", "-a", default=None, help="Who [default: $DRAGOMAN_AUTHOR or the login name].")
    @_db_option
    def command(correction_id, author, db):
        from dragoman.corrections import CorrectionError

        store = _store(db)
        method = store.revert_correction if action == "revert" else store.confirm_correction
        try:
            _show(method(correction_id, author=author or _default_author()), "text", "corrections")
        except CorrectionError as err:
            _fail(str(err))

    command.help = ("Revert correction ID: it stops applying and stays in the audit log as reverted."
                    if action == "revert" else
                    "Confirm correction ID flagged needs_review: active again against the new machine output.")
    return command


@click.group()
def token():
    """API tokens: every write to the API needs one (`Authorization: Bearer <token>`)."""


@token.command("create")
@click.option("--name", required=True, help="Whose token (shown as the author of their corrections).")
@_db_option
def token_create(name, db):
    """Create a token and print it once; only a salted hash is stored."""
    try:
        click.echo(_store(db).create_token(name))
    except ValueError as err:
        _fail(str(err))


@token.command("revoke")
@click.argument("name")
@_db_option
def token_revoke(name, db):
    """Revoke NAME's token: it stops working at once."""
    count = _store(db).revoke_token(name)
    if not count:
        _fail(f"no active token named {name!r}")
    click.echo(f"revoked {count} token(s) named {name}", err=True)


@token.command("list")
@_db_option
def token_list(db):
    """List tokens (never their secrets)."""
    for t in _store(db).tokens():
        state = "active" if t["active"] else f"revoked {t['revoked_at']}"
        click.echo(f"{t['name']}\t{t['id']}\tcreated {t['created_at']}\tlast used {t['last_used_at'] or '-'}\t{state}")


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any non-loopback address makes reads need a token too.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@_db_option
def serve(host, port, db):
    """Serve the HTTP API (and the web workbench) with uvicorn; OpenAPI at /openapi.json."""
    try:
        import uvicorn

        from dragoman.api import create_app
    except ImportError as err:
        _fail(f"serving needs fastapi and uvicorn ({err})")
    store = _store(db)
    require = not is_loopback(host)
    app = create_app(store=store, require_read_token=require)
    click.echo(f"dragoman: serving {store.display_url} on http://{host}:{port} "
               f"({'reads and writes need a token' if require else 'writes need a token'})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info")


def register(group: click.Group) -> None:
    """Add the analyst commands to the `dragoman` command group."""
    for command in (correct, corrections_command, _review("revert"), _review("confirm"), token, serve):
        group.add_command(command)

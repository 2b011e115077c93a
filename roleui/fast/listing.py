"""The fast path of `roleui list`: print the list from a rendered index before the catalog is even read.

A start from cache must cost little more than starting Python, and reading the catalog, the AWS config and a
5,000-account organization cache, then merging them into 10,000 roles, costs twenty times that. So the normal
path (roleui/commands/list_roles.py) leaves, after every quiet run, the list already rendered: for each role its
search text, its `--json` object and its table cells, plus the identity (mtime, size, inode) of every file the
list came from (the catalog, the AWS config file, the organization cache) and the moment the organization cache
goes stale. The fast path re-checks those identities and that moment, filters and prints; anything changed,
missing, stale or unusual (an option other than --config and --json) falls back to the normal path, which decides
afresh — and says what the fast path cannot (stale caches, skipped profiles): an index is written only when the
normal path had nothing to say on stderr.

The index holds what `roleui list --json` prints, no secret (ExternalIds are printed as booleans). Imports are
the standard library's cheapest (marshal, not json or pickle): keep it that way.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

from roleui import __version__
from roleui.core.catalog.empty import no_roles_in
from roleui.core.files import file_identity, write_atomic
from roleui.core.user_dirs import cache_dir_name
from roleui.fast.index import LOCATION_NAMES, command_words, fingerprint, read_own

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a fast path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

COMMAND = "list"
HEADER = f"roleui-quick-list 5 {__version__} {sys.version_info[0]}.{sys.version_info[1]}".encode()
SEPARATOR = b"\n--\n"
# ~0.9 KB a role (the document, then each role's search text and cells): a million roles. write_index leaves no
# index over it, so an index is never refused and rewritten on every call.
MAX_INDEX_BYTES = 1 << 30
TABLE_HEADER = ("ACCOUNT", "ID", "ROLE", "ARN", "TAGS", "SOURCE")

# One role of the index: (search text, `--json` object, table cells in TABLE_HEADER order).
Row = tuple[str, str, tuple[str, ...]]


def simple_request(argv: Sequence[str]) -> tuple[str | None, bool, str] | None:
    """(config, json, filter text) when argv is `[--config P] list [--json] [WORD ...]`, else None."""
    request = command_words(argv, COMMAND)
    if request is None:
        return None
    config, words = request
    rest = [w for w in words[1:] if w != "--json"]
    if any(w.startswith("-") for w in rest):
        return None  # --refresh, --help, a typo: argparse has something to say
    return config, "--json" in words, " ".join(rest)


def index_path(config: str | None, environ: Mapping[str, str], cwd: str, directory: str) -> str:
    """Where the index of this request lives: one file per catalog and place of roleui's files. Credentials and
    profiles in the environment do not change a listing, so a new session in the shell keeps the same index."""
    name = fingerprint(HEADER.decode(), config, environ, cwd, only=LOCATION_NAMES)
    return os.path.join(directory, "lists", "list-" + name)


def lists_directory(environ: Mapping[str, str]) -> str:
    return cache_dir_name(environ)


# -- rendering, shared with the normal path so both print byte for byte the same -----------------------------


def json_document(objects: Sequence[str]) -> str:
    """One compact object per line: still one JSON document, greppable, and ~2x faster than json.dump(indent=)."""
    return "[\n" + ",\n".join(objects) + ("\n]\n" if objects else "]\n")


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(TABLE_HEADER)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in (TABLE_HEADER, *rows)
    ]
    return "\n".join(lines) + "\n"


def matches(hay: str, text: str) -> bool:
    """`roleui list FILTER`: every word appears (case-insensitively) in one of the fields or of the role's
    references (`main/AdminAccessRole`, a profile name), a word starting with `arn:` in the role ARN, and every
    `key:value` word names a tag whose key starts with `key` and whose value holds `value` (as the UI's filter does).
    `hay` is roleui.core.world.search.haystack: the fields, NUL, `key<TAB>value` lines, NUL, references, NUL, ARN."""
    fields, _, rest = hay.partition("\0")
    tags, _, rest = rest.partition("\0")
    references, _, arn = rest.partition("\0")
    for word in text.lower().split():
        key, colon, value = word.partition(":")
        if key == "arn" and colon:
            if word not in arn:
                return False
        elif colon and key:
            if not any(k.startswith(key) and value in v for k, _, v in (t.partition("\t") for t in tags.split("\n"))):
                return False
        elif word not in fields and word not in references:
            return False
    return True


def render(rows: Sequence[Row], text: str, as_json: bool, catalog_path: str | None = None) -> tuple[str, str]:
    """(stdout, stderr) of `roleui list [--json] TEXT` over `rows`; `catalog_path`: the catalog file read, if any
    (an empty one is not helped by `roleui init`, which never overwrites it)."""
    chosen = [row for row in rows if matches(row[0], text)] if text else rows
    if as_json:
        return json_document([row[1] for row in chosen]), ""
    if chosen:
        return table([row[2] for row in chosen]), ""
    if text:
        return "", f"roleui: no role matches {text!r}\n"
    if catalog_path is not None:
        return "", f"roleui: no roles yet — {no_roles_in(catalog_path)}\n"
    return (
        "",
        "roleui: no roles yet — `roleui init` writes a starter catalog, `roleui check` says where roleui looked\n",
    )


# -- the index -----------------------------------------------------------------------------------------------


def write_index(
    path: str, rows: Sequence[Row], *, depends_on: Sequence[str], fresh: tuple[float, float] | None
) -> None:
    """Leave the rendered list and what it was made of (atomic, 0600); `fresh` is the span of time (epoch
    seconds) in which the discovery caches are fresh, None without discovery. Only an optimisation.

    Layout: header lines (HEADER, fresh span, length of the document, then `path<TAB>identity` per dependency),
    SEPARATOR, the whole `--json` document (printed as is when there is no filter), then (search text, cells) of
    each role (marshal). A role's JSON object is kept once, in the document (its line there), not in its row too:
    that doubled the index, and at 300,000 roles took it over MAX_INDEX_BYTES.
    """
    if any("\n" in p or "\t" in p for p in depends_on):
        return
    document = json_document([row[1] for row in rows]).encode()
    lines = [HEADER, b"-" if fresh is None else f"{fresh[0]!r} {fresh[1]!r}".encode(), str(len(document)).encode()]
    lines += [f"{p}\t{file_identity(p)}".encode() for p in depends_on]
    data = b"\n".join(lines) + SEPARATOR + document + marshal.dumps([(row[0], row[2]) for row in rows])
    if len(data) > MAX_INDEX_BYTES:
        # read_index would refuse it: leave none rather than one rewritten (and refused) on every call.
        try:  # noqa: SIM105  (contextlib is not among the fast path's imports)
            os.unlink(path)
        except OSError:
            pass
        return
    write_atomic(path, data)


def _is_row(row: object) -> bool:
    """(search text, table cells): a row as stored."""
    return (
        isinstance(row, tuple)
        and len(row) == 2
        and isinstance(row[0], str)
        and isinstance(row[1], tuple)
        and len(row[1]) == len(TABLE_HEADER)
        and all(isinstance(cell, str) for cell in row[1])
    )


def document_objects(document: bytes | memoryview) -> list[str]:
    """The JSON objects of a json_document, in order: its lines between `[` and `]`, without their commas (an
    object has no raw newline: json.dumps escapes them)."""
    lines = bytes(document).decode().split("\n")[1:-2]
    return [line[:-1] if line.endswith(",") else line for line in lines]


class ListIndex:
    """A valid index: the unfiltered `--json` document as bytes, and the rows (decoded only when needed)."""

    def __init__(self, document: memoryview, body: memoryview) -> None:
        self.document = document
        self._body = body

    def rows(self) -> list[Row] | None:
        try:
            # The user's own file (0600 in a 0700 directory); marshal builds data and runs nothing.
            rows = marshal.loads(self._body)  # noqa: S302
        except (ValueError, EOFError, TypeError):
            return None
        # Damaged or hand-made: rows of another shape make the index absent. Checking every row costs more than
        # the whole fast path (~20 ms for 10,000), so the ends are checked here and anything else a damaged row
        # raises while rendering sends the door to the normal path (launcher.py).
        if not isinstance(rows, list) or (rows and not (_is_row(rows[0]) and _is_row(rows[-1]))):
            return None
        objects = document_objects(self.document)
        if len(objects) != len(rows):
            return None
        return [(hay, json, cells) for (hay, cells), json in zip(rows, objects, strict=True)]


def read_index(path: str, now: float) -> ListIndex | None:
    """The index if every file it was made of is unchanged and the organization is not stale yet, else None."""
    data = read_own(path, MAX_INDEX_BYTES, map_over=1 << 20)
    if data is None:
        return None
    end = data.find(SEPARATOR)
    lines = data[: max(end, 0)].decode(errors="replace").split("\n")
    if end < 0 or len(lines) < 3 or lines[0] != HEADER.decode() or not (lines[2].isascii() and lines[2].isdigit()):
        return None
    if lines[1] != "-":
        start, _, stale = lines[1].partition(" ")
        try:
            fresh = float(start) <= now < float(stale)
        except ValueError:
            return None
        if not fresh:
            return None  # the organization cache went stale (or the clock moved back): the normal path says so
    for line in lines[3:]:
        dependency, _, recorded = line.rpartition("\t")
        if file_identity(dependency) != recorded:
            return None
    view = memoryview(data)[end + len(SEPARATOR) :]
    length = int(lines[2])
    return ListIndex(view[:length], view[length:]) if len(view) >= length else None


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """For the CLI door: answer `roleui [--config P] list [--json] [WORD ...]` from the index; True if answered."""
    request = simple_request(sys.argv[1:] if argv is None else argv)
    if request is None:
        return False
    config, as_json, text = request
    env = os.environ if environ is None else environ
    index = read_index(index_path(config, env, os.getcwd(), lists_directory(env)), time.time())
    if index is None:
        return False
    try:
        if as_json and not text:
            sys.stdout.flush()
            sys.stdout.buffer.write(index.document)  # ASCII (json.dumps escapes the rest): no decoding at all
        else:
            rows = index.rows()
            if not rows and not text:
                return False  # nothing to list: the full command says why, and what to do
            if rows is None:
                return False
            out, err = render(rows, text, as_json)
            sys.stderr.write(err)
            sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:
        # `roleui list | head`: the reader left; that is not an error. Point stdout at /dev/null so the flush at
        # exit does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return True

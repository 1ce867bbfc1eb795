"""Read YAML and JSON documents safely, keeping the line of every value.

Only plain data is built: mappings, lists, strings, numbers, booleans and null. Tags that would
construct objects, duplicate keys, alias bombs and oversized files are refused with an
:class:`~advisor.core.errors.InputError` subclass that names the file and the line.
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Optional, Type

from .errors import InputError, PathPart, shorten

if TYPE_CHECKING:
    import yaml

#: Largest document read, in bytes.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: The name standard input goes by in messages (``-`` as a file name reads it).
STDIN = "<stdin>"
#: Largest number of values (after aliases are expanded) in one document.
MAX_NODES = 200_000
#: Deepest nesting of mappings and lists.
MAX_DEPTH = 64

_STANDARD_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


def _loader() -> Any:
    """libyaml's parser where PyYAML has it (about ten times faster), else the pure-Python one.

    PyYAML is imported here, on first use, not with this module: its import is some 90 million
    instructions (a tenth of a command's start, most of it one regular expression), and the
    profiles advisor writes are read by the line reader (:class:`_Lines`), which does not need
    it (issue 15 §3; tests/test_startup.py)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """A parsed document: its data and the 1-based line of each value, by path."""

    file: str
    data: Any
    lines: dict[tuple[PathPart, ...], int] = field(default_factory=dict)
    text: Optional[str] = None
    """YAML or JSON text whose line numbers are worked out only when :meth:`line_of` needs them."""

    def line_of(self, path: tuple[PathPart, ...]) -> Optional[int]:
        """The line of the value at ``path``, or of its nearest parent that has one."""
        if self.text is not None:
            text, self.text = self.text, None
            self.lines = _lines_of(text, self.file, self.data)
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


class _Builder:
    def __init__(self, file: str, error: Type[InputError]) -> None:
        import yaml

        self.file = file
        self.error = error
        self.loader = yaml.SafeLoader("")
        self.nodes = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
        self.count = 0
        self.lines: dict[tuple[PathPart, ...], int] = {}

    def fail(self, message: str, node: yaml.Node, path: tuple[PathPart, ...], hint: str) -> InputError:
        return self.error(message, file=self.file, path=path, line=node.start_mark.line + 1, hint=hint)

    def build(self, node: yaml.Node, path: tuple[PathPart, ...] = ()) -> Any:
        scalar_node, mapping_node, sequence_node = self.nodes
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                f"document has more than {MAX_NODES} values (an alias bomb?)",
                node,
                path,
                "split it or remove repeated aliases",
            )
        if len(path) > MAX_DEPTH:
            raise self.fail(f"nested deeper than {MAX_DEPTH} levels", node, path, "flatten the document")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(
                f"YAML tag {node.tag!r} is not allowed",
                node,
                path,
                "write plain values without '!' tags",
            )
        if isinstance(node, mapping_node):
            self.loader.flatten_mapping(node)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, scalar_node):
                    raise self.fail("a key must be a plain word", key_node, path, "write `name: value`")
                key = self.construct(key_node, path)
                if key is None or isinstance(key, (bool, float)):
                    key = key_node.value
                key = str(key)
                if key in result:
                    raise self.fail(
                        f"duplicate key {key!r}",
                        key_node,
                        path + (key,),
                        f"it already appears on line {self.lines.get(path + (key,), '?')}; keep one",
                    )
                self.lines[path + (key,)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, sequence_node):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.construct(node, path)

    def construct(self, node: yaml.Node, path: tuple[PathPart, ...]) -> Any:
        """The value of a scalar; one that its tag cannot make (``!!int abc``, ``!!bool maybe``,
        an int of more than Python's 4,300 digits) is an error that names it, cut short."""
        try:
            return self.loader.construct_object(node)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError):
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise self.fail(
                f"{shorten(repr(node.value))} cannot be read as {kind}",
                node,
                path,
                "write a plain value (numbers of at most 4,300 digits), or quote it as text",
            ) from None


def parse_text(text: str, file: str, error: Type[InputError]) -> Document:
    """Parse YAML (or JSON, which is read as YAML) text into plain data with line numbers."""
    import yaml

    try:
        nodes = list(yaml.compose_all(text, Loader=_loader()))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be parsed"
        raise error(
            f"not valid YAML/JSON: {problem}",
            file=file,
            line=mark.line + 1 if mark else None,
            hint="check indentation, colons and quotes around that line",
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML/JSON: {exc}", file=file, hint="check the syntax") from None
    if len(nodes) > 1:
        raise error(
            "holds more than one YAML document",
            file=file,
            line=nodes[1].start_mark.line + 1,
            hint="remove the '---' separator; one file holds one document",
        )
    builder = _Builder(file, error)
    try:
        data = builder.build(nodes[0]) if nodes else None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise error(
            f"value cannot be read: {exc.problem}",
            file=file,
            line=mark.line + 1 if mark else None,
            hint="write plain values",
        ) from None
    return Document(file=file, data=data, lines=builder.lines)


class _Slow(Exception):
    """The fast reader met something only the line-tracking one reports or handles."""


#: Scalars longer than this are neither resolved from nor kept in the caches of the fast reader.
_CACHED_TEXT = 64
#: At most this many tags and values are kept in each cache of the fast reader.
_CACHED_VALUES = 4096
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = _STANDARD_TAGS - {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


#: The tag of each short plain scalar PyYAML's resolver has resolved, by its text and style: the
#: tag depends only on them (the safe loader has no path resolvers), and resolving it with the
#: resolver's regular expressions is a good part of composing a profile.
_TAGS: dict[tuple[str, Any], str] = {}


@functools.cache
def _tag_cache() -> Any:
    """The loader class of :func:`_parse_fast`: libyaml's parser (:func:`_loader`) with the tag of
    each plain scalar remembered in :data:`_TAGS`. Made on first use, as PyYAML is imported."""
    import yaml

    class _TagCache(_loader()):  # type: ignore[misc]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not yaml.ScalarNode or len(value) > _CACHED_TEXT:
                return super().resolve(kind, value, implicit)
            key = (value, implicit)
            tag = _TAGS.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_TAGS) < _CACHED_VALUES:
                    _TAGS[key] = tag
            return tag

    return _TagCache


_VALUES: dict[tuple[str, str], Any] = {}
_CONSTRUCTOR: "list[yaml.SafeLoader]" = []


def _scalar(tag: str, text: str) -> Any:
    """The value of a scalar of ``tag`` and ``text`` as the safe loader constructs it (cached for
    short texts), or :class:`_Slow` where it would fail or the tag is not a plain value's."""
    if tag == "tag:yaml.org,2002:str":
        return text
    key = (tag, text)
    try:
        return _VALUES[key]
    except KeyError:
        pass
    if tag not in _SCALAR_TAGS:
        raise _Slow()
    import yaml

    if not _CONSTRUCTOR:
        _CONSTRUCTOR.append(yaml.SafeLoader(""))
    constructor = _CONSTRUCTOR[0]
    try:
        value = constructor.construct_object(yaml.ScalarNode(tag, text))
    except Exception:
        raise _Slow() from None
    finally:
        constructor.constructed_objects.clear()  # it keeps every node it made a value of
    if len(text) <= _CACHED_TEXT and len(_VALUES) < _CACHED_VALUES:
        _VALUES[key] = value
    return value


class _FastBuilder:
    """Plain data from composed YAML without the line of each value: what :class:`_Builder`
    builds, or :class:`_Slow` where it would fail, or merge keys it flattens."""

    def __init__(self) -> None:
        import yaml

        self.count = 0
        self.nodes = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode

    def scalar(self, node: yaml.Node) -> Any:
        if type(node) is not self.nodes[0]:
            raise _Slow()
        return _scalar(node.tag, node.value)

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise _Slow()
        kind = type(node)
        scalar_node, mapping_node, sequence_node = self.nodes
        if kind is scalar_node:
            return self.scalar(node)
        if kind is mapping_node and node.tag == "tag:yaml.org,2002:map":
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if type(key_node) is not scalar_node or key_node.tag == _MERGE_TAG:
                    raise _Slow()
                key = self.scalar(key_node)
                key = str(key_node.value if key is None or isinstance(key, (bool, float)) else key)
                if key in result:
                    raise _Slow()
                result[key] = self.build(value_node, depth + 1)
            return result
        if kind is sequence_node and node.tag == "tag:yaml.org,2002:seq":
            return [self.build(item, depth + 1) for item in node.value]
        raise _Slow()


#: What the line reader (:class:`_Lines`) leaves to libyaml: a character YAML reads as a line
#: break or refuses (tabs, carriage returns, NEL, the line and paragraph separators, a byte
#: order mark, anything not printable): every character but ``\n``, ``\x20-\x7e``, ``\xa0-\u2027``,
#: ``\u202a-\ud7ff``, ``\ue000-\ufefe``, ``\uff00-\ufffd`` and ``\U00010000-\U0010ffff``, listed
#: rather than negated: a tenth of the time to compile (tests/test_profile_reading.py); compiled
#: when a text that is not ASCII is first read (issue 15 §3).
_NOT_PLAIN_TEXT = "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
#: The first characters of a value the line reader leaves to libyaml (indicators, a sign
#: before anything but a digit, quotes it does not read itself).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_PLAIN_IMPLICIT = (True, False)
#: The value of each short plain scalar the line reader has read, by its text.
_PLAIN: dict[str, Any] = {}
#: The line reader leaves documents near the limits on values and nesting to libyaml (well
#: below them: it counts its own way).
_LINES_NODES, _LINES_DEPTH = MAX_NODES // 2, MAX_DEPTH // 2


#: One line of a YAML text for the line reader (:class:`_Lines`): its indentation, its key (a
#: plain word: ASCII letters, digits and ``_``, not a digit first, followed by ``:`` and a space
#: or the end of the line; else ``""``) and the text after the key and the spaces after it, or
#: the whole text of a line that is not a ``key:`` line. Every line is matched, one at a time.
_LINE = re.compile(r"^( *)(?:([A-Za-z_][A-Za-z0-9_]*):(?![^ \n]) *)?([^\n]*)", re.M)
#: A ``key: value`` (or ``key:``) written after a sequence's ``- ``: its key and value.
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?")
#: A document marker or a directive: at the start of the text, or of a line.
_MARKERS = ("---", "...", "%")
_LINE_MARKERS = tuple("\n" + marker for marker in _MARKERS)


def _plain_text(text: str) -> bool:
    """Whether ``text`` holds nothing :data:`_NOT_PLAIN_TEXT` finds: for ASCII text, whether
    its bytes are all printable or line breaks (deleted by ``bytes.translate``, a few times
    faster than the regular expression)."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _PLAIN_ASCII)
    return re.search(_NOT_PLAIN_TEXT, text) is None


#: The ASCII characters :data:`_NOT_PLAIN_TEXT` allows: the printable ones and the line break.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\n"


class _Lines:
    """The data of a YAML text written in block style, as libyaml and :class:`_FastBuilder`
    read it, from its lines: mappings of plain-word keys and sequences (``- item``), indented
    with spaces, holding one-line values (plain, quoted without escapes, ``[]`` or ``{}``);
    comment lines, blank lines and comments after a value. Anything else (a tag, an anchor, a
    flow collection, a value on several lines, a duplicate key, an error) raises
    :class:`_Slow`: libyaml reads it. Profiles written by ``advisor sample`` and ``advisor init``
    are read this way, in about a fifth of the time libyaml takes to compose them.

    The lines are cut by one regular expression over the text (:data:`_LINE`), into
    ``(indentation, key or "", text)``: Python then looks at each line once, with no string
    operation but for values not seen before."""

    def __init__(self, text: str) -> None:
        if not _plain_text(text) or text.startswith(_MARKERS) or any(m in text for m in _LINE_MARKERS):
            raise _Slow()
        # blank lines (the text of a line all spaces is empty) and comment lines left out
        lines: list[tuple[str, str, str]] = [
            line for line in _LINE.findall(text) if line[1] or (line[2] and line[2][0] != "#")
        ]
        if len(lines) > _LINES_NODES // 3:  # each line holds at most three values
            raise _Slow()
        self.lines = lines

    def data(self) -> Any:
        if not self.lines:
            return None
        if self.lines[0][0]:
            raise _Slow()
        data, end = self.block(0, 0, 0)
        if end != len(self.lines):
            raise _Slow()
        return data

    def block(self, at: int, indent: int, depth: int) -> tuple[Any, int]:
        """The mapping or sequence whose lines start at line ``at``, indented ``indent``; and
        the line after it."""
        if depth > _LINES_DEPTH:
            raise _Slow()
        _, key, content = self.lines[at]
        if not key and (content == "-" or content.startswith("- ")):
            return self.sequence(at, indent, depth)
        return self.mapping(at, indent, depth)

    def mapping(self, at: int, indent: int, depth: int) -> tuple[dict[str, Any], int]:
        lines = self.lines
        end = len(lines)
        result: dict[str, Any] = {}
        while at < end:
            spaces, key, text = lines[at]
            column = len(spaces)
            if column < indent:
                break
            if column != indent or not key or key in result:
                raise _Slow()
            at += 1
            if text and text[0] != "#":
                value = _PLAIN.get(text, _PLAIN)
                result[key] = value if value is not _PLAIN else _value(text)
                continue
            if at < end:
                spaces, nested, after = lines[at]
                column = len(spaces)
                if column > indent:
                    result[key], at = self.block(at, column, depth + 1)
                    continue
                if column == indent and not nested and (after == "-" or after.startswith("- ")):
                    result[key], at = self.sequence(at, indent, depth + 1)  # a list need not be indented under its key
                    continue
            result[key] = None
        return result, at

    def sequence(self, at: int, indent: int, depth: int) -> tuple[list[Any], int]:
        lines = self.lines
        end = len(lines)
        result: list[Any] = []
        while at < end:
            spaces, key, content = lines[at]
            if len(spaces) != indent or key or (content != "-" and not content.startswith("- ")):
                break
            item = content[1:].lstrip(" ")
            if not item or item[0] == "#":  # the item's block on the lines below, or null
                at += 1
                column = len(lines[at][0]) if at < end else -1
                value: Any = None
                if column > indent:
                    value, at = self.block(at, column, depth + 1)
            else:
                match = _KEY_LINE.fullmatch(item)
                if match is not None:  # a mapping that starts on the item's line
                    column = indent + len(content) - len(item)
                    lines[at] = (" " * column, match[1], match[2] or "")
                    value, at = self.block(at, column, depth + 1)
                else:
                    value = _PLAIN.get(item, _PLAIN)
                    if value is _PLAIN:
                        value = _value(item)
                    at += 1
            result.append(value)
        if at < end and len(lines[at][0]) > indent:
            raise _Slow()
        return result, at


def _value(text: str) -> Any:
    """The value written ``text`` on one line (a comment after it, `` #...``, left out), as
    libyaml reads it, or :class:`_Slow`."""
    text = text.rstrip(" ")
    first = text[0]
    if first == "'" or first == '"':
        end = text.find(first, 1)  # the closing quote: no quote inside (nor '' for one)
        rest = text[end + 1 :]
        if end < 0 or (rest and not (rest[0] == " " and rest.lstrip(" ")[0] == "#")):
            raise _Slow()
        if first == '"' and "\\" in text[1:end]:
            raise _Slow()  # an escape
        return text[1:end]
    cut = text.find(" #")
    if cut >= 0:
        text = text[:cut].rstrip(" ")
        first = text[0]
    if first in _INDICATORS:
        if text == "[]":
            return []
        if text == "{}":
            return {}
        if not (first == "-" and len(text) > 1 and text[1].isdigit()):
            raise _Slow()
    if ":" in text or "#" in text:
        raise _Slow()  # a mapping, a sexagesimal number: libyaml decides
    value = _plain_scalar(text)
    if cut < 0 and len(text) <= _CACHED_TEXT and len(_PLAIN) < _CACHED_VALUES:
        _PLAIN[text] = value  # a plain value (a number, true, a word): the same text, the same value
    return value


#: The first characters for which PyYAML's resolver may give a plain scalar a tag other than a
#: string (the keys of its implicit resolvers): a plain scalar that starts with any other is a
#: string, whatever follows (tests/test_profile_reading.py checks the set against PyYAML's).
_RESOLVED_FIRST = frozenset("yYnNtTfFoO-+0123456789.<~=!&*")
#: The words PyYAML's resolver makes booleans and null (its regular expressions, spelled out).
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("~", "null", "Null", "NULL"), None),
}


def _plain_scalar(text: str) -> Any:
    """The value of the plain scalar ``text`` (one line, not empty) as PyYAML's resolver and safe
    constructor make it, or :class:`_Slow`. Words, booleans, null, whole numbers written in
    decimal and decimals with a point (``-12``, ``0.35``) are read here without PyYAML; anything
    else (``0x1f``, ``1_000``, ``.5``, a date, ``=``) by PyYAML, imported then."""
    first = text[0]
    if first not in _RESOLVED_FIRST:
        return text
    value = _WORDS.get(text, _WORDS)
    if value is not _WORDS:
        return value
    if first in "yYnNtTfFoO":  # their resolvers are the booleans' and null's: not one of those words
        return text
    if len(text) <= _CACHED_TEXT:
        digits = text[1:] if first in "+-" else text
        if digits.isascii():
            if digits.isdigit() and (digits[0] != "0" or digits == "0"):  # 012 is octal in YAML 1.1
                return int(text)
            whole, point, fraction = digits.partition(".")
            if point and whole.isdigit() and (not fraction or fraction.isdigit()):
                return float(text)
    key = (text, _PLAIN_IMPLICIT)
    tag = _TAGS.get(key)
    if tag is None:
        import yaml

        tag = _resolver().resolve(yaml.ScalarNode, text, _PLAIN_IMPLICIT)
        if len(text) <= _CACHED_TEXT and len(_TAGS) < _CACHED_VALUES:
            _TAGS[key] = tag
    return _scalar(tag, text)


@functools.cache
def _resolver() -> Any:
    """PyYAML's resolver (imported on first use: :func:`_loader`)."""
    import yaml

    return yaml.resolver.Resolver()


def _parse_fast(text: str, file: str, error: Type[InputError]) -> Document:
    """:func:`parse_text` without the line of each value, about three times faster: the lines
    are worked out when :meth:`Document.line_of` first needs one. Anything the fast reader does
    not handle itself (an error, a merge key, a tag) goes through :func:`parse_text`, so that the
    data and the messages are the same either way."""
    try:
        return Document(file=file, data=_Lines(text).data(), text=text)
    except (_Slow, RecursionError):
        pass
    import yaml

    loader = _tag_cache()(text)
    try:
        node = loader.get_single_node()
        data = _FastBuilder().build(node) if node is not None else None
    except (yaml.YAMLError, _Slow, RecursionError):
        return parse_text(text, file, error)
    finally:
        loader.dispose()
    return Document(file=file, data=data, text=text)


def _open_regular(name: str, error: Type[InputError], what: str) -> tuple[int, int]:
    """The descriptor of ``name`` opened for reading, if it is a regular file, and its size.

    Anything else is refused before it is read: a FIFO would block, a device (``/dev/zero``) never
    ends and reports a size of 0, a directory is not a document. The file is opened without
    blocking and checked again through its descriptor (it may have been swapped meanwhile)."""
    not_regular = f"{what} path is not a regular file (a FIFO, socket or device)"
    try:
        kind = os.stat(name).st_mode
        if stat.S_ISDIR(kind):
            raise error(f"{what} path is a directory", file=name, hint="give a file")
        if not stat.S_ISREG(kind):
            raise error(not_regular, file=name, hint="give a YAML or JSON file")
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise error(f"{what} file not found", file=name, hint="check the path") from None
    except OSError as exc:
        raise error(f"{what} file cannot be read: {exc.strerror}", file=name, hint="check permissions") from None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise error(not_regular, file=name, hint="give a YAML or JSON file")
    return fd, status.st_size


def open_regular(name: str, error: Type[InputError], what: str) -> BinaryIO:
    """``name`` opened for reading in binary, if it is a regular file (:func:`_open_regular`)."""
    return os.fdopen(_open_regular(name, error, what)[0], "rb")


def _read_regular(name: str, error: Type[InputError], what: str) -> bytes:
    """The bytes of the regular file ``name`` (:func:`_open_regular`), at most
    :data:`MAX_FILE_BYTES` of them: the limit is enforced while reading, not taken from the size
    the file system reports. Read with :func:`os.read`, first as many bytes as the size says and
    one more: a buffered ``read(MAX_FILE_BYTES + 1)`` allocates the whole limit at every call,
    which took two thirds of the time of reading a profile of a few kilobytes."""
    fd, size = _open_regular(name, error, what)
    chunks: list[bytes] = []
    total = 0
    try:
        want = min(size, MAX_FILE_BYTES) + 1
        while total <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(want, MAX_FILE_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = 1 << 16
    except OSError as exc:
        raise error(f"{what} file cannot be read: {exc.strerror}", file=name, hint="check permissions") from None
    finally:
        os.close(fd)
    if total > MAX_FILE_BYTES:
        raise error(
            f"{what} file is more than the limit of {MAX_FILE_BYTES} bytes", file=name, hint="is this the right file?"
        )
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_bytes(path: "str | os.PathLike[str]", error: Type[InputError], what: str) -> tuple[str, bytes]:
    """The name of the document at ``path`` as messages give it, and its bytes: at most
    :data:`MAX_FILE_BYTES` of a regular file, not binary. ``-`` reads standard input
    (``<stdin>`` in messages). :func:`parse_bytes` parses them."""
    name = os.fspath(path)
    if name == "-":
        name, raw = STDIN, sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise error(
                f"{what} on standard input is more than the limit of {MAX_FILE_BYTES} bytes",
                file=name,
                hint="is this the right input?",
            )
    else:
        raw = _read_regular(name, error, what)
    if b"\x00" in raw:
        raise error(f"{what} file is binary, not text", file=name, hint="give a YAML or JSON file")
    return name, raw


def parse_bytes(name: str, raw: bytes, error: Type[InputError], what: str, lazy_lines: bool = False) -> Document:
    """The document of the bytes :func:`read_bytes` read from the file ``name``: JSON if the name
    ends in ``.json``, else YAML."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"{what} file is not UTF-8 text (byte {exc.start})",
            file=name,
            line=line,
            hint="save it as UTF-8",
        ) from None
    if name.lower().endswith(".json"):
        return _parse_json(text, name, error, lazy_lines)
    return _parse_fast(text, name, error) if lazy_lines else parse_text(text, name, error)


def read_file(path: "str | os.PathLike[str]", error: Type[InputError], what: str, lazy_lines: bool = False) -> Document:
    """Read and parse the document at ``path``; ``what`` names it in messages ("profile").
    ``-`` reads standard input (YAML or JSON; ``<stdin>`` in messages).

    With ``lazy_lines`` the line numbers are worked out only when an error asks for one
    (:meth:`Document.line_of`): reading JSON is then a plain JSON parse, ten times faster, and
    YAML a parse without them (:func:`_parse_fast`), three times faster."""
    name, raw = read_bytes(path, error, what)
    return parse_bytes(name, raw, error, what, lazy_lines)


def _trailing_comma(exc: json.JSONDecodeError) -> json.JSONDecodeError:
    """A trailing comma as Python 3.13 and newer report it (at the comma), on every version:
    earlier ones report a missing value or property name at the closing bracket."""
    before = exc.doc[: exc.pos].rstrip()
    if exc.pos < len(exc.doc) and exc.doc[exc.pos] in "}]" and before.endswith(","):
        kind = "object" if exc.doc[exc.pos] == "}" else "array"
        return json.JSONDecodeError(f"Illegal trailing comma before end of {kind}", exc.doc, len(before) - 1)
    return exc


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An ``object_pairs_hook`` for :func:`json.loads` that refuses duplicate keys."""
    result: dict[str, Any] = dict(pairs)
    if len(result) == len(pairs):
        return result
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _lines_of(text: str, file: str, data: Any) -> dict[tuple[PathPart, ...], int]:
    """The line of each value of the YAML or JSON ``text`` (whose data is ``data``), from the
    line-tracking YAML parse of the same text; none if it reads the text differently (JSON that
    YAML reads otherwise; data that is not equal to itself, such as ``.nan``, is taken as read)."""
    try:
        doc = parse_text(text, file, InputError)
    except InputError:
        return {}
    return doc.lines if doc.data == data or _has_nan(data) else {}


def _has_nan(data: Any) -> bool:
    if isinstance(data, float):
        return data != data
    if isinstance(data, dict):
        return any(_has_nan(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_nan(v) for v in data)
    return False


def _parse_json(text: str, file: str, error: Type[InputError], lazy_lines: bool = False) -> Document:
    """Strict JSON (the json module), with line numbers taken from a YAML parse of the same text."""
    try:
        data = json.loads(text, object_pairs_hook=no_duplicates) if text.strip() else None
    except json.JSONDecodeError as exc:
        exc = _trailing_comma(exc)
        raise error(
            f"not valid JSON: {exc.msg}", file=file, line=exc.lineno, hint=f"check column {exc.colno} of that line"
        ) from None
    except ValueError as exc:
        raise error(f"not valid JSON: {exc}", file=file, hint="keep one of the duplicate keys") from None
    except RecursionError:
        raise error(f"nested deeper than {MAX_DEPTH} levels", file=file, hint="flatten the document") from None
    if lazy_lines:
        return Document(file=file, data=data, text=text)
    try:
        doc = parse_text(text, file, error)
    except InputError:
        doc = Document(file=file, data=data)  # valid JSON that YAML reads differently: no line numbers
    if doc.data != data:
        return Document(file=file, data=data)
    return doc

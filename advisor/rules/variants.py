"""Rule-pack variants: a pack that extends another one and changes it, and the packs' test cases.

A variant is a rule pack file (or the ``pack.yaml`` of a pack directory) with more top-level keys
(``docs/RESEARCH.md``, "Variants")::

    extends: default            # the shipped pack, or a pack file / directory relative to this file
    pack: {name: strict, version: "1"}   # optional in a variant: the name defaults to the file name
    documents: {...}            # added to the inherited documents
    disable: [PLAN-004]         # inherited rules to leave out
    override:                   # fields of inherited rules to change
      PLAN-002:
        priority: critical      # a field replaces the inherited one as a whole ...
        title: {en: ...}        # ... except title and message, where a language left out is kept
        when[plan.co_creation_status].ge: main_goal   # one value inside a field: a threshold
    rules: [...]                # new rules
    tests: [...]                # test cases, run by ``advisor rules test``

The extends chain is followed (a cycle is an error), then ``disable``, then ``override``, then the
new rules; the result is validated by :func:`advisor.rules.pack.build_pack`, exactly as a plain pack.
Links to disabled rules: a ``recommends`` entry naming a disabled recommendation is dropped (the
finding then recommends less); a condition that tests ``{finding: X}`` of a disabled X is an error,
and so is a recommendation left with no finding that recommends it and no ``when``.

Several packs given together (``load_variant([a, b])``) are *stacked*: ``a`` is loaded as it is,
and each later pack is applied on top of the result as if it extended the pack before it (so it may
not say ``extends:`` itself). A plain pack stacked on another adds its rules and documents.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from pydantic import ValidationError

from ..profile import io as _profile_io
from ..core.documents import Document
from ..core.errors import PathPart, ProfileError, Problems, RulePackError, did_you_mean, shorten
from ..profile.model import Profile
from ..core.scale import Scale
from .load import DEFAULT_PACK, PackPaths, load_rules
from .pack import (
    FACTORS,
    PHASES,
    TESTS_SUFFIX,
    Evidence,
    PackInfo,
    Reference,
    Rule,
    RulePack,
    _fail,
    _from_pydantic,
    _read_pack_files,
    build_pack,
    default_rules_path,
    is_inside,
    parse_documents,
)

__all__ = [
    "PackTest",
    "Variant",
    "load_rules",
    "load_variant",
    "resolve_variant",
    "PackPaths",
    "DEFAULT_PACK",
    "VARIANT_KEYS",
    "Problems",
]

#: The top-level keys of a pack file that may extend another.
VARIANT_KEYS = ("extends", "pack", "documents", "disable", "override", "defaults", "rules", "tests")
_RULE_FILE_KEYS = ("defaults", "rules", "tests")
#: What ``defaults:`` may give the rules of its file, and the values of each.
DEFAULTABLE = {"factor": FACTORS, "phase": PHASES, "evidence": Scale.of(Evidence)}
_TEST_KEYS = ("name", "profile", "profile_file", "fires", "not_fires")
_MERGED_TEXTS = ("title", "message")
_MAX_DEPTH = 32


@dataclass(frozen=True)
class PackTest:
    """One test case of a pack: a profile and the rules that must and must not fire on it."""

    name: str
    file: str
    line: Optional[int]
    profile: Profile
    fires: tuple[str, ...]
    not_fires: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Variant:
    """A resolved pack: the validated :class:`RulePack` and what the variant did to its bases."""

    pack: RulePack
    tests: tuple[PackTest, ...]
    """The test cases of the packs named (not of the packs they extend)."""
    inherited_tests: tuple[PackTest, ...]
    """The test cases of the packs they extend."""
    layers: tuple[str, ...]
    """Every pack read, the first base first."""
    disabled: tuple[str, ...] = ()
    overridden: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For each overridden rule, the fields changed."""
    added: tuple[str, ...] = ()


def _pack_only(paths: PackPaths) -> RulePack:
    """The pack, with the test cases of its own files checked, without reading the ``*.tests.yaml``
    files of pack directories or parsing the test cases it inherits (an assessment needs neither)."""
    problems = Problems(collect=False)
    state = resolve_layers(paths, problems, tests=False)
    assert state is not None and state.info is not None  # strict mode raised otherwise
    pack = build_pack(state.info, state.documents, state.rule_entries(), origin=state.origin)
    parse_tests(state.own_tests, pack, problems)
    return pack


#: The name the command line and the research functions have always used for :func:`load_rules`.
load_variant = load_rules


def resolve_variant(paths: PackPaths = None) -> Variant:
    """Like :func:`load_variant`, with the pack's test cases and what each layer changed."""
    problems = Problems(collect=False)
    state = resolve_layers(paths, problems)
    assert state is not None and state.info is not None  # strict mode raised otherwise
    pack = build_pack(state.info, state.documents, state.rule_entries(), origin=state.origin)
    tests = parse_tests(state.own_tests, pack, problems)
    # Inherited test cases were checked with their own pack; those that name a rule this variant
    # disabled (or that no longer hold for another reason) are left out.
    inherited = parse_tests(state.inherited_tests, pack, Problems(collect=True))
    final = pack.by_id
    return Variant(
        pack=pack,
        tests=tuple(tests),
        inherited_tests=tuple(inherited),
        layers=tuple(state.layers),
        disabled=tuple(sorted(set(state.disabled))),
        overridden={k: tuple(v) for k, v in sorted(state.overridden.items()) if k in final},
        added=tuple(sorted({r for r in state.added if r in final})),
    )


# --------------------------------------------------------------------------------------------
# internals shared with advisor.packcheck


@dataclass
class Entry:
    """One rule as it will be validated: its id as written, where it is, and its data."""

    rule_id: Any
    doc: Document
    path: tuple[PathPart, ...]
    raw: Any


@dataclass
class RawTest:
    doc: Document
    path: tuple[PathPart, ...]
    raw: Any


@dataclass
class Resolved:
    """The packs read so far, merged: what :func:`build_pack` and the test parser need."""

    info: Optional[PackInfo]
    documents: dict[str, Reference]
    entries: list[Entry]
    own_tests: list[RawTest] = field(default_factory=list)
    inherited_tests: list[RawTest] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    overridden: dict[str, list[str]] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return " + ".join(self.named)

    def ids(self) -> list[str]:
        return [e.rule_id for e in self.entries if isinstance(e.rule_id, str)]

    def rule_entries(self) -> list[tuple[Document, tuple[PathPart, ...], Any]]:
        return [(e.doc, e.path, e.raw) for e in self.entries]


def _as_list(paths: PackPaths) -> list[Union[str, "os.PathLike[str]"]]:
    if paths is None:
        return [DEFAULT_PACK]
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    out = list(paths)
    return out or [DEFAULT_PACK]


def _target(name: Union[str, "os.PathLike[str]"]) -> tuple[Path, str]:
    """The path of a pack as named by the user, and how to show it."""
    if str(name) == DEFAULT_PACK and not Path(DEFAULT_PACK).exists():
        return default_rules_path(), DEFAULT_PACK
    return Path(name), os.fspath(name)


def resolve_layers(paths: PackPaths, problems: Problems, *, tests: bool = True) -> Optional[Resolved]:
    """Read and merge the packs (stacked when several); ``None`` if nothing could be read. Without
    ``tests``, the ``*.tests.yaml`` files of pack directories are not read."""
    state: Optional[Resolved] = None
    for position, name in enumerate(_as_list(paths)):
        try:
            where, shown = _target(name)
        except RulePackError as exc:
            problems.add(exc)
            return None
        layer = _resolve(where, shown, (), problems, base=state, stacked=position > 0, tests=tests)
        if layer is None:
            return state if problems.collect and state is not None else None
        layer.named = (state.named if state else []) + [shown]
        state = layer
    return state


#: What a pack may name by path (``extends:``, ``profile_file:``): only files under its own directory.
_CONFINED_HINT = "a pack names `default` or files under its own directory: move the file there and name it relatively"


def _outside(doc: Document, key: str, name: str) -> Optional[RulePackError]:
    """The error for a path that ``doc`` names under ``key`` and that leads out of its directory
    (absolute, ``..`` above it, or a symbolic link out of it), else ``None``. Packs are untrusted
    data: a pack must not make advisor read (and echo in its errors) another file of the user's."""
    if key == "extends" and name == DEFAULT_PACK:
        return None
    if os.path.isabs(name) or name.startswith("~"):
        return _fail(
            doc, f"{key} {shorten(repr(name))} is an absolute path", (key,) if key == "extends" else (), _CONFINED_HINT
        )
    root = os.path.dirname(os.path.abspath(doc.file))
    if not is_inside(root, os.path.join(root, name)):
        return _fail(
            doc,
            f"{key} {shorten(repr(name))} leads outside the pack's directory",
            (key,) if key == "extends" else (),
            _CONFINED_HINT,
        )
    return None


def _stem_name(where: Path) -> str:
    stem = where.name if where.is_dir() else where.stem
    return re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-") or "variant"


def _finding_refs(raw: Any) -> Iterator[str]:
    """Every ``finding:`` id in a condition as written."""
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key == "finding" and isinstance(value, str):
                yield value
            else:
                yield from _finding_refs(value)
    elif isinstance(raw, list):
        for item in raw:
            yield from _finding_refs(item)


def _resolve(
    where: Path,
    shown: str,
    stack: tuple[Path, ...],
    problems: Problems,
    *,
    base: Optional[Resolved] = None,
    stacked: bool = False,
    tests: bool = True,
) -> Optional[Resolved]:
    """Read the pack at ``where`` and apply it on ``base`` (or on what it extends), in steps:
    read, follow ``extends``, take its info and documents, ``disable``, ``override``, inherit the
    rules left, add its own rules and tests."""
    docs = _read(where, stack, problems, tests)
    if docs is None:
        return None
    layer = _Layer(where, docs, stack, problems, base, stacked, tests)
    layer.follow_extends()
    layer.start(shown)
    layer.disable()
    layer.override()
    layer.inherit()
    layer.add()
    layer.link()
    return layer.state


def _read(where: Path, stack: tuple[Path, ...], problems: Problems, tests: bool) -> Optional[list[Document]]:
    """Step 1: the files of the pack, its head a mapping of the keys a pack may have."""
    try:
        docs = _read_pack_files(where, tests)
    except RulePackError as exc:
        problems.add(exc)
        return None
    head = docs[0]
    if not isinstance(head.data, dict):
        problems.add(
            _fail(head, "a rule pack file must be a mapping with `pack:` and `rules:`", (), "see docs/RULE-FORMAT.md")
        )
        return None
    data = head.data
    if stack and not set(data) & set(VARIANT_KEYS):
        # A file reached through `extends:`: say nothing of what it holds, it may be any file.
        problems.add(
            _fail(
                head,
                "is not a rule pack: it has none of the keys " + ", ".join(VARIANT_KEYS),
                (),
                "see docs/RULE-FORMAT.md",
            )
        )
        return None
    for key in data:
        if key not in VARIANT_KEYS:
            match = did_you_mean(key, VARIANT_KEYS)
            problems.add(
                _fail(
                    head,
                    f"unknown key {key!r}",
                    (key,),
                    f"did you mean {match!r}?" if match else "allowed: " + ", ".join(VARIANT_KEYS),
                )
            )
    return docs


class _Layer:
    """One pack applied on its base: the state the steps of :func:`_resolve` share."""

    def __init__(
        self,
        where: Path,
        docs: list[Document],
        stack: tuple[Path, ...],
        problems: Problems,
        base: Optional[Resolved],
        stacked: bool,
        tests: bool = True,
    ) -> None:
        self.where, self.docs, self.stack, self.problems = where, docs, stack, problems
        self.tests = tests
        self.head = docs[0]
        self.data: dict[str, Any] = self.head.data
        self.base, self.stacked = base, stacked
        self.base_ok = True
        self.lines = dict(self.head.lines)
        self.layer_doc = Document(file=self.head.file, data=self.head.data, lines=self.lines)
        self.disabled: dict[str, int] = {}
        self.overrides: dict[str, Entry] = {}

    def fail(self, message: str, path: tuple[PathPart, ...], hint: Optional[str] = None) -> None:
        self.problems.add(_fail(self.head, message, path, hint))

    @property
    def has_base(self) -> bool:
        return self.base is not None or not self.base_ok

    def follow_extends(self) -> None:
        """Step 2: resolve the pack this one extends (a cycle, a missing pack or a path out of
        the pack's directory is an error)."""
        if "extends" not in self.data:
            return
        extends = self.data["extends"]
        if self.stacked:
            self.fail(
                "a pack stacked on another cannot say `extends:`",
                ("extends",),
                "it extends the pack given before it; drop `extends:` or give this pack alone",
            )
            return
        if not isinstance(extends, str) or not extends.strip():
            self.fail("`extends` names one pack: `default` or a path", ("extends",), "write extends: default")
            self.base_ok = False
            return
        if len(self.stack) >= _MAX_DEPTH:
            self.fail(f"extends chain is deeper than {_MAX_DEPTH} packs", ("extends",), "flatten the chain")
            self.base_ok = False
            return
        if extends == DEFAULT_PACK:
            target, target_shown = default_rules_path(), DEFAULT_PACK
        else:
            target_shown = os.path.normpath(os.path.join(os.path.dirname(self.head.file), extends))
            target = Path(target_shown)
        chain = self.stack + (self.where.resolve(),)
        outside = _outside(self.head, "extends", extends)
        if outside is not None:
            self.problems.add(outside)
            self.base_ok = False
        elif target.resolve() in chain:
            names = [p.name for p in chain] + [target.resolve().name]
            self.fail(
                "extends cycle: " + " → ".join(names),
                ("extends",),
                "a pack cannot extend itself, directly or through others",
            )
            self.base_ok = False
        elif not target.exists():
            self.fail(
                f"extends {extends!r}, which does not exist",
                ("extends",),
                "give a pack file or directory relative to this file, or `default`",
            )
            self.base_ok = False
        else:
            self.base = _resolve(target, target_shown, chain, self.problems, tests=self.tests)
            self.base_ok = self.base is not None

    def start(self, shown: str) -> None:
        """Step 3: the pack's info (a variant's name defaults to its file's) and documents, on
        top of what the base has; what the base did, carried over."""
        base, head = self.base, self.head
        raw_info = self.data.get("pack")
        if self.has_base and raw_info is None:
            raw_info = {"name": _stem_name(self.where)}
        elif self.has_base and isinstance(raw_info, dict) and "name" not in raw_info:
            raw_info = {"name": _stem_name(self.where), **raw_info}
        info: Optional[PackInfo] = None
        try:
            info = PackInfo.model_validate(raw_info)
        except ValidationError as exc:
            self.problems.add(_from_pydantic(head, exc, ("pack",)))
        try:
            own_documents = parse_documents(head, self.data.get("documents"))
        except RulePackError as exc:
            self.problems.add(exc)
            own_documents = {}
        documents = dict(base.documents) if base else {}
        documents.update(own_documents)

        state = Resolved(info=info or (base.info if base else None), documents=documents, entries=[])
        state.layers = (base.layers if base else []) + [shown]
        if base is not None:
            state.inherited_tests = (
                list(base.inherited_tests) if self.stacked else base.own_tests + base.inherited_tests
            )
            state.own_tests = list(base.own_tests) if self.stacked else []
            state.disabled = list(base.disabled)
            state.overridden = {rid: list(fields) for rid, fields in base.overridden.items()}
            state.added = list(base.added)
        self.state = state
        self.inherited = list(base.entries) if base else []
        self.inherited_ids = {e.rule_id: e for e in self.inherited if isinstance(e.rule_id, str)}

    def _needs_base(self, key: str) -> bool:
        if not self.has_base:
            self.fail(f"`{key}` needs `extends`", (key,), "say which pack this one changes: extends: default")
        return self.has_base

    def disable(self) -> None:
        """Step 4: the inherited rules ``disable`` leaves out."""
        raw_disable = self.data.get("disable")
        if raw_disable is None or not self._needs_base("disable"):
            return
        if not isinstance(raw_disable, list) or not all(isinstance(x, str) for x in raw_disable):
            self.fail("`disable` is a list of rule ids", ("disable",), "write disable: [PLAN-004, ...]")
            return
        if not self.base_ok:
            return
        for i, rid in enumerate(raw_disable):
            if rid in self.disabled:
                self.fail(f"{rid} is disabled twice", ("disable", i), "keep one")
            elif rid not in self.inherited_ids:
                match = did_you_mean(rid, self.inherited_ids)
                self.fail(
                    f"disables unknown rule {rid}",
                    ("disable", i),
                    f"did you mean {match!r}?" if match else "only inherited rules can be disabled",
                )
            else:
                self.disabled[rid] = i

    def override(self) -> None:
        """Step 5: the fields ``override`` changes in inherited rules."""
        raw_override = self.data.get("override")
        if raw_override is None or not self._needs_base("override"):
            return
        if not isinstance(raw_override, dict):
            self.fail(
                "`override` maps rule ids to the fields to change",
                ("override",),
                "write override: {PLAN-002: {priority: high}}",
            )
            return
        if not self.base_ok:
            return
        for rid, fields in raw_override.items():
            here: tuple[PathPart, ...] = ("override", rid)
            if rid not in self.inherited_ids:
                match = did_you_mean(rid, self.inherited_ids)
                self.fail(
                    f"overrides unknown rule {rid}",
                    here,
                    f"did you mean {match!r}?"
                    if match
                    else "only inherited rules can be overridden; add new ones under `rules:`",
                )
                continue
            if rid in self.disabled:
                self.fail(f"{rid} is both disabled and overridden", here, "keep one")
                continue
            if not isinstance(fields, dict) or not fields:
                self.fail(f"the override of {rid} must map fields to new values", here, "write {priority: high}")
                continue
            merged = copy.deepcopy(self.inherited_ids[rid].raw)
            if not isinstance(merged, dict):
                continue  # the inherited rule is broken; reported where it is written
            changed = _apply_override(self.head, here, merged, fields, self.lines, self.problems)
            if changed:
                self.overrides[rid] = Entry(rid, self.layer_doc, here, merged)
                overridden = self.state.overridden.setdefault(rid, [])
                overridden.extend(c for c in changed if c not in overridden)

    def inherit(self) -> None:
        """Step 6: the inherited rules, minus the disabled ones, with the overrides, and with
        links to disabled rules dropped (a condition on a disabled finding, or a recommendation
        left without a finding that recommends it, is an error)."""
        disabled, state = self.disabled, self.state
        before = _recommended(self.inherited)
        for entry in self.inherited:
            if entry.rule_id in disabled:
                continue
            entry = self.overrides.get(entry.rule_id, entry)
            raw = entry.raw
            if isinstance(raw, dict):
                recommends = raw.get("recommends")
                if isinstance(recommends, list) and any(t in disabled for t in recommends):
                    raw = dict(raw)
                    raw["recommends"] = [t for t in recommends if t not in disabled]
                    entry = Entry(entry.rule_id, entry.doc, entry.path, raw)
                for ref in _finding_refs(raw.get("when")):
                    if ref in disabled:
                        self.fail(
                            f"{entry.rule_id} tests finding {ref} in its condition",
                            ("disable", disabled[ref]),
                            f"disable {entry.rule_id} too, or override its `when`",
                        )
            state.entries.append(entry)
        after = _recommended(state.entries)
        for entry in state.entries:
            raw = entry.raw
            if not isinstance(raw, dict) or raw.get("kind") != "recommendation" or raw.get("when") is not None:
                continue
            gone = [
                e.rule_id
                for e in self.inherited
                if e.rule_id in disabled
                and isinstance(e.raw, dict)
                and entry.rule_id in (e.raw.get("recommends") or [])
            ]
            if gone and before.get(entry.rule_id, 0) and not after.get(entry.rule_id, 0):
                self.fail(
                    f"disabling {', '.join(gone)} leaves recommendation {entry.rule_id} with no finding that recommends it",
                    ("disable", disabled[gone[0]]),
                    f"disable {entry.rule_id} too, or give it a `when` under `override:`",
                )
        state.disabled.extend(disabled)

    def link(self) -> None:
        """Step 8: what the pack's recommendations say they address (:func:`_link`)."""
        _link(self.state, self.problems)

    def add(self) -> None:
        """Step 7: the pack's own rules and tests, from the head and the other files of a directory."""
        state, problems = self.state, self.problems
        for doc in self.docs:
            if doc is self.head:
                doc = self.layer_doc
            elif doc.data is None:
                continue
            elif not isinstance(doc.data, dict) or set(doc.data) - set(_file_keys(doc)):
                problems.add(_file_problem(doc))
                continue
            raw_rules = doc.data.get("rules") or []
            if not isinstance(raw_rules, list):
                problems.add(_fail(doc, "`rules` must be a list", ("rules",), "start each rule with '- id: ...'"))
                raw_rules = []
            defaults = _defaults(doc, problems)
            for index, raw in enumerate(raw_rules):
                if defaults and isinstance(raw, dict):
                    raw = {**raw, **{k: v for k, v in defaults.items() if k not in raw}}
                rid = raw.get("id") if isinstance(raw, dict) else None
                if isinstance(rid, str) and rid in self.inherited_ids and rid not in self.disabled:
                    problems.add(
                        _fail(
                            doc,
                            f"rule {rid} is inherited from the pack this one extends",
                            ("rules", index, "id"),
                            "change it under `override:`, or `disable:` it to replace it",
                        )
                    )
                    continue
                state.entries.append(Entry(rid, doc, ("rules", index), raw))
                if self.has_base and isinstance(rid, str):
                    state.added.append(rid)
            raw_tests = doc.data.get("tests")
            if raw_tests is None:
                continue
            if not isinstance(raw_tests, list):
                problems.add(
                    _fail(doc, "`tests` must be a list of test cases", ("tests",), "start each with '- name: ...'")
                )
                continue
            state.own_tests.extend(RawTest(doc, ("tests", i), raw) for i, raw in enumerate(raw_tests))


def _file_keys(doc: Document) -> tuple[str, ...]:
    """The keys a file of a pack directory may have: a test file (``*.tests.yaml``) only ``tests``."""
    return ("tests",) if doc.file.endswith(TESTS_SUFFIX) else _RULE_FILE_KEYS


def _file_problem(doc: Document) -> RulePackError:
    """The error for a file of a pack directory that is not a mapping of the keys it may have."""
    keys = _file_keys(doc)
    extra = sorted(set(doc.data) - set(keys)) if isinstance(doc.data, dict) else []
    if keys == ("tests",):
        message, hint = "a test file must be a mapping with `tests:`", "a test file (*.tests.yaml) holds only `tests:`"
    else:
        message, hint = (
            "a rule file must be a mapping with `rules:`",
            "a rule file holds only `defaults:`, `rules:` and `tests:`",
        )
    return _fail(doc, f"unknown key {extra[0]!r}" if extra else message, (extra[0],) if extra else (), hint)


def _link(state: Resolved, problems: Problems) -> None:
    """A recommendation's ``addresses: [FINDING, ...]`` becomes an entry of each named finding's
    ``recommends`` (the rule that names what it addresses, instead of being named elsewhere)."""
    entries = state.entries
    at = {e.rule_id: i for i, e in enumerate(entries) if isinstance(e.rule_id, str)}
    for index, entry in enumerate(list(entries)):
        raw = entry.raw
        if not isinstance(raw, dict) or "addresses" not in raw:
            continue
        entries[index] = Entry(entry.rule_id, entry.doc, entry.path, {k: v for k, v in raw.items() if k != "addresses"})
        here = entry.path + ("addresses",)
        targets = raw["addresses"]
        if raw.get("kind") != "recommendation":
            problems.add(
                _fail(
                    entry.doc,
                    "only a recommendation says which findings it addresses",
                    here,
                    "list the recommendation under this rule's `recommends` instead",
                )
            )
            continue
        if not isinstance(targets, list) or not targets or not all(isinstance(t, str) for t in targets):
            problems.add(_fail(entry.doc, "`addresses` is a list of rule ids", here, "write addresses: [PLAN-001]"))
            continue
        for i, target in enumerate(targets):
            found = entries[at[target]] if target in at else None
            if found is None or not isinstance(found.raw, dict):
                match = did_you_mean(target, at)
                problems.add(
                    _fail(
                        entry.doc,
                        f"addresses unknown rule {target}",
                        here + (i,),
                        f"did you mean {match!r}?" if match else "name a strength, diagnosis or pitfall of the pack",
                    )
                )
            elif found.raw.get("kind") == "recommendation":
                problems.add(
                    _fail(
                        entry.doc,
                        f"addresses {target}, which is a recommendation",
                        here + (i,),
                        "a recommendation addresses findings: strengths, diagnoses or pitfalls",
                    )
                )
            else:
                recommends = found.raw.get("recommends")
                linked = list(recommends) if isinstance(recommends, list) else []
                if entry.rule_id not in linked:
                    linked.append(entry.rule_id)
                entries[at[target]] = Entry(found.rule_id, found.doc, found.path, {**found.raw, "recommends": linked})


def _defaults(doc: Document, problems: Problems) -> dict[str, str]:
    """The ``defaults:`` of a pack file: values of ``factor``, ``phase`` and ``evidence`` for each
    of the file's rules that does not give its own."""
    raw = doc.data.get("defaults")
    if raw is None:
        return {}
    allowed = ", ".join(DEFAULTABLE)
    if not isinstance(raw, dict):
        problems.add(
            _fail(
                doc,
                "`defaults` maps rule fields to values",
                ("defaults",),
                f"write {{factor: leadership}}; fields: {allowed}",
            )
        )
        return {}
    out: dict[str, str] = {}
    for key, value in raw.items():
        if key not in DEFAULTABLE:
            match = did_you_mean(str(key), DEFAULTABLE)
            problems.add(
                _fail(
                    doc,
                    f"{key!r} cannot have a default",
                    ("defaults", key),
                    f"did you mean {match!r}?" if match else f"defaults are given for {allowed}",
                )
            )
        elif value not in DEFAULTABLE[key]:
            match = did_you_mean(str(value), DEFAULTABLE[key])
            problems.add(
                _fail(
                    doc,
                    f"{value!r} is not a {key}",
                    ("defaults", key),
                    f"did you mean {match!r}?" if match else "one of " + ", ".join(DEFAULTABLE[key]),
                )
            )
        else:
            out[key] = value
    return out


def _recommended(entries: Sequence[Entry]) -> dict[str, int]:
    """How many of ``entries`` recommend each rule."""
    out: dict[str, int] = {}
    for entry in entries:
        for target in (entry.raw.get("recommends") or []) if isinstance(entry.raw, dict) else []:
            if isinstance(target, str):
                out[target] = out.get(target, 0) + 1
    return out


def _apply_override(
    head: Document,
    here: tuple[PathPart, ...],
    merged: dict[str, Any],
    fields: dict[str, Any],
    lines: dict[tuple[PathPart, ...], int],
    problems: Problems,
) -> list[str]:
    """Apply one rule's override to ``merged`` in place; return the names of the fields changed."""
    changed: list[str] = []
    allowed = [f for f in Rule.model_fields if f != "id"]
    for key, value in fields.items():
        at = here + (key,)
        if key == "id":
            problems.add(_fail(head, "the id of a rule cannot be overridden", at, "disable the rule and add a new one"))
            continue
        try:
            parts = _override_path(key)
        except _BadPath as bad:
            problems.add(_fail(head, str(bad), at, bad.hint))
            continue
        first = parts[0]
        if not isinstance(first, str) or first not in allowed:
            match = did_you_mean(str(first), allowed)
            problems.add(
                _fail(
                    head,
                    f"rules have no field {first!r}",
                    at,
                    f"did you mean {match!r}?" if match else "allowed: " + ", ".join(allowed),
                )
            )
            continue
        if len(parts) == 1:
            old = merged.get(first)
            if first in _MERGED_TEXTS and isinstance(old, dict) and isinstance(value, dict):
                merged[first] = {**old, **copy.deepcopy(value)}
            else:
                merged[first] = copy.deepcopy(value)
            _reroot_lines(lines, at, here + (first,))
            changed.append(key)
            continue
        try:
            steps = _locate(merged, parts, key, here[-1])
        except _BadPath as bad:
            problems.add(_fail(head, str(bad), at, bad.hint))
            continue
        *inner, last = steps
        node: Any = merged
        for step in inner:
            node = node[step]
        node[last] = copy.deepcopy(value)
        _reroot_lines(lines, at, here + tuple(steps))
        changed.append(key)
    return changed


class _BadPath(ValueError):
    """An override's dotted path that leads nowhere, with the hint that fixes it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


#: One step of an override's path: a key, or ``[FACT]``, the one clause that tests FACT.
_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\[([^\[\]]+)\]")
_CLAUSE_LISTS = ("all", "any")
_CONDITION_FIELDS = ("when", "done_when")


@dataclass(frozen=True)
class _Clause:
    """``[FACT]`` in an override's path: the clause of the condition that tests FACT."""

    fact: str


def _override_path(key: str) -> list[Union[str, _Clause]]:
    """The steps of an override's key: ``when[plan.co_creation_status].ge`` is
    ``["when", _Clause("plan.co_creation_status"), "ge"]``."""
    head = re.match(r"[^.\[\]]+", key)
    if head is None:
        raise _BadPath(f"{key} is not a field of a rule", "write a field, such as priority or when[FACT].ge")
    out: list[Union[str, _Clause]] = [head.group(0)]
    at = head.end()
    while at < len(key):
        step = _PATH_STEP.match(key, at)
        if step is None:
            raise _BadPath(
                f"{key} is not a path into a rule",
                "write FIELD.KEY, or name a clause by the fact it tests: when[plan.co_creation_status].ge",
            )
        out.append(step.group(1) if step.group(1) is not None else _Clause(step.group(2).strip()))
        at = step.end()
    return out


def _clauses(node: Any, path: tuple[PathPart, ...] = ()) -> Iterator[tuple[tuple[PathPart, ...], dict[str, Any]]]:
    """Every comparison of a condition as written, with its path below the condition."""
    if isinstance(node, dict):
        if "fact" in node:
            yield path, node
            return
        for key, value in node.items():
            yield from _clauses(value, path + (key,))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _clauses(item, path + (i,))


def _locate(merged: dict[str, Any], parts: list[Union[str, _Clause]], key: str, rule_id: PathPart) -> list[PathPart]:
    """The concrete steps into ``merged`` (a rule) of an override's path; the last one must exist
    and is the value replaced. A clause is named by its fact (``when[FACT]``); a position in a
    clause list (``when.all.0``) is refused with the name to use, since it silently retargets
    when the base rule is reordered."""
    steps: list[PathPart] = []
    node: Any = merged
    for part in parts:
        if isinstance(part, _Clause):
            condition = steps[0] if steps else None
            if condition not in _CONDITION_FIELDS or not isinstance(node, (dict, list)):
                raise _BadPath(
                    "only a clause of `when` or `done_when` can be named by its fact",
                    "write when[FACT] or done_when[FACT]",
                )
            found = [(p, c) for p, c in _clauses(node) if c.get("fact") == part.fact]
            if len(found) != 1:
                facts = sorted({str(c.get("fact")) for _, c in _clauses(node)})
                if not found:
                    match = did_you_mean(part.fact, facts)
                    raise _BadPath(
                        f"no clause of the {steps[0]} of rule {rule_id} tests {part.fact}",
                        f"did you mean {match!r}?" if match else "its clauses test: " + ", ".join(facts),
                    )
                raise _BadPath(
                    f"{len(found)} clauses of the {steps[0]} of rule {rule_id} test {part.fact}",
                    "a fact tested more than once cannot name a clause; override the whole " + str(steps[0]),
                )
            sub, node = found[0]
            steps.extend(sub)
            continue
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            if steps and steps[0] in _CONDITION_FIELDS and steps[-1] in _CLAUSE_LISTS:
                raise _positional(merged, parts, key)
            steps.append(int(part))
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            steps.append(part)
            node = node[part]
        else:
            raise _BadPath(
                f"{key} is not a value of rule {rule_id}",
                "a path must lead to a value the inherited rule has, such as when[plan.co_creation_status].ge",
            )
    return steps


def _positional(merged: dict[str, Any], parts: list[Union[str, _Clause]], key: str) -> _BadPath:
    """The error for a path that names a clause by its position (``when.all.0.ge``), with the
    clause's name (``when[FACT].ge``) when the comparison it leads to tests its fact once."""
    field = str(parts[0])
    condition = merged[field]
    node: Any = condition
    for i in range(1, len(parts) + 1):
        if isinstance(node, dict) and "fact" in node:
            fact = node["fact"]
            if isinstance(fact, str) and sum(1 for _, c in _clauses(condition) if c.get("fact") == fact) == 1:
                return _BadPath(
                    f"{key} names a clause by its position, which changes when the base rule is reordered",
                    f"write {field}[{fact}]{_rest(parts[i:])}",
                )
            break
        part = parts[i] if i < len(parts) else None
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, str) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
    return _BadPath(
        f"{key} names a clause by its position, which changes when the base rule is reordered",
        f"name the clause by the fact it tests, as {field}[FACT].OP, or override the whole {field}",
    )


def _rest(parts: list[Union[str, _Clause]]) -> str:
    return "".join(f"[{p.fact}]" if isinstance(p, _Clause) else f".{p}" for p in parts)


def _reroot_lines(
    lines: dict[tuple[PathPart, ...], int], written: tuple[PathPart, ...], logical: tuple[PathPart, ...]
) -> None:
    """Let errors at ``logical`` (and below) find the line where the override is ``written``."""
    line = lines.get(written)
    if line is None:
        return
    for path, value in list(lines.items()):
        if path[: len(written)] == written and path != written:
            lines.setdefault(logical + path[len(written) :], value)
    lines.setdefault(logical, line)


# --------------------------------------------------------------------------------------------
# test cases


def parse_tests(raw_tests: Sequence[RawTest], pack: RulePack, problems: Problems) -> list[PackTest]:
    """Validate test cases against ``pack``: known keys and rule ids, a valid profile."""
    out: list[PackTest] = []
    lines = _profile_lines(raw_tests)
    for item in raw_tests:
        test = _parse_test(item, pack, problems, lines.get((id(item.doc), item.path), {}))
        if test is not None:
            out.append(test)
    return out


def _profile_lines(
    raw_tests: Sequence[RawTest],
) -> dict[tuple[int, tuple[PathPart, ...]], dict[tuple[PathPart, ...], int]]:
    """The lines of what each test case's ``profile`` holds, by file and test case: one pass over
    each file's lines (a file may hold hundreds of test cases)."""
    out: dict[tuple[int, tuple[PathPart, ...]], dict[tuple[PathPart, ...], int]] = {}
    docs = {id(t.doc): t.doc for t in raw_tests}
    for key, doc in docs.items():
        depths = {len(t.path) for t in raw_tests if t.doc is doc}
        for path, line in doc.lines.items():
            for depth in depths:
                if len(path) > depth and path[depth] == "profile":
                    out.setdefault((key, path[:depth]), {})[path[depth + 1 :]] = line
    return out


def _parse_test(
    item: RawTest, pack: RulePack, problems: Problems, profile_lines: dict[tuple[PathPart, ...], int]
) -> Optional[PackTest]:
    doc, path, raw = item.doc, item.path, item.raw
    name_default = f"{Path(doc.file).name} test {path[-1] + 1 if isinstance(path[-1], int) else path[-1]}"
    if not isinstance(raw, dict):
        problems.add(
            _fail(doc, "a test case must be a mapping", path, "write - {name: ..., profile: {...}, fires: [...]}")
        )
        return None
    ok = True
    for key in raw:
        if key not in _TEST_KEYS:
            match = did_you_mean(key, _TEST_KEYS)
            problems.add(
                _fail(
                    doc,
                    f"unknown key {key!r} in a test case",
                    path + (key,),
                    f"did you mean {match!r}?" if match else "allowed: " + ", ".join(_TEST_KEYS),
                )
            )
            ok = False
    name = raw.get("name", name_default)
    if not isinstance(name, str) or not name.strip():
        problems.add(_fail(doc, "a test's name is text", path + ("name",), "quote it"))
        ok = False
    expected: dict[str, tuple[str, ...]] = {}
    for key in ("fires", "not_fires"):
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.add(_fail(doc, f"`{key}` is a list of rule ids", path + (key,), f"write {key}: [PLAN-001]"))
            ok = False
            continue
        for i, rid in enumerate(value):
            if rid not in pack.by_id:
                match = did_you_mean(rid, pack.by_id)
                problems.add(
                    _fail(
                        doc,
                        f"test names unknown rule {rid}",
                        path + (key, i),
                        f"did you mean {match!r}?" if match else "check the id; a disabled rule is not in the pack",
                    )
                )
                ok = False
        expected[key] = tuple(value)
    both = set(expected.get("fires", ())) & set(expected.get("not_fires", ()))
    if both:
        problems.add(
            _fail(doc, f"{', '.join(sorted(both))} must both fire and not fire", path, "keep each id in one list")
        )
        ok = False
    if ok and not expected.get("fires") and not expected.get("not_fires"):
        problems.add(_fail(doc, "a test case expects nothing", path, "give `fires:` or `not_fires:`"))
        ok = False
    profile = _test_profile(doc, path, raw, problems, profile_lines)
    if profile is None or not ok:
        return None
    return PackTest(
        name=name.strip(),
        file=doc.file,
        line=doc.line_of(path),
        profile=profile,
        fires=expected.get("fires", ()),
        not_fires=expected.get("not_fires", ()),
    )


def _test_profile(
    doc: Document,
    path: tuple[PathPart, ...],
    raw: dict[str, Any],
    problems: Problems,
    profile_lines: dict[tuple[PathPart, ...], int],
) -> Optional[Profile]:
    has_inline, has_file = "profile" in raw, "profile_file" in raw
    if has_inline == has_file:
        problems.add(
            _fail(
                doc,
                "a test case needs either `profile` or `profile_file`",
                path,
                "give the profile inline, or a file relative to this one",
            )
        )
        return None
    if has_file:
        name = raw["profile_file"]
        if not isinstance(name, str):
            problems.add(_fail(doc, "`profile_file` is a path", path + ("profile_file",), "quote it"))
            return None
        outside = _outside(doc, "profile_file", name)
        if outside is not None:
            problems.add(
                RulePackError(
                    outside.message,
                    file=doc.file,
                    path=path + ("profile_file",),
                    line=doc.line_of(path + ("profile_file",)),
                    hint=outside.hint,
                )
            )
            return None
        try:
            return _profile_io.load_profile(Path(doc.file).parent / name)
        except ProfileError as exc:
            problems.add(_fail(doc, f"profile_file {name}: {exc.one_line()}", path + ("profile_file",)))
            return None
    at = path + ("profile",)
    sub = Document(
        file=doc.file,
        data=raw["profile"] if raw["profile"] is not None else {},
        lines=profile_lines,
    )
    try:
        return _profile_io._validate(sub)
    except ProfileError as exc:
        problems.add(
            RulePackError(
                exc.message, file=doc.file, path=at + exc.path, line=exc.line or doc.line_of(at), hint=exc.hint
            )
        )
        return None

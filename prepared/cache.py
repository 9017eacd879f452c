"""Parsed and validated documents, cached per process and shared by every path.

A document's text is parsed and validated once; the result is kept in an
LRU keyed by the text, bounded in documents and in bytes (each weighs its
text and its syntax tree, `PreparedDocument.weight`). Both executors read it
(the reference executor through the `CachedDocuments` Strawberry extension,
the planner directly), and so do the response cache (its key uses
`PreparedDocument.sha256`) and persisted queries: a persisted hit resolves to
a text already here, so it skips parse and validate. Each prepared document
keeps its collected selections (`PreparedDocument.selections`, selections/),
so every walker of its selections shares one memoized, budgeted collection.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import time
import weakref
from collections.abc import Collection

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)

from bounded import BoundedLRU, budget
from bounded.garbage import GarbageBudget
from observability.server_timing import current_phases
from prepared.document import PreparedDocument
from prepared.memo import OperationMemo
from selections import DEFAULT_MAX_STEPS, DocumentSelections

DEFAULT_MAX_DOCUMENTS = 1024
DEFAULT_MAX_BYTES = budget.DOCUMENTS
OFFLOAD_CHARS = 2_000  # texts this long or longer are prepared off the event loop
# What a prepared document keeps per token beyond its text (syntax tree, locations,
# tokens): ~370 bytes, measured with tracemalloc on 50- and 1,800-token documents.
TOKEN_BYTES = 400


class DocumentCache:
    """LRU of prepared documents for one schema and one set of rules, bounded in
    documents (`maxsize`) and in the bytes they keep (`max_bytes`)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        maxsize: int = DEFAULT_MAX_DOCUMENTS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        rules: Collection[type[ASTValidationRule]] | None = None,
        limit_rules: Collection[type[ASTValidationRule]] = (),
        max_tokens: int | None = None,
        max_errors: int | None = None,
        hide_suggestions: bool = False,
        max_selection_steps: int = DEFAULT_MAX_STEPS,
        garbage: GarbageBudget | None = None,
    ) -> None:
        self.schema = schema
        self.maxsize = maxsize
        self.rules = tuple(specified_rules if rules is None else rules)
        # Cheap limit rules (limits/) run first; the specified rules only when they pass.
        self.limit_rules = tuple(limit_rules)
        self.max_tokens = max_tokens or None
        self.max_errors = max_errors
        self.hide_suggestions = hide_suggestions
        self.max_selection_steps = max_selection_steps
        self._entries: BoundedLRU[str, PreparedDocument] = BoundedLRU(maxsize, max_bytes)
        # Parsing and validating leave reference cycles: collected as new documents add up.
        self.garbage = garbage or GarbageBudget()
        # One large new document prepared at a time: a preparation's transient objects
        # (tokens, nodes, validation's comparisons: tens of MB at the token limit) stay in
        # the process's heap as its high-water mark, so concurrent ones add up; and
        # threads share the GIL, so running them side by side gains no throughput. The
        # cache is shared per schema and policy (gql.schema.document_cache), so possibly
        # by several event loops (tests): one lock per loop.
        self._offloaded: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """What the documents kept weigh in all (`PreparedDocument.weight`)."""
        return self._entries.bytes

    def peek(self, text: str) -> PreparedDocument | None:
        """The prepared document of `text` if it is cached (not prepared otherwise)."""
        return self._entries.get(text)

    def prepare(self, text: str) -> PreparedDocument:
        entry = self._entries.get(text)
        if entry is not None:
            return entry
        return self._store(text, self._prepare(text))

    async def prepare_async(self, text: str) -> PreparedDocument:
        """`prepare`, with a large new document parsed and validated in a worker thread.

        Up to the token limit, parse and validate take up to ~100 ms of Python;
        in a thread the interpreter hands the event loop the GIL every few ms,
        so other requests keep being served meanwhile. Small documents stay on
        the loop (a thread hop costs more than they do). The LRU is only
        touched here, on the loop's thread.
        """
        entry = self._entries.get(text)
        if entry is not None:
            return entry
        if len(text) < OFFLOAD_CHARS:
            return self._store(text, self._prepare(text))
        loop = asyncio.get_running_loop()
        lock = self._offloaded.get(loop)
        if lock is None:
            lock = self._offloaded[loop] = asyncio.Lock()
        async with lock:
            entry = self._entries.get(text)  # prepared meanwhile, by a request it waited for
            if entry is not None:
                return entry
            prepared = await asyncio.to_thread(self._prepare, text)
        return self._store(text, prepared)

    def _store(self, text: str, entry: PreparedDocument) -> PreparedDocument:
        self._entries.put(text, entry, entry.weight)  # its text is the key: counted once
        self.garbage.add(self._left_behind(entry))  # on the loop's thread: none in flight
        return entry

    def _left_behind(self, entry: PreparedDocument) -> int:
        """What the preparation's cycles weigh, about: a parsed document's weight (its
        text, 400 bytes a token); for a text that failed to parse, the most tokens it
        can have been lexed into (one a character, up to the limit) instead of its own."""
        if entry.document is not None:
            return entry.weight
        lexed = min(len(entry.text), self.max_tokens or len(entry.text))
        return entry.weight + TOKEN_BYTES * lexed

    def _prepare(self, text: str) -> PreparedDocument:
        phases = current_phases()  # Server-Timing's, when on (a worker thread has them too)
        wall = time.perf_counter() if phases is not None else 0.0
        started = time.thread_time()  # this thread's CPU: the loop's, or the worker's
        prepared = self._parse_and_validate(text)
        prepared.preparation.seconds = time.thread_time() - started
        if phases is not None:
            phases.parse += time.perf_counter() - wall
        return prepared

    def _parse_and_validate(self, text: str) -> PreparedDocument:
        sha256 = hashlib.sha256(text.encode()).hexdigest()
        try:
            document = parse(text, max_tokens=self.max_tokens)
        except GraphQLError as error:
            selections = DocumentSelections(self.schema, None, self.max_selection_steps)
            weight = sys.getsizeof(text)
            return PreparedDocument(
                text, sha256, None, (_coded_syntax_error(error),), selections, weight
            )
        errors: list[GraphQLError] = []
        if self.limit_rules:
            errors = validate(self.schema, document, self.limit_rules, max_errors=self.max_errors)
        if not errors:
            errors = validate(
                self.schema,
                document,
                self.rules,
                max_errors=self.max_errors,
                hide_suggestions=self.hide_suggestions,
            )
        weight = sys.getsizeof(text) + TOKEN_BYTES * _tokens(document)
        selections = DocumentSelections(self.schema, document, self.max_selection_steps)
        operations = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
        return PreparedDocument(
            text,
            sha256,
            document,
            tuple(errors),
            selections,
            weight,
            memo=OperationMemo(operations),
        )


def _tokens(document: DocumentNode) -> int:
    """How many tokens the document has (at most the token limit)."""
    count = 0
    token = document.loc.start_token if document.loc is not None else None
    while token is not None:
        count += 1
        token = token.next
    return count


def _coded_syntax_error(error: GraphQLError) -> GraphQLError:
    # graphql-core reports the token limit as a syntax error; it gets a code of its own.
    too_many = "tokens. Parsing aborted" in error.message
    code = "TOO_MANY_TOKENS" if too_many else "GRAPHQL_PARSE_FAILED"
    error.extensions = {**(error.extensions or {}), "code": code}
    # The error is cached with the text: its traceback would keep the parser's frames
    # alive, and with them the lexer's tokens and the pieces of the string it was
    # reading (measured: 100-440 KiB beyond the text for a 100 KB body).
    error.__context__ = None
    return error.with_traceback(None)

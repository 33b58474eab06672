"""Language-model providers (none / Ollama / OpenAI-compatible incl. llama.cpp server), their shared
HTTP client with retries and a circuit breaker, versioned prompts, follow-up questions and ratings."""

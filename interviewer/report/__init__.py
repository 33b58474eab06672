"""Interview reports: the versioned JSON document (`build`) and its PDF rendering (`pdf`)."""

"""One compute step per lesson topic: inputs in, a frozen result with summary() out."""

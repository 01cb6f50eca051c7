"""Property-based tests of every write and read of the API: hypothesis strategies and schemathesis."""

from hypothesis import settings


def budget(examples: int) -> int:
    """Examples for one fuzz test under the loaded profile: `examples` in "ci" and "dev", 10x in "deep"."""
    return max(1, examples * settings.default.max_examples // 100)

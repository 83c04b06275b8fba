"""End-to-end tests of the stdio gateway the post-renderer injects (issue 6)."""

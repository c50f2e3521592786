"""The template's test suite; see README.md, "Tests"."""

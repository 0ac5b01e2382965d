"""Placeholder: this section is being written."""

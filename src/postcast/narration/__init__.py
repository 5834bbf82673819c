"""Narration stage: a post's HTML to an ordered `Script` of spoken segments."""

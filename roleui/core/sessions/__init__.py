"""Assumed-role sessions: what an AssumeRole sends, the credential cache, and the environment a session runs in."""

"""The command framework shared by the `stack` CLI and the web service."""

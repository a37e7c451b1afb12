"""API users' domain shared by the commands and the web service: permission
patterns, keys, the sudoers list and timestamps. Below both: it imports
neither the framework, the commands nor the web service."""

"""Stacki cluster manager: the `stack` command line and its web service."""

VERSION = "5.7.0"

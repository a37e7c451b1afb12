"""`import wsclient`: the Stacki web-service client under the module name
Stacki scripts use (see stacki.client)."""

import sys

from stacki.client import StackWSClient, StackWSError, main, read_credentials

__all__ = ["StackWSClient", "StackWSError", "main", "read_credentials"]

if __name__ == "__main__":
    sys.exit(main())

"""The fork server: `stack` commands at the cost of a fork instead of a Python
start-up and a Django import (see README, "The fork server").

`protocol` is what client and server share, `client` is what every `stack`
process runs first (it imports nothing heavy), `server` is `stack server`.
"""

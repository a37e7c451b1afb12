"""The web console: HTML pages served by stacki-ws beside /stack.

A boundary like stacki.ws, over the same sessions and CSRF: every page is
made from commands a user could type, run through stacki.ws.dispatch (the
code behind POST /stack) in the caller's name, so a page shows nothing the
caller's permissions would not, and runs read-only for non-admins. Pages
are GETs that change nothing; everything that changes state (login, logout,
edits, spreadsheet loads, typed commands) is a call to the /stack API from
the page's script, with its CSRF token, and lands in the audit trail.
"""

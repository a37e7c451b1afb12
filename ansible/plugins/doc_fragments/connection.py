# The connection options every stacki.stacki module takes.

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  stacki_transport:
    description:
      - How to reach Stacki. C(local) runs the C(stack) command of the machine the
        task runs on; C(ws) posts the command to the Stacki web service.
      - Default C(ws) when O(stacki_url) or O(stacki_credentials) is given, else C(local).
      - Environment variable E(STACKI_TRANSPORT).
    type: str
    choices: [local, ws]
  stacki_command:
    description:
      - The C(stack) command of the local transport, split like a shell would.
      - Environment variable E(STACKI_COMMAND).
    type: str
    default: stack
  stacki_url:
    description:
      - The web service, as C(https://host:port) (C(/stack) is added) or its full URL.
      - Environment variable E(STACKI_URL).
    type: str
  stacki_user:
    description:
      - The API user; with O(stacki_key), instead of a credentials file.
      - Environment variable E(STACKI_USER).
    type: str
  stacki_key:
    description:
      - The API user's key. Environment variable E(STACKI_KEY).
    type: str
  stacki_credentials:
    description:
      - A credentials file as C(stack add api user ... output-format=json) writes it
        (C([{"username", "hostname", "key"}]), optionally C(url)).
      - Default C(~/stacki-ws.cred) when the web service is used without O(stacki_user)
        and O(stacki_key). Environment variable E(STACKI_CREDENTIALS).
    type: path
  stacki_validate_certs:
    description:
      - Verify the service's TLS certificate. Environment variable E(STACKI_VALIDATE_CERTS).
    type: bool
    default: true
  stacki_ca_path:
    description:
      - A CA certificate file to verify the service's certificate with.
      - Environment variable E(STACKI_CA_PATH).
    type: path
notes:
  - Over the web service each request carries the user and key (HTTP Basic).
  - Errors fail the task with the command's C(error - ...) text as C(msg).
"""

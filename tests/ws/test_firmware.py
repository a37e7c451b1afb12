"""Firmware over the web service: reads for everyone logged in, writes for admins."""

from stacki.inventory import models as m
from tests.commands.test_firmware import IMAGE, sysroot, web  # noqa: F401 - fixtures
from tests.ws.conftest import body


def test_firmware_over_the_web_service(login_as, web, tmp_path):  # noqa: F811
    www, base = web
    (www / "fw.bin").write_bytes(IMAGE)
    local = tmp_path / "local.bin"
    local.write_bytes(IMAGE)
    admin, user = login_as("fwadmin", admin=True), login_as("fwuser")
    reply = admin.run(f"add firmware 1.0 source={base}/fw.bin make=mellanox model=m7800 imp=mellanox")
    assert (reply.status_code, body(reply)) == (200, {})
    # No server file is copied for a client.
    for source in (str(local), f"file://{local}"):
        reply = admin.run(f"add firmware 2.0 source={source} make=mellanox model=m7800")
        assert (reply.status_code, body(reply)) == (500, {
            "API Error": 'error - "source" parameter must be an http:// or https:// URL over the'
                         " web service\n", "Output": ""})
    assert list(m.Firmware.objects.values_list("version", flat=True)) == ["1.0"]
    reply = user.run("list firmware")
    assert (reply.status_code, body(reply)) == (
        200, [{"make": "mellanox", "model": "m7800", "version": "1.0"}])
    for cmd in ("add firmware make dell", "remove firmware 1.0 make=mellanox model=m7800",
                "sync firmware", "set firmware model imp m7800 make=mellanox imp=mellanox"):
        assert user.run(cmd).status_code == 403, cmd
    assert m.Firmware.objects.count() == 1 and not m.FirmwareMake.objects.filter(name="dell").exists()

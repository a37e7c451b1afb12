import pytest


@pytest.fixture(autouse=True)
def sysroot(tmp_path, monkeypatch):
    """Each test's own STACKI_SYSROOT: pallet and cart files are not rolled back."""
    root = tmp_path / "sysroot"
    root.mkdir()
    monkeypatch.setenv("STACKI_SYSROOT", str(root))
    return root

"""Shell completion from the registry (stack --completion, stack --complete)."""

import shutil
import subprocess
import sys

import pytest

from stacki.framework import completion
from tests.conftest import Result


def test_command_words(stack):
    assert completion.candidates("stack li") == ["list"]
    assert completion.candidates("stack list ho") == ["host"]
    assert completion.candidates("stack lst ") == []


def test_parameters_choices_and_hosts(stack):
    stack("add", "host", "backend-0-0")
    found = completion.candidates("stack list host ")
    assert found[:6] == ["attr", "boot", "firewall", "firmware", "group", "interface"]
    assert {"hash=", "output-format=", "backend-0-0", "frontend-0-0"} <= set(found)
    assert completion.candidates("stack add host node ra") == ["rack=", "rank="]
    assert completion.candidates("stack list host output-format=j") == ["output-format=json"]
    assert completion.candidates("stack list attr scope=") == [
        "scope=global", "scope=os", "scope=appliance", "scope=environment", "scope=host"]
    assert completion.candidates("stack list host back") == ["backend-0-0"]
    assert completion.candidates("stack list network ") == ["dns=", "output-format=", "pxe="]


def test_scripts(stack):
    assert stack("--completion", "bash") == Result(0, completion.BASH, "")
    assert stack("--completion", "zsh") == Result(0, completion.ZSH, "")
    assert stack("--completion", "fish") == Result(
        255, "", "error - --completion needs a shell: bash or zsh\n")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completes_through_the_script(stacki_home, tmp_path):
    wrapper = tmp_path / "stack"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m stacki.cli "$@"\n')
    wrapper.chmod(0o755)
    line = "stack list host output-format=js"
    script = (f'{completion.BASH}\nCOMP_LINE="{line}"; COMP_POINT={len(line)}\n'
              '_stack_complete; printf "%s\\n" "${COMPREPLY[@]}"\n')
    env = dict(stacki_home, PATH=f"{tmp_path}:{stacki_home['PATH']}")
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    assert done.stdout == "json\n", done.stderr

"""Cheap denial of service over POST /stack is refused early (issue 12, items 3 and 5)."""


from tests.ws.conftest import body


def test_a_cmd_over_the_length_cap_is_413(login_as, settings):
    settings.STACKI_MAX_CMD = 1000
    api = login_as("greg", groups=())
    response = api.run("list host " + "x" * 1000)
    assert response.status_code == 413
    assert body(response) == {"API Error": '"cmd" is longer than 1000 characters'}


def test_the_default_length_cap_takes_a_megabyte_word_quickly(login_as):
    # 1 MB split in 25 s with shlex; now a few steps, then an ordinary answer.
    api = login_as("greg", groups=())
    response = api.run("list host " + "x" * 1_000_000)
    assert response.status_code == 403
    response = api.run("list host " + "x" * (1024 * 1024))
    assert response.status_code == 413


def test_a_cmd_with_too_many_words_is_400(login_as, settings):
    settings.STACKI_MAX_WORDS = 100
    api = login_as("greg")
    response = api.run("list host " + "a " * 99)
    assert response.status_code == 400
    assert body(response) == {"API Error": '"cmd" has more than 100 words'}
    assert api.run("list host " + "frontend-0-0 " * 98).status_code == 200


def test_deeply_nested_json_is_400(login_as):
    api = login_as("greg")
    for raw in ('{"cmd": "list host", "data": ' + "[" * 100_000 + "]" * 100_000 + "}",
                "[" * 100_000):
        response = api.post(raw)
        assert response.status_code == 400
        assert body(response)["API Error"] == "Request body is not JSON: nested too deeply"


def test_a_lone_surrogate_is_400(login_as):
    api = login_as("greg", admin=True)
    for raw in ('{"cmd": "list host \\ud800"}', '{"cmd": "add host x", "data": {"a": "\\udfff"}}',
                '{"cmd": "set host comment frontend-0-0 comment=\\ud83d"}',
                '{"cmd": "list host \\u0000"}', '{"cmd": "load", "data": [{"x\\u0000": 1}]}'):
        response = api.post(raw)
        assert response.status_code == 400
        assert body(response) == {
            "API Error": ('"cmd" and "data" must be Unicode text without NUL characters '
                          "or lone surrogates")}


def test_a_bad_glob_class_is_the_commands_error(login_as):
    response = login_as("greg").run("list host [z-a]")
    assert response.status_code == 500
    assert body(response) == {
        "API Error": 'error - invalid pattern "[z-a]": invalid character class range: z-a\n',
        "Output": ""}


def test_deep_where_is_the_commands_error(login_as):
    api = login_as("greg")
    response = api.run("list host 'where " + "not " * 3000 + "x'")
    assert (response.status_code, body(response)["API Error"]) == (
        500, "error - where expression longer than 1024 characters\n")
    response = api.run("list host 'where " + "not " * 100 + "x'")
    assert (response.status_code, body(response)["API Error"]) == (
        500, "error - where expression too complex: at most 1024 terms, 32 levels deep\n")
    assert body(api.run("list host 'where not not x'")) == {}

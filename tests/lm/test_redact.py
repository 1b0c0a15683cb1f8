"""Redaction: one function masks every credential, wherever rung prints or stores it."""

from __future__ import annotations

import base64
import json
import string
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rung.lm import redaction
from rung.lm.backends.openai import OpenAIBackend
from rung.lm.base import LMError
from rung.lm.redaction import redact, register_secret
from rung.lm.spec import SpecError, parse_spec


@pytest.fixture(autouse=True)
def _forget_registered_secrets() -> Iterator[None]:
    """Random secrets registered here must not mask text in later tests of the process."""
    before = set(redaction._SECRETS)
    yield
    redaction._SECRETS.intersection_update(before)


# URL passwords: any printable ASCII a URL's user-info can hold unencoded
PASSWORDS = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="/@:?#[]%"),
    min_size=8, max_size=40,
)
# API keys and tokens: the characters of real keys (hex, base64url, JWT)
KEYS = st.text(alphabet=string.ascii_letters + string.digits + "-_.~+", min_size=8, max_size=60)


@given(PASSWORDS)
@settings(max_examples=100, deadline=None)
def test_url_userinfo_never_survives(secret: str) -> None:
    url = f"http://alice:{secret}@127.0.0.1:8000/v1"
    for text in (url, f"error at {url}/completions", json.dumps({"url": url})):
        assert secret not in redact(text)
    # the rendering must equal that of any other password; a password that is part of
    # the rendering's own text (such as "BackendK") is masked there too, so skip it
    reference = _shown_spec("reference-pw")
    assume(secret not in reference)
    assert _shown_spec(secret) == reference and "127.0.0.1:8000" in reference


def _shown_spec(password: str) -> str:
    """Every place a parsed spec prints itself, for a URL carrying ``password``."""
    spec = parse_spec(f"http://alice:{password}@127.0.0.1:8000/v1|qwen")  # registers it
    return repr(spec) + spec.describe() + str(LMError(f"boom {password}"))


@given(KEYS)
@settings(max_examples=100, deadline=None)
def test_authorization_values_never_survive(secret: str) -> None:
    basic = base64.b64encode(f"alice:{secret}".encode()).decode()
    echoes = [
        f"Authorization: Bearer {secret}",
        f"authorization: Basic {basic}",
        json.dumps({"headers": {"Authorization": f"Bearer {secret}"}}),
        repr({"authorization": f"Bearer {secret}"}),
        f"GET /v1?api_key={quote(secret, safe='')}&x=1",
    ]
    for text in echoes:
        out = redact(text)
        assert secret not in out and basic not in out and quote(secret, safe="") not in out


def test_environment_key_and_registered_secrets_are_masked_anywhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-canary-000111")
    register_secret("pw-registered-222333")
    text = "the key sk-env-canary-000111 and pw-registered-222333, url-encoded pw-registered"
    assert redact(text) == "the key *** and ***, url-encoded pw-registered"
    register_secret("abc")  # too short to be treated as a secret: would mask plain words
    assert redact("abc") == "abc"


def test_backend_identity_and_errors_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-123456")
    lm = OpenAIBackend("http://bob:pw-445566@127.0.0.1:9/v1", "gpt-x", api_key="sk-arg-778899")
    shown = repr(lm) + lm.name + lm.model_id + lm.base_url
    assert lm.model_id == "gpt-x@http://***@127.0.0.1:9/v1"
    for secret in ("sk-secret-123456", "pw-445566", "sk-arg-778899"):
        assert secret not in shown
        assert secret not in str(LMError(f"server said {secret}"))


def test_spec_errors_are_redacted() -> None:
    with pytest.raises(SpecError) as info:
        parse_spec("http://u:pw-spec-991@127.0.0.1:8000/v1")  # no model
    assert "pw-spec-991" not in str(info.value) and "***@127.0.0.1:8000" in str(info.value)
    with pytest.raises(SpecError) as bad_port:
        parse_spec("http://u:pw-port-992@127.0.0.1:99999999/v1|m")
    assert "pw-port-992" not in str(bad_port.value) and "99999999" in str(bad_port.value)

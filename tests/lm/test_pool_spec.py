"""Pool specs (``url1,url2|MODEL``): parsed into every endpoint in order, credentials never
shown, malformed lists refused with the value and the fix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rung.lm.pool import EndpointPool
from rung.lm.registry import get_backend
from rung.lm.spec import SpecError, parse_spec

ports = st.lists(st.integers(1, 65535), min_size=2, max_size=6, unique=True)
# URL passwords as tests/lm/test_redact.py draws them: commas included (they must not split)
secret = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                        exclude_characters="/@:?#[]%|"), min_size=8, max_size=30)


@given(ports=ports, password=secret, which=st.integers(0, 5))
def test_pool_spec_round_trip_and_redaction(ports: list[int], password: str, which: int) -> None:
    urls = [f"http://127.0.0.1:{p}/v1" for p in ports]
    k = which % len(urls)
    urls[k] = urls[k].replace("http://", f"http://user:{password}@")
    spec = parse_spec(" , ".join(urls) + "/|my-model")
    assert spec.is_pool and spec.model == "my-model" and spec.base_url == urls[0].rstrip("/")
    assert [u.rpartition(":")[2] for u in spec.endpoints] == [f"{p}/v1" for p in ports]
    for shown in (spec.describe(), repr(spec)):
        assert password not in shown and shown.count("127.0.0.1") >= len(ports)


@pytest.mark.parametrize(("text", "needle"), [
    ("http://127.0.0.1:1/v1,,http://127.0.0.1:2/v1|m", "has an empty entry"),
    ("http://127.0.0.1:1/v1,http://127.0.0.1:1/v1|m", "names an endpoint twice"),
    ("http://127.0.0.1:1/v1,ftp://127.0.0.1:2/v1|m", "is not http(s)"),
    ("http://127.0.0.1:1/v1,http://127.0.0.1:2/v1", "names no model"),
])
def test_bad_pool_specs_are_refused(text: str, needle: str) -> None:
    with pytest.raises(SpecError, match=None) as err:
        parse_spec(text)
    assert needle in str(err.value)


def test_openai_base_url_list_makes_a_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1,http://127.0.0.1:2/v1")
    lm = get_backend("openai:m", cache=False)
    assert isinstance(lm, EndpointPool) and len(lm.urls) == 2 and lm.model_id == "m@pool"

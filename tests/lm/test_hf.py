"""The transformers backend on tiny random-weight checkpoints built here, offline.

The models are untrained: these tests check plumbing (local loading, chat template, the
shared-prefix batch, stop strings) and that batched and naive scoring agree, not quality.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.lm import Program, assistant, gen, get_backend, select, user
from rung.lm.backends.hf import TransformersBackend
from rung.lm.base import LMError, Message
from rung.lm.chat import CHATML

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

CORPUS = [
    "Does smoking cause lung cancer? Yes, smoking causes lung cancer.",
    "Does rain cause wet streets? Yes. Do wet streets cause rain? No.",
    "The answer is yes. The answer is no. Maybe it depends on the weather.",
    "Altitude lowers temperature; exercise raises heart rate; 42 is a number.",
]
QUESTION = [
    Message("system", "You are a careful scientist."),
    Message("user", "Does smoking cause lung cancer? Answer yes or no."),
]
WORDS = ["yes", "no", " Yes", "maybe it depends", "Smoking causes cancer.", "42", "é"]


def _tokenizer(chat: bool) -> object:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(CORPUS, trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>" if chat else "<|endoftext|>",
        bos_token="<|endoftext|>", pad_token="<|endoftext|>",
    )
    if chat:
        fast.chat_template = CHATML
    return fast


def _checkpoint(root: Path, chat: bool, llama: bool = False) -> Path:
    torch.manual_seed(0)
    tok = _tokenizer(chat)
    ids = {"bos_token_id": tok.bos_token_id, "eos_token_id": tok.eos_token_id}
    model: object
    if llama:  # rotary positions, grouped-query attention
        model = transformers.LlamaForCausalLM(transformers.LlamaConfig(
            vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256, **ids,
        ))
    else:  # learned absolute positions
        model = transformers.GPT2LMHeadModel(transformers.GPT2Config(
            vocab_size=len(tok), n_positions=256, n_embd=32, n_layer=2, n_head=2, **ids,
        ))
    path = root / ("llama" if llama else "chat" if chat else "base")
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hf")
    return {
        "chat": _checkpoint(root, True),
        "base": _checkpoint(root, False),
        "llama": _checkpoint(root, True, llama=True),
    }


@pytest.fixture(scope="module")
def chat_lm(checkpoints: dict[str, Path]) -> TransformersBackend:
    return TransformersBackend(checkpoints["chat"], n_threads=1)


def test_loads_local_files_and_uses_the_chat_template(chat_lm: TransformersBackend) -> None:
    text = chat_lm.render([Message("user", "Hi")], prefix="Well")
    assert text == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nWell"
    assert chat_lm.tokenize("<|im_start|>")[0] == chat_lm.tokenizer.convert_tokens_to_ids(
        "<|im_start|>"
    )


def test_base_model_gets_a_plain_transcript(checkpoints: dict[str, Path]) -> None:
    lm = TransformersBackend(checkpoints["base"], n_threads=1)
    assert lm.chat_template is None
    assert lm.render(QUESTION).endswith("User: Does smoking cause lung cancer? Answer yes or no."
                                        "\n\nAssistant:")
    scores = lm.score_options(QUESTION, [" yes", " no"])
    assert scores == pytest.approx(lm.score_options_naive(QUESTION, [" yes", " no"]), abs=1e-4)


def test_batched_equals_naive(chat_lm: TransformersBackend) -> None:
    options = ["yes", "no", "Yes, smoking causes lung cancer.", "maybe it depends"]
    batched = chat_lm.score_options(QUESTION, options)
    naive = chat_lm.score_options_naive(QUESTION, options)
    assert batched == pytest.approx(naive, abs=1e-4)
    assert all(s < 0 for s in batched)
    assert len(set(batched)) == len(batched)  # the options really got different scores


def test_batched_equals_naive_on_a_llama_architecture(checkpoints: dict[str, Path]) -> None:
    lm = TransformersBackend(checkpoints["llama"], n_threads=1)
    options = ["yes", "no", "Yes, smoking causes lung cancer.", "maybe it depends"]
    for prefix in ("", "The answer is "):
        batched = lm.score_options(QUESTION, options, prefix=prefix)
        assert batched == pytest.approx(
            lm.score_options_naive(QUESTION, options, prefix=prefix), abs=1e-4
        )
    free = lm.generate(QUESTION, max_tokens=6)
    assert free and _hf_greedy(lm, 6).startswith(free)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    options=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True),
    prefix=st.sampled_from(["", "The answer is", "The answer is "]),
)
def test_batched_equals_naive_property(
    chat_lm: TransformersBackend, options: list[str], prefix: str
) -> None:
    batched = chat_lm.score_options(QUESTION, options, prefix=prefix)
    naive = chat_lm.score_options_naive(QUESTION, options, prefix=prefix)
    assert batched == pytest.approx(naive, abs=1e-4)


def test_option_score_is_chain_rule_of_token_scores(chat_lm: TransformersBackend) -> None:
    """Independent check against the model's own logits, token by token."""
    prompt = chat_lm.render(QUESTION)
    ids = chat_lm.tokenize(prompt + "Smoking causes cancer.")
    start = len(chat_lm.tokenize(prompt))
    with torch.inference_mode():
        logits = chat_lm.model(torch.tensor([ids])).logits[0].double()
    expected = sum(
        float(torch.log_softmax(logits[k - 1], -1)[ids[k]]) for k in range(start, len(ids))
    )
    got = chat_lm.score_options(QUESTION, ["Smoking causes cancer."])[0]
    assert got == pytest.approx(expected, abs=1e-6)


def _hf_greedy(lm: TransformersBackend, n: int) -> str:
    """transformers' own greedy ``generate``: the independent reference."""
    ids = torch.tensor([lm.tokenize(lm.render(QUESTION))])
    with torch.inference_mode():
        out = lm.model.generate(
            ids, max_new_tokens=n, do_sample=False, pad_token_id=lm.tokenizer.pad_token_id
        )
    return lm._text([int(t) for t in out[0, ids.shape[1]:]])


def test_greedy_generate_matches_hf_generate_and_stops(chat_lm: TransformersBackend) -> None:
    free = chat_lm.generate(QUESTION, max_tokens=8)
    assert free and _hf_greedy(chat_lm, 8).startswith(free)
    cut = free[len(free) // 2]
    stopped = chat_lm.generate(QUESTION, max_tokens=8, stop=[cut])
    assert stopped == free[: free.index(cut)]
    number = chat_lm.generate(QUESTION, max_tokens=6, regex=r"[0-9]{2,3}")
    assert regex.fullmatch(r"[0-9]{2,3}", number)
    with pytest.raises(LMError, match="max_tokens"):
        chat_lm.generate(QUESTION, max_tokens=2, regex=r"[a-z]{40}")


def test_program_and_get_backend(checkpoints: dict[str, Path]) -> None:
    lm = Program(get_backend(f"transformers:{checkpoints['chat']}", n_threads=1))
    with user():
        lm += "Does rain cause wet streets?"
    with assistant():
        lm += select(["yes", "no"], name="answer")
        lm += " "
        lm += gen(name="why", max_tokens=4)
    probs = lm.probabilities("answer")
    assert sum(probs.values()) == pytest.approx(1.0)
    assert lm["answer"] == max(probs, key=probs.__getitem__)
    assert isinstance(lm["why"], str)


def test_missing_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LMError, match="RUNG_LM=transformers"):
        get_backend(f"transformers:{tmp_path / 'nowhere'}", cache=False)

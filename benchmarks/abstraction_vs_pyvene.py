"""rung.abstraction vs pyvene: DAS step time, IIA evaluation time and the IIA each reaches.

Same network, data, seeds and initial rotation in both. The network is a 3-layer ReLU MLP
(hidden 64) trained by rung on x+y+z with one-hot digits, optionally with IIT on
``S = x + y`` at ``layers.0[0:16]``. Its weights are copied into pyvene's own
``MLPForClassification`` (inputs zero-padded from 30 to 64, which pyvene's MLP needs),
so both libraries search the same function at the same site (rung ``layers.0`` = pyvene
``block_output`` of layer 0) with a rotation of the same initial value, k = 16, batch 256.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/abstraction_vs_pyvene.py [--steps N]``
Ends with one ``RESULT`` summary line (read by ``benchmarks/run_all.py``).
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from _result import faster_range, peer_version, print_result  # benchmarks/_result.py

from rung.abstraction.das import DAS
from rung.abstraction.iia import interchange_accuracy
from rung.abstraction.iit import IIT
from rung.abstraction.interventions import logits_of
from rung.abstraction.models import MLP, MLPConfig
from rung.abstraction.sites import Site
from rung.abstraction.tasks.arithmetic import ArithmeticTask
from rung.abstraction.tasks.base import InterchangeData, make_interchange_data

H, K, BATCH = 64, 16, 256


def train_net(iit: bool, steps: int) -> MLP:
    task = ArithmeticTask()
    torch.manual_seed(0)
    net = MLP(MLPConfig(task.d_in, task.n_classes, H, 3))
    align = {"S": Site("layers.0", units=slice(0, K))} if iit else {}
    IIT(align, steps=steps).fit(net, task)
    return net


def to_pyvene(net: MLP):  # type: ignore[no-untyped-def]
    from pyvene.models.mlp.modelings_mlp import MLPConfig as PVConfig
    from pyvene.models.mlp.modelings_mlp import MLPForClassification

    cfg = PVConfig(h_dim=H, n_layer=3, num_classes=28, activation_function="relu", pdrop=0.0)
    pv_net = MLPForClassification(cfg).eval()
    with torch.no_grad():
        for i, block in enumerate(pv_net.mlp.h):
            lin = net.layers[i][0]
            block.ff1.weight.zero_()
            block.ff1.weight[:, : lin.in_features] = lin.weight
            block.ff1.bias.copy_(lin.bias)
        pv_net.score.weight.copy_(net.head.weight)
        pv_net.score.bias.copy_(net.head.bias)
    return pv_net


def pad(x: torch.Tensor) -> torch.Tensor:
    return F.pad(x, (0, H - x.shape[-1]))[:, None, :]  # (B, 1, H)


def pyvene_das(pv_net, train: InterchangeData, test: InterchangeData,  # type: ignore[no-untyped-def]
               init: torch.Tensor, steps: int) -> tuple[float, float, float]:
    import pyvene as pv

    config = pv.IntervenableConfig(
        representations=[pv.RepresentationConfig(0, "block_output", "pos", 1)],
        intervention_types=pv.RotatedSpaceIntervention, model_type=type(pv_net),
    )
    ivm = pv.IntervenableModel(config, pv_net)
    ivm.disable_model_gradients()
    iv = next(iter(ivm.interventions.values()))
    iv = iv[0] if isinstance(iv, tuple | list) else iv
    iv.set_interchange_dim(K)
    iv.rotate_layer.weight = init.clone()
    opt = torch.optim.Adam(iv.parameters(), lr=1e-2)
    base, src = pad(train.base), pad(train.sources["S"])

    def run(b: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        n = b.shape[0]
        loc = {"sources->base": ([[[0]] * n], [[[0]] * n])}
        _, out = ivm({"inputs_embeds": b}, [{"inputs_embeds": s}], loc,
                     subspaces=[[list(range(K))] * n])
        return logits_of(out)

    g = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    for step in range(steps):
        for group in opt.param_groups:  # the same linear decay as rung's DAS
            group["lr"] = 1e-2 * (1.0 - step / steps)
        idx = torch.randint(0, len(train), (BATCH,), generator=g)
        loss = F.cross_entropy(run(base[idx], src[idx]), train.labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    step_ms = 1000 * (time.perf_counter() - t0) / steps
    t0 = time.perf_counter()
    with torch.no_grad():
        pred = run(pad(test.base), pad(test.sources["S"])).argmax(-1)
    eval_ms = 1000 * (time.perf_counter() - t0)
    return step_ms, eval_ms, float((pred == test.labels).float().mean())


def rung_das(net: MLP, train: InterchangeData, test: InterchangeData,
             steps: int) -> tuple[float, float, float, torch.Tensor]:
    torch.manual_seed(0)
    das = DAS("S", Site("layers.0"), K, steps=0, lr=1e-2).fit(net, train)
    init = das.intervention_.rotate.weight.detach().clone()  # type: ignore[union-attr]
    das.steps = steps
    t0 = time.perf_counter()
    das.fit(net, train)
    step_ms = 1000 * (time.perf_counter() - t0) / steps
    t0 = time.perf_counter()
    iia = interchange_accuracy(net, test, {"S": das.site}, {"S": das.intervention_},
                               batch_size=len(test))
    eval_ms = 1000 * (time.perf_counter() - t0)
    return step_ms, eval_ms, iia, init


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--train-steps", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=3,
                        help="alternate the two libraries this many times; report the fastest")
    args = parser.parse_args()
    torch.set_num_threads(1)
    task = ArithmeticTask()
    train = make_interchange_data(task, "S", 10_000, seed=1)
    test = make_interchange_data(task, "S", 2_000, seed=2)
    print(f"DAS k={K}, batch {BATCH}, {args.steps} steps, 1 thread, best of {args.repeats}; "
          "IIA on 2,000 held-out interchange examples")
    summary = []
    for label, iit in (("standard", False), ("IIT", True)):
        net = train_net(iit, args.train_steps)
        pv_net = to_pyvene(net)
        ours, theirs = [], []
        for _ in range(args.repeats):
            ours.append(rung_das(net, train, test, args.steps))
            # the same starting rotation as rung's
            theirs.append(pyvene_das(pv_net, train, test, ours[-1][3], args.steps))
        r_step, r_eval = min(o[0] for o in ours), min(o[1] for o in ours)
        p_step, p_eval = min(t[0] for t in theirs), min(t[1] for t in theirs)
        r_iia, p_iia = ours[-1][2], theirs[-1][2]
        print(f"[{label} net] rung:   {r_step:6.2f} ms/DAS step  {r_eval:6.1f} ms/IIA eval  "
              f"IIA {r_iia:.3f}")
        print(f"[{label} net] pyvene: {p_step:6.2f} ms/DAS step  {p_eval:6.1f} ms/IIA eval  "
              f"IIA {p_iia:.3f}")
        print(f"[{label} net] speed-up: DAS step x{p_step / r_step:.1f}, "
              f"IIA eval x{p_eval / r_eval:.1f}")
        summary.append((label, p_step / r_step, p_eval / r_eval, r_iia, p_iia))
    steps = [s[1] for s in summary]
    evals = [s[2] for s in summary]
    iias = "; ".join(f"{lab} net IIA {r:.3f} vs {p:.3f}" for lab, _, _, r, p in summary)
    print_result(script="abstraction_vs_pyvene", peer="pyvene", peer_version=peer_version("pyvene"),
                 step_ratio_min=f"{min(steps):.2f}", step_ratio_max=f"{max(steps):.2f}",
                 eval_ratio_min=f"{min(evals):.2f}", eval_ratio_max=f"{max(evals):.2f}",
                 result=f"per DAS step {faster_range(steps)}; per IIA evaluation "
                        f"{faster_range(evals)}; {iias}")


if __name__ == "__main__":
    main()

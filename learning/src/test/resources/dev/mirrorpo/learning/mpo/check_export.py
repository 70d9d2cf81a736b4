"""MpoExportTest's Python side: loads each case's export with the exported mirrorpo_mpo module, computes the
per-pair losses and gradients with NumPy (pair_terms) and with torch_loss and autograd, and prints one JSON line: the largest error of each against the Java values, scaled as the test's
tolerance is (|python - java| / max(1, |java|)).

usage: python check_export.py FIXTURE.json   (the export's directory on PYTHONPATH)
"""
import json
import sys

import numpy as np
import torch

import mirrorpo_mpo


def error(actual, expected):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if not np.all(np.isfinite(actual)):
        return float("inf")
    return float(np.max(np.abs(actual - expected) / np.maximum(1.0, np.abs(expected))))


def float32_inputs(case):
    """The Java values exactly: JSON holds float32s as their shortest decimals, which parse to them as float32."""
    return {key: np.asarray(value, dtype=np.float32).astype(np.float64) for key, value in case["inputs"].items()}


def numpy_error(objective, case):
    x = float32_inputs(case)
    n_w = mirrorpo_mpo.factors(x["s_w"], x["a_w"], x["length_w"])
    n_l = mirrorpo_mpo.factors(x["s_l"], x["a_l"], x["length_l"])
    terms = objective.pair_terms(x["a_w"], x["a_l"], x["s_w"], x["s_l"], n_w, n_l,
                                 x["ref_s_w"], x["ref_s_l"], x["ref_a_w"], x["ref_a_l"])
    return {key: error(terms[key], case["java"][key]) for key in ("loss", "d_s_w", "d_s_l", "d_a_w", "d_a_l")}


def torch_error(objective, case):
    """torch_loss takes sums and token counts; its gradient w.r.t. a sum s is dL/ds + dL/da / n."""
    x = float32_inputs(case)
    java = case["java"]
    n_w = mirrorpo_mpo.factors(x["s_w"], x["a_w"], x["length_w"])
    n_l = mirrorpo_mpo.factors(x["s_l"], x["a_l"], x["length_l"])
    tensor = lambda v: torch.tensor(np.asarray(v, dtype=np.float64))
    s_w = tensor(x["s_w"]).requires_grad_()
    s_l = tensor(x["s_l"]).requires_grad_()
    two_step = objective.two_step
    losses = mirrorpo_mpo.torch_loss(objective, s_w, s_l, tensor(n_w), tensor(n_l),
                                     tensor(x["ref_s_w"]) if two_step else None,
                                     tensor(x["ref_s_l"]) if two_step else None)
    losses.sum().backward()
    expected_w = np.asarray(java["d_s_w"]) + np.asarray(java["d_a_w"]) / n_w
    expected_l = np.asarray(java["d_s_l"]) + np.asarray(java["d_a_l"]) / n_l
    return max(error(losses.detach().numpy(), java["loss"]), error(s_w.grad.numpy(), expected_w),
               error(s_l.grad.numpy(), expected_l))


def main(fixture_path):
    with open(fixture_path, encoding="utf-8") as handle:
        fixture = json.load(handle)
    results = []
    for case in fixture["cases"]:
        objective = mirrorpo_mpo.load(case["export"])
        if case["epochs"] > 0:
            objective = objective.for_epoch(case["epoch"], case["epochs"])
        by_key = numpy_error(objective, case)
        results.append({"name": case["name"], "numpy": max(by_key.values()), "numpy_by_key": by_key,
                        "torch": torch_error(objective, case)})
    print(json.dumps({"numpy_version": np.__version__, "torch_version": torch.__version__, "cases": results}))


if __name__ == "__main__":
    main(sys.argv[1])

"""Reference implementation of an MPO objective exported by `mirrorpo objectives export` (NumPy, and PyTorch).

Written by mirrorpo beside the export's JSON file; docs/mpo.md ("Exporting a discovered objective") describes
both. It computes what mirrorpo's Java does (learning/mpo: MonotoneFunction, MpoObjective), in float64:

  one-step:  L = -[psi(x_w) + lambda * g(sigmoid(phi_inv(x_w) - phi_inv(x_l)))]
  two-step:  L = -g(sigmoid(beta * (R_w - R_ref_w - R_l + R_ref_l))),  R = s + n * (phi_inv(x) - log x)

where s is a sequence's summed log-likelihood, n its number of factors (tokens of an LLM completion; steps
times action dimensions of a MuJoCo trajectory), a = s / n the per-factor mean and x = exp(a).

    import mirrorpo_mpo
    objective = mirrorpo_mpo.load("objective.json")
    terms = objective.pair_terms(a_w, a_l)                    # one-step: NumPy, loss and gradients
    losses = mirrorpo_mpo.torch_loss(objective, chosen_logps, rejected_logps, chosen_lengths, rejected_lengths)

Needs numpy; torch_loss needs torch. Only first derivatives exist (as in mirrorpo's trainer).
"""

import base64
import hashlib
import json
import math

import numpy as np

FORMAT = "mirrorpo-mpo-export"
_LOG_TWO = math.log(2.0)


def load(path):
    """The objective an export file describes (its zeta checked against its checksum)."""
    with open(path, encoding="utf-8") as handle:
        export = json.load(handle)
    if export.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} file (format: {export.get('format')!r}); "
                         "make one with `mirrorpo objectives export RUN_DIR --out FILE`")
    return MpoObjective(export)


def _log1mexp(x, largest_negative):
    """log(1 - e^x) for x <= 0, x clamped to at most largest_negative (Maechler 2012)."""
    clamped = np.minimum(x, largest_negative)
    near = clamped > -_LOG_TWO
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(near, np.log(-np.expm1(np.where(near, clamped, -1.0))),
                        np.log1p(-np.exp(np.where(near, -1.0, clamped))))


def _softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class MonotoneFunction:
    """f(x) = k*S(x) + sum_j V_j * act_j(W_j*x + W'_j*x*t + c_j), evaluated from log x with df/dlog x."""

    def __init__(self, skip, coefficient, units, constants):
        self.skip = skip
        self.k = coefficient
        # units: (activation, log slope, bias, weight) of each unit with V > 0, in layout order
        self.units = units
        self.floor = constants["relative_floor"]
        self.tiny = constants["tiny"]
        self.largest_negative = constants["largest_negative"]

    def evaluate(self, log_x):
        """(f, df/dlog x) at x = exp(log_x), elementwise; log_x an array of float64 <= 0."""
        log_x = np.asarray(log_x, dtype=np.float64)
        if self.skip == "log":
            value = self.k * log_x
            slope = np.full_like(log_x, self.k)
        else:  # logit x = log x - log(1 - x); d log(1 - x)/d log x = -x/(1 - x), 0 where it is clamped
            log_one_minus = _log1mexp(log_x, self.largest_negative)
            odds = np.where(log_x < self.largest_negative, np.exp(log_x - log_one_minus), 0.0)
            value = self.k * (log_x - log_one_minus)
            slope = self.k * (1.0 + odds)
        for activation, log_slope, c, weight in self.units:
            h, dh = self._unit(activation, log_slope, c, log_x)
            value = value + weight * h
            slope = slope + weight * dh
        return value, slope

    def _unit(self, activation, log_slope, c, log_x):
        log_wx = log_slope + log_x
        wx = np.exp(log_wx)
        u = wx + c
        low = self.floor * max(-c, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            if activation == "identity":
                return u, wx
            if activation == "relu_squared":
                p = np.maximum(u, 0.0)
                return p * p, 2 * p * wx
            if activation == "cube":
                return u * u * u, 3 * u * u * wx
            if activation == "sqrt":
                if c == 0:
                    h = np.sqrt(wx)
                    return h, 0.5 * h
                h = np.sqrt(np.maximum(u, low))
                return h, np.where(u > low, 0.5 * wx / h, 0.0)
            if activation == "cbrt":
                if c == 0:
                    h = np.cbrt(wx)
                    return h, h / 3
                p = np.maximum(u, low)
                h = np.cbrt(p)
                return h, np.where(u > low, wx * h / (3 * p), 0.0)
            if activation == "log":
                return self._log_positive(log_wx, wx, u, c, low)
            if activation == "exp":
                h = np.exp(u)
                return h, h * wx
            if activation == "tanh":
                h = np.tanh(u)
                return h, (1 - h * h) * wx
            if activation == "logit":
                high = max(self.tiny, self.floor * max(c + math.exp(log_slope) - 1, 0.0))
                h_low, d_low = self._log_positive(log_wx, wx, u, c, low)
                above = h_low > 0
                h_low = np.where(above, 0.0, h_low)
                d_low = np.where(above, 0.0, d_low)
                one_minus_u = -np.expm1(log_wx) - c
                q = np.maximum(one_minus_u, high)
                return h_low - np.log(q), d_low + np.where(one_minus_u > high, wx / one_minus_u, 0.0)
        raise ValueError(f"unknown activation {activation!r}")

    @staticmethod
    def _log_positive(log_wx, wx, u, c, low):
        """log((u)+), exact in log space for c = 0, floored at low = delta*|c| for c < 0."""
        if c == 0:
            return log_wx, np.ones_like(log_wx)
        above = u > low
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.where(above, np.log(np.where(above, u, 1.0)), math.log(low) if low > 0 else -np.inf),
                    np.where(above, wx / u, 0.0))


class MpoObjective:
    """One member of the MPO family: its options, zeta, and the training progress t its networks see."""

    def __init__(self, export, progress=0.0):
        self.export = export
        options = export["objective"]
        self.two_step = options["two_step"]
        self.temporal = options["temporal"]
        self.lam = options["lambda"]
        self.beta = options["beta"]
        self.progress = progress
        constants = export["constants"]
        raw = base64.b64decode(export["zeta_base64_float32"])
        if hashlib.sha256(raw).hexdigest() != export["zeta_checksum"]:
            raise ValueError("the export's zeta does not match its zeta_checksum: the file was changed; export again")
        self.zeta = np.frombuffer(raw, dtype="<f4")
        slices = {s["name"]: (s["offset"], s["length"]) for s in export["layout"]["slices"]}
        if len(self.zeta) != export["layout"]["size"]:
            raise ValueError(f"zeta has {len(self.zeta)} values, the layout {export['layout']['size']}")
        self.functions = {}
        for name in ("psi", "phiInv", "g"):
            skip = "logit" if name == "phiInv" and not self.two_step else "log"
            if name + ".skip" in slices:
                self.functions[name] = self._network(name, skip, slices, constants)
            else:  # fixed: log
                self.functions[name] = MonotoneFunction("log", 1.0, [], constants)

    def for_progress(self, t):
        """The objective whose temporal networks see training progress t = n/N in [0, 1)."""
        return MpoObjective(self.export, t)

    def for_epoch(self, epoch, epochs):
        """As mirrorpo's trainer binds it: t = epoch/epochs with a 0-based epoch."""
        return self.for_progress(epoch / epochs)

    def _network(self, name, skip, slices, constants):
        def part(p):
            offset, length = slices[f"{name}.{p}"]
            return self.zeta[offset:offset + length].astype(np.float64)

        k = max(float(part("skip")[0]), 0.0)
        rho, bias, out = part("inputKernel"), part("hiddenBias"), part("outputKernel")
        temporal = part("temporalKernel") if self.temporal else None
        activations = constants["activations"]
        per = constants["units_per_activation"]
        units = []
        for j in range(len(out)):
            if not out[j] > 0:
                continue
            # log(W + W'*t) = rho + log(1 + t*(e^rho' - 1))
            extra = 0.0 if temporal is None or self.progress == 0 else math.log1p(
                self.progress * math.expm1(temporal[j]))
            units.append((activations[j // per], rho[j] + extra, float(bias[j]),
                          out[j] / constants["output_scale_divisor"]))
        return MonotoneFunction(skip, k, units, constants)

    def pair_terms(self, a_w, a_l, s_w=None, s_l=None, n_w=None, n_l=None,
                   ref_s_w=None, ref_s_l=None, ref_a_w=None, ref_a_l=None):
        """Per-pair loss and its partial derivatives w.r.t. s_w, s_l, a_w, a_l (NumPy arrays, float64).

        One-step objectives need only the means a; two-step ones also the sums s, the factor counts n
        and the reference policy's sums and means. Returns a dict: loss, d_s_w, d_s_l, d_a_w, d_a_l.
        """
        f = lambda v: np.asarray(v, dtype=np.float64)
        a_w, a_l = f(a_w), f(a_l)
        g = self.functions["g"]
        phi = self.functions["phiInv"]
        zero = np.zeros_like(a_w)
        if not self.two_step:
            psi_w, d_psi_w = self.functions["psi"].evaluate(a_w)
            phi_w, d_phi_w = phi.evaluate(a_w)
            phi_l, d_phi_l = phi.evaluate(a_l)
            z = phi_w - phi_l
            g_value, d_g = g.evaluate(-_softplus(-z))
            d_g = d_g * _sigmoid(-z)
            return {"loss": -(psi_w + self.lam * g_value), "d_s_w": zero, "d_s_l": zero,
                    "d_a_w": -(d_psi_w + self.lam * d_g * d_phi_w), "d_a_l": self.lam * d_g * d_phi_l}
        s_w, s_l, n_w, n_l = f(s_w), f(s_l), f(n_w), f(n_l)
        ref_s_w, ref_s_l, ref_a_w, ref_a_l = f(ref_s_w), f(ref_s_l), f(ref_a_w), f(ref_a_l)
        # R - R_ref = (s - r) + n * [(phi_inv(x) - log x) - (phi_inv(x_ref) - log x_ref)]
        phi_w, d_phi_w = phi.evaluate(a_w)
        phi_l, d_phi_l = phi.evaluate(a_l)
        phi_rw, _ = phi.evaluate(ref_a_w)
        phi_rl, _ = phi.evaluate(ref_a_l)
        reward_w = (s_w - ref_s_w) + n_w * ((phi_w - a_w) - (phi_rw - ref_a_w))
        reward_l = (s_l - ref_s_l) + n_l * ((phi_l - a_l) - (phi_rl - ref_a_l))
        z = self.beta * (reward_w - reward_l)
        g_value, d_g = g.evaluate(-_softplus(-z))
        d_margin = -d_g * _sigmoid(-z) * self.beta
        return {"loss": -g_value, "d_s_w": d_margin, "d_s_l": -d_margin,
                "d_a_w": d_margin * n_w * (d_phi_w - 1), "d_a_l": -d_margin * n_l * (d_phi_l - 1)}


def factors(s, a, length):
    """n as mirrorpo recovers it from a trajectory's float32 s and a: rint(s/a), or the length if a is 0."""
    s, a, length = (np.asarray(v, dtype=np.float64) for v in (s, a, length))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.rint(s / np.where(a < 0, a, -1.0))
    usable = (a < 0) & (ratio >= 1) & np.isfinite(ratio)
    return np.where(usable, ratio, np.maximum(1.0, length))


def torch_loss(objective, chosen_logps, rejected_logps, chosen_lengths, rejected_lengths,
               ref_chosen_logps=None, ref_rejected_logps=None):
    """Per-pair MPO losses [N] as a torch tensor that backpropagates into the policy.

    chosen_logps, rejected_logps: [N] summed log-probabilities of each completion under the policy;
    ref_chosen_logps, ref_rejected_logps: the same sums under the frozen reference model (two-step only).
    These are the four tensors TRL's DPOTrainer.dpo_loss receives (chosen_logps, rejected_logps,
    ref_chosen_logps, ref_rejected_logps in recent TRL versions). chosen_lengths, rejected_lengths: [N] the
    completions' token counts n (a = logps / n is the per-token mean that one-step MPO, like ORPO, works on).
    Bind a temporal objective's progress first (objective.for_epoch(epoch, epochs)). Take .mean() for the
    batch loss.

    The per-pair scalars are evaluated on the CPU in float64 by pair_terms, and the returned tensor is
    L + sum_v dL/dv * (v - v.detach()) over v in {logps, per-token means}: its value is L and its gradient
    w.r.t. each v, and through v w.r.t. the policy, is exactly dL/dv (mirrorpo's trainer does the same).
    """
    import torch

    w = chosen_logps / chosen_lengths
    l = rejected_logps / rejected_lengths
    numpy = lambda t: None if t is None else t.detach().double().cpu().numpy()
    terms = objective.pair_terms(
        numpy(w), numpy(l), numpy(chosen_logps), numpy(rejected_logps), numpy(chosen_lengths),
        numpy(rejected_lengths), numpy(ref_chosen_logps), numpy(ref_rejected_logps),
        numpy(None if ref_chosen_logps is None else ref_chosen_logps / chosen_lengths),
        numpy(None if ref_rejected_logps is None else ref_rejected_logps / rejected_lengths))
    like = lambda key: torch.as_tensor(terms[key], dtype=chosen_logps.dtype, device=chosen_logps.device)
    linear = lambda key, v: like(key) * (v - v.detach())
    return (like("loss") + linear("d_s_w", chosen_logps) + linear("d_s_l", rejected_logps)
            + linear("d_a_w", w) + linear("d_a_l", l))

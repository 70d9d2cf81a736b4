#!/usr/bin/env python3
"""The inner trainer's loop written in JAX on CPU: the reference of `mirrorpo objectives bench`.

It reads a preference dataset's Parquet files (schemas/src/main/avro/PreferencePair.avsc) with pyarrow
and trains a policy on it with ORPO exactly as learning/.../training/OfflineTrainer does, but the way a
JAX user would write it: one jit-compiled step (forward, backward, global-norm clip and Adam), with every
trajectory padded to the dataset's longest and masked, because XLA needs static shapes.

- Policy: mean = 64-64 tanh MLP of the observation normalised by the data's frozen statistics
  ((obs - mean) / sqrt(var + 1e-8), clipped to +-10); a state-independent learned log std.
- Likelihood: per action dimension, the Gaussian mass of the box [a - h, a + h], h = 0.1, in log space
  (the box reflected below the mean, log Phi from jax.scipy.special.log_ndtr, log(1 - e^x) by Maechler's
  two branches, the midpoint rule with its curvature term for narrow boxes); a step's log-likelihood is
  the sum over dimensions, s the sum over the trajectory's real steps, a = s / (|tau| D)
  (docs/objectives.md).
- ORPO: -a_w + lambda * softplus(-(log odds(a_w) - log odds(a_l))), log odds(a) = a - log(1 - e^a),
  averaged over the minibatch's pairs; lambda = 0.5.
- Adam (beta 0.9/0.999, eps 1e-8, PyTorch's rule), learning rate 1e-3, global gradient-norm clip 1.3;
  a step with a non-finite loss or norm leaves the weights alone. Minibatches of 2 pairs in an order
  shuffled every epoch; the loss is read back after every step, as the Java trainer does.

Throughput counts real (unpadded) trajectory steps of both sides per second of training, after a
warm-up that compiles the step; the padded figure is reported beside it. The process is pinned to one
CPU (the idlest one it may use) before JAX loads: XLA's CPU client sizes its thread pool by the CPUs the
process may run on, and no XLA flag of this version limits it (measured: --xla_cpu_multi_thread_eigen=false
and intra_op_parallelism_threads=1 still ran at 1.9 CPU-seconds per second on two cores).

Prints one JSON line on stdout; everything else goes to stderr.

    python trainer_throughput.py --dataset runs/datasets/quick-base [--seconds 5] [--rounds 1]
        [--init init.json] [--objective orpo]
"""

import argparse
import glob
import json
import os
import statistics
import sys
import time


def pin_to_one_cpu():
    """Restricts this process to the allowed CPU that was idlest over the last 0.2 s; returns it."""
    allowed = sorted(os.sched_getaffinity(0))

    def idle_times():
        times = {}
        with open("/proc/stat") as stat:
            for line in stat:
                fields = line.split()
                if fields[0].startswith("cpu") and fields[0] != "cpu":
                    times[int(fields[0][3:])] = int(fields[4]) + int(fields[5])  # idle + iowait
        return times

    try:
        before = idle_times()
        time.sleep(0.2)
        after = idle_times()
        cpu = max(allowed, key=lambda c: after.get(c, 0) - before.get(c, 0))
    except (OSError, ValueError, IndexError):
        cpu = allowed[0]
    os.sched_setaffinity(0, {cpu})
    return cpu


# Before JAX is imported: its CPU client reads the affinity mask when it starts.
PINNED_CPU = pin_to_one_cpu()
os.environ["JAX_PLATFORMS"] = "cpu"
os.environ.setdefault("OMP_NUM_THREADS", "1")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from jax.scipy.special import log_ndtr  # noqa: E402

HIDDEN = (64, 64)
HALF_WIDTH = 0.1
NARROW_BOX = 0.05
LOG_TWO = float(np.log(2.0))
HALF_LOG_TWO_PI = float(0.5 * np.log(2 * np.pi))
NORMALIZER_EPSILON = 1e-8
NORMALIZER_CLIP = 10.0
MINIBATCH_PAIRS = 2
LEARNING_RATE = 1e-3
MAX_GRAD_NORM = 1.3
BETA1, BETA2, ADAM_EPSILON = 0.9, 0.999, 1e-8
ORPO_LAMBDA = 0.5


# ---------------------------------------------------------------- data


def read_dataset(directory):
    """The pairs in pair-index order: per side, a list of (observations [T, O], actions [T, A])."""
    files = sorted(glob.glob(os.path.join(directory, "data", "pairs-*.parquet")))
    if not files:
        raise SystemExit(f"trainer_throughput: {directory} holds no data/pairs-*.parquet files")
    columns = ["pair_index", "observation_size", "action_size", "chosen", "rejected"]
    table = pa.concat_tables([pq.read_table(f, columns=columns) for f in files])
    table = table.sort_by("pair_index")
    obs_size = table.column("observation_size")[0].as_py()
    act_size = table.column("action_size")[0].as_py()
    sides = {}
    for side in ("chosen", "rejected"):
        struct = table.column(side).combine_chunks()
        lengths = struct.field("length").to_numpy().astype(np.int64)
        observations = struct.field("observations")
        actions = struct.field("actions")
        obs_values = observations.values.to_numpy()
        act_values = actions.values.to_numpy()
        obs_offsets = observations.offsets.to_numpy()
        act_offsets = actions.offsets.to_numpy()
        sides[side] = [
            (obs_values[obs_offsets[i]:obs_offsets[i + 1]].reshape(lengths[i], obs_size),
             act_values[act_offsets[i]:act_offsets[i + 1]].reshape(lengths[i], act_size))
            for i in range(len(lengths))]
    return obs_size, act_size, sides


def padded_arrays(sides, obs_mean, obs_var):
    """[P, 2, T, O] normalised observations, [P, 2, T, A] actions, [P, 2, T] mask, [P, 2] lengths."""
    pairs = len(sides["chosen"])
    longest = max(len(o) for side in sides.values() for o, _ in side)
    obs_size = sides["chosen"][0][0].shape[1]
    act_size = sides["chosen"][0][1].shape[1]
    obs = np.zeros((pairs, 2, longest, obs_size), np.float32)
    act = np.zeros((pairs, 2, longest, act_size), np.float32)
    mask = np.zeros((pairs, 2, longest), np.float32)
    lengths = np.zeros((pairs, 2), np.float32)
    scale = 1.0 / np.sqrt(obs_var + NORMALIZER_EPSILON)
    for k, side in enumerate(("chosen", "rejected")):
        for i, (o, a) in enumerate(sides[side]):
            t = len(o)
            obs[i, k, :t] = np.clip((o.astype(np.float64) - obs_mean) * scale, -NORMALIZER_CLIP, NORMALIZER_CLIP)
            act[i, k, :t] = a
            mask[i, k, :t] = 1.0
            lengths[i, k] = t
    return obs, act, mask, lengths


def observation_statistics(sides):
    """Mean and (population) variance of every observation of both sides, as the Java trainer fits them."""
    rows = np.concatenate([o for side in sides.values() for o, _ in side]).astype(np.float64)
    return rows.mean(axis=0), rows.var(axis=0)


# ---------------------------------------------------------------- policy


def layer_sizes(obs_size, act_size):
    return (obs_size, *HIDDEN, act_size)


def orthogonal(rng, rows, cols, gain):
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    return (gain * (q if rows >= cols else q.T)).astype(np.float32)


def initial_params(obs_size, act_size, seed):
    """CleanRL's initialisation, as GaussianPolicy's: orthogonal weights (gain sqrt 2, last 0.01), zero biases, sigma 1."""
    rng = np.random.default_rng(seed)
    sizes = layer_sizes(obs_size, act_size)
    params = {"w": [], "b": []}
    for layer in range(len(sizes) - 1):
        gain = 0.01 if layer + 2 == len(sizes) else np.sqrt(2.0)
        params["w"].append(orthogonal(rng, sizes[layer], sizes[layer + 1], gain))
        params["b"].append(np.zeros((1, sizes[layer + 1]), np.float32))
    params["log_std"] = np.zeros((1, act_size), np.float32)
    return params


def params_from_flat(values, obs_size, act_size):
    """The Java ParameterSet layout: mean.w0, mean.b0, mean.w1, mean.b1, mean.w2, mean.b2, log_std."""
    values = np.asarray(values, np.float32)
    sizes = layer_sizes(obs_size, act_size)
    params = {"w": [], "b": []}
    at = 0
    for layer in range(len(sizes) - 1):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        params["w"].append(values[at:at + n_in * n_out].reshape(n_in, n_out))
        at += n_in * n_out
        params["b"].append(values[at:at + n_out].reshape(1, n_out))
        at += n_out
    params["log_std"] = values[at:at + act_size].reshape(1, act_size)
    at += act_size
    if at != len(values):
        raise SystemExit(f"trainer_throughput: {len(values)} initial parameters for a policy of {at}")
    return params


def policy_mean(params, x):
    for layer, (w, b) in enumerate(zip(params["w"], params["b"])):
        x = x @ w + b
        if layer + 1 < len(params["w"]):
            x = jnp.tanh(x)
    return x


# ---------------------------------------------------------------- likelihood and ORPO


def log1mexp(x):
    """log(1 - e^x) for x <= 0; each branch sees only arguments of its own range (no inf reaches a gradient)."""
    near_zero = jnp.clip(x, -LOG_TWO, -1e-30)
    far_below = jnp.minimum(x, -LOG_TWO)
    return jnp.where(x > -LOG_TWO, jnp.log(-jnp.expm1(near_zero)), jnp.log1p(-jnp.exp(far_below)))


def log_box_mass(mean, log_std, actions):
    """log N(mean, sigma^2)-mass of [a - h, a + h], element-wise."""
    inverse_std = jnp.exp(-log_std)
    w = HALF_WIDTH * inverse_std
    centre = -jnp.abs(actions - mean) * inverse_std  # reflected below the mean
    log_upper = log_ndtr(centre + w)
    log_difference = log_upper + log1mexp(log_ndtr(centre - w) - log_upper)
    midpoint = -0.5 * centre ** 2 - HALF_LOG_TWO_PI + jnp.log(2 * w) + (centre ** 2 - 1) * w ** 2 / 6
    narrow = w * jnp.maximum(jnp.abs(centre), 1.0) < NARROW_BOX
    return jnp.where(narrow, midpoint, log_difference)


def orpo_loss(params, obs, act, mask, lengths):
    """Mean ORPO loss of a minibatch: obs [B, 2, T, O], act [B, 2, T, A], mask [B, 2, T], lengths [B, 2]."""
    b, sides, t, o = obs.shape
    a_size = act.shape[-1]
    mean = policy_mean(params, obs.reshape(b * sides * t, o)).reshape(b, sides, t, a_size)
    per_step = log_box_mass(mean, params["log_std"], act).sum(axis=-1)
    s = jnp.where(mask > 0, per_step, 0.0).sum(axis=-1)  # [B, 2]
    a = s / (lengths * a_size)
    a_w, a_l = a[:, 0], a[:, 1]
    log_odds_ratio = (a_w - log1mexp(a_w)) - (a_l - log1mexp(a_l))
    return jnp.mean(-a_w + ORPO_LAMBDA * jax.nn.softplus(-log_odds_ratio))


# ---------------------------------------------------------------- the step


@jax.jit
def train_step(params, first_moment, second_moment, count, obs_all, act_all, mask_all, len_all, pairs):
    """One gradient step on the pairs `pairs` (indices into the device-resident dataset)."""
    loss, grads = jax.value_and_grad(orpo_loss)(params, obs_all[pairs], act_all[pairs], mask_all[pairs],
                                               len_all[pairs])
    leaves = jax.tree_util.tree_leaves(grads)
    norm = jnp.sqrt(sum(jnp.sum(jnp.square(g.astype(jnp.float32))) for g in leaves))
    scale = jnp.minimum(1.0, MAX_GRAD_NORM / (norm + 1e-6))
    grads = jax.tree_util.tree_map(lambda g: g * scale, grads)
    count = count + 1
    step_size = LEARNING_RATE / (1 - BETA1 ** count)
    sqrt_correction2 = jnp.sqrt(1 - BETA2 ** count)
    m = jax.tree_util.tree_map(lambda m, g: BETA1 * m + (1 - BETA1) * g, first_moment, grads)
    v = jax.tree_util.tree_map(lambda v, g: BETA2 * v + (1 - BETA2) * g * g, second_moment, grads)
    updated = jax.tree_util.tree_map(
        lambda p, m, v: p - step_size * m / (jnp.sqrt(v) / sqrt_correction2 + ADAM_EPSILON), params, m, v)
    ok = jnp.isfinite(loss) & jnp.isfinite(norm)
    keep = lambda new, old: jax.tree_util.tree_map(lambda n, o: jnp.where(ok, n, o), new, old)  # noqa: E731
    return (keep(updated, params), keep(m, first_moment), keep(v, second_moment), jnp.where(ok, count, count - 1),
            loss, norm)


def train_for(seconds, state, data, lengths_host, rng):
    """Trains until `seconds` have passed (whole steps); returns the figures and the new state."""
    pairs = lengths_host.shape[0]
    real_steps = padded_steps = updates = 0
    longest = data[2].shape[2]
    losses = []
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    done = False
    while not done:
        order = rng.permutation(pairs).astype(np.int32)
        for first in range(0, pairs, MINIBATCH_PAIRS):
            batch = order[first:first + MINIBATCH_PAIRS]
            *state, loss, _ = train_step(*state, *data, batch)
            losses.append(float(loss))  # read back every step, as the Java trainer does
            real_steps += int(lengths_host[batch].sum())
            padded_steps += len(batch) * 2 * longest
            updates += 1
            if time.perf_counter() - start_wall >= seconds:
                done = True
                break
    wall = time.perf_counter() - start_wall
    cpu = time.process_time() - start_cpu
    finite = [x for x in losses if np.isfinite(x)]
    return {
        "steps_per_s": real_steps / wall,
        "padded_steps_per_s": padded_steps / wall,
        "updates_per_s": updates / wall,
        "seconds": wall,
        "cpu_per_wall": cpu / wall,
        "updates": updates,
        "non_finite_losses": len(losses) - len(finite),
        "last_loss": finite[-1] if finite else None,
    }, state


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", required=True, help="dataset directory (with data/pairs-*.parquet)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of training per round")
    parser.add_argument("--rounds", type=int, default=1, help="measurements; the median is reported")
    parser.add_argument("--objective", default="orpo", help="only orpo is implemented")
    parser.add_argument("--init", help="JSON with the initial flat parameter vector and normaliser "
                        "(values, observation_mean, observation_variance), as the Java bench writes it")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.objective.lower() != "orpo":
        raise SystemExit(f"trainer_throughput: only orpo is implemented here, not '{args.objective}'")
    if args.seconds <= 0 or args.rounds < 1:
        raise SystemExit("trainer_throughput: --seconds must be positive and --rounds at least 1")

    load_start = time.perf_counter()
    obs_size, act_size, sides = read_dataset(args.dataset)
    if args.init:
        with open(args.init) as f:
            init = json.load(f)
        obs_mean = np.asarray(init["observation_mean"], np.float64)
        obs_var = np.asarray(init["observation_variance"], np.float64)
        params = params_from_flat(init["values"], obs_size, act_size)
    else:
        obs_mean, obs_var = observation_statistics(sides)
        params = initial_params(obs_size, act_size, args.seed)
    obs, act, mask, lengths = padded_arrays(sides, obs_mean, obs_var)
    data = tuple(jax.device_put(x) for x in (obs, act, mask, lengths))
    load_seconds = time.perf_counter() - load_start

    params = jax.tree_util.tree_map(jnp.asarray, params)
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    initial_state = (params, zeros, zeros, jnp.asarray(0, jnp.int32))
    first_batch = np.arange(min(MINIBATCH_PAIRS, len(lengths)), dtype=np.int32)
    # The loss of the first pairs under the initial weights: the Java bench checks it against its own.
    first_batch_loss = float(orpo_loss(params, *(x[first_batch] for x in data)))

    # Warm-up: compile the step for every minibatch size the epochs use, and run a few steps.
    compile_start = time.perf_counter()
    sizes = {MINIBATCH_PAIRS} | ({len(lengths) % MINIBATCH_PAIRS} - {0})
    state = initial_state
    for size in sizes:
        *state, loss, _ = train_step(*state, *data, np.arange(size, dtype=np.int32))
        loss.block_until_ready()
    compile_seconds = time.perf_counter() - compile_start
    for _ in range(3):
        *state, loss, _ = train_step(*state, *data, first_batch)
    float(loss)

    rng = np.random.default_rng(args.seed)
    rounds = []
    for _ in range(args.rounds):
        figures, _ = train_for(args.seconds, initial_state, data, lengths, rng)  # every round from the same start
        rounds.append(figures)
    median = lambda key: statistics.median(r[key] for r in rounds)  # noqa: E731
    real = float(lengths.sum())
    result = {
        "framework": "jax",
        "jax": jax.__version__,
        "objective": "orpo",
        "pairs": int(len(lengths)),
        "dataset_steps": int(real),
        "max_length": int(obs.shape[2]),
        "padding_fraction": round(1 - real / (obs.shape[0] * 2 * obs.shape[2]), 4),
        "steps_per_s": median("steps_per_s"),
        "padded_steps_per_s": median("padded_steps_per_s"),
        "updates_per_s": median("updates_per_s"),
        "cpu_per_wall": median("cpu_per_wall"),
        "rounds": args.rounds,
        "seconds_per_round": args.seconds,
        "per_round_steps_per_s": [round(r["steps_per_s"], 1) for r in rounds],
        "non_finite_losses": sum(r["non_finite_losses"] for r in rounds),
        "first_batch_loss": first_batch_loss,
        "compile_seconds": round(compile_seconds, 3),
        "load_seconds": round(load_seconds, 3),
        "cpu": PINNED_CPU,
        "devices": [str(d) for d in jax.devices()],
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""K MPO candidates trained at once with jax.vmap on CPU: the reference of `mirrorpo objectives bench-population`.

The like-for-like anchor of population-batched training (docs/training.md): the K candidate objectives of
one ES generation, one-step MPO with learned psi, phi^-1 and g (docs/mpo.md: 126-unit networks of nine
activations, the zeta layout psi | phiInv | g, each skip k, input kernel rho, hidden bias c, output kernel
raw V; the floors of log, sqrt, cbrt and logit), each training its own copy of the same initial policy on the
same minibatches, written as a JAX user would: the single-candidate step of trainer_throughput.py (same
padded, device-resident data, likelihood, clip and Adam) with MPO's loss, vmapped over the candidates'
zeta, weights and optimiser states, and jit-compiled as one program.

The Java bench passes the initial policy and the K candidates' zeta (--init); the first minibatch's loss of
every candidate under the initial policy is reported so that the bench can check it computes the same
thing. Throughput counts candidate trajectory-steps per second: real (unpadded) steps of both sides, times
K. Prints one JSON line on stdout; everything else goes to stderr.

    python population_throughput.py --dataset runs/datasets/quick-base --init init.json [--seconds 5]
"""

import argparse
import json
import sys
import time

# Importing it pins this process to one CPU before JAX loads (see there).
import trainer_throughput as single
from trainer_throughput import jax, jnp, np

HIDDEN_UNITS = 126
UNITS_PER_ACTIVATION = 14
OUTPUT_SCALE_DIVISOR = 14.0
RELATIVE_FLOOR = 1e-3
TINY = 1e-30
LARGEST_NEGATIVE = -1e-30
# Activation of unit j: j // 14, in the paper's order.
IDENTITY, RELU_SQUARED, CUBE, SQRT, CBRT, LOG, EXP, TANH, LOGIT = range(9)


def function_slices(config):
    """The learned functions in zeta's order, each (name, offset): blocks of 1 + 3 * 126 values."""
    block = 1 + 3 * HIDDEN_UNITS
    names = (["psi"] if config["learn_psi"] else []) + ["phiInv"] + (["g"] if config["learn_g"] else [])
    return {name: i * block for i, name in enumerate(names)}, block * len(names)


def network(zeta, offset):
    """The arrays of one learned function from a candidate's zeta."""
    skip = jnp.maximum(zeta[offset], 0.0)
    rho = zeta[offset + 1:offset + 1 + HIDDEN_UNITS]
    bias = zeta[offset + 1 + HIDDEN_UNITS:offset + 1 + 2 * HIDDEN_UNITS]
    weight = jnp.maximum(zeta[offset + 1 + 2 * HIDDEN_UNITS:offset + 1 + 3 * HIDDEN_UNITS], 0.0) / OUTPUT_SCALE_DIVISOR
    return skip, rho, bias, weight


def log1mexp_clamped(x):
    return single.log1mexp(jnp.minimum(x, LARGEST_NEGATIVE))


def monotone(net, log_x, logit_skip):
    """f(x) = k S(x) + sum_j V_j act_j(W_j x + c_j) at x = e^log_x, for log_x of any shape."""
    skip, rho, bias, weight = net
    skip_term = log_x - log1mexp_clamped(log_x) if logit_skip else log_x
    log_wx = rho + log_x[..., None]
    wx = jnp.exp(log_wx)
    u = wx + bias
    floor_low = RELATIVE_FLOOR * jnp.maximum(-bias, 0.0)
    floor_high = jnp.maximum(TINY, RELATIVE_FLOOR * jnp.maximum(bias + jnp.exp(rho) - 1, 0.0))
    floored = jnp.maximum(u, floor_low)
    log_floored = jnp.log(floored)
    one_minus_u = jnp.maximum(-jnp.expm1(log_wx) - bias, floor_high)
    activations = [
        u,
        jnp.square(jnp.maximum(u, 0.0)),
        u ** 3,
        jnp.sqrt(floored),
        jnp.cbrt(floored),
        log_floored,
        jnp.exp(u),
        jnp.tanh(u),
        jnp.minimum(log_floored, 0.0) - jnp.log(one_minus_u),
    ]
    which = np.arange(HIDDEN_UNITS) // UNITS_PER_ACTIVATION
    hidden = jnp.select([which == k for k in range(9)], activations)
    return skip * skip_term + (weight * hidden).sum(axis=-1)


def mpo_losses(params, zeta, config, obs, act, mask, lengths):
    """One candidate's mean one-step MPO loss of a minibatch (docs/mpo.md), shapes as single.orpo_loss."""
    b, sides, t, o = obs.shape
    a_size = act.shape[-1]
    mean = single.policy_mean(params, obs.reshape(b * sides * t, o)).reshape(b, sides, t, a_size)
    per_step = single.log_box_mass(mean, params["log_std"], act).sum(axis=-1)
    s = jnp.where(mask > 0, per_step, 0.0).sum(axis=-1)
    a = s / (lengths * a_size)
    a_w, a_l = a[:, 0], a[:, 1]
    offsets, _ = function_slices(config)
    fixed_log = lambda log_x: log_x  # noqa: E731
    psi = (lambda x: monotone(network(zeta, offsets["psi"]), x, False)) if "psi" in offsets else fixed_log
    g = (lambda x: monotone(network(zeta, offsets["g"]), x, False)) if "g" in offsets else fixed_log
    phi_net = network(zeta, offsets["phiInv"])
    z = monotone(phi_net, a_w, True) - monotone(phi_net, a_l, True)
    log_sigmoid = -jax.nn.softplus(-z)
    return jnp.mean(-(psi(a_w) + config["lambda"] * g(log_sigmoid)))


def make_step(config):
    def candidate_step(params, first_moment, second_moment, count, zeta, obs, act, mask, lengths):
        loss, grads = jax.value_and_grad(mpo_losses)(params, zeta, config, obs, act, mask, lengths)
        leaves = jax.tree_util.tree_leaves(grads)
        norm = jnp.sqrt(sum(jnp.sum(jnp.square(g)) for g in leaves))
        scale = jnp.minimum(1.0, single.MAX_GRAD_NORM / (norm + 1e-6))
        grads = jax.tree_util.tree_map(lambda g: g * scale, grads)
        count = count + 1
        step_size = single.LEARNING_RATE / (1 - single.BETA1 ** count)
        sqrt_correction2 = jnp.sqrt(1 - single.BETA2 ** count)
        m = jax.tree_util.tree_map(lambda m, g: single.BETA1 * m + (1 - single.BETA1) * g, first_moment, grads)
        v = jax.tree_util.tree_map(lambda v, g: single.BETA2 * v + (1 - single.BETA2) * g * g, second_moment, grads)
        updated = jax.tree_util.tree_map(
            lambda p, m, v: p - step_size * m / (jnp.sqrt(v) / sqrt_correction2 + single.ADAM_EPSILON), params, m, v)
        ok = jnp.isfinite(loss) & jnp.isfinite(norm)
        keep = lambda new, old: jax.tree_util.tree_map(lambda n, o: jnp.where(ok, n, o), new, old)  # noqa: E731
        return keep(updated, params), keep(m, first_moment), keep(v, second_moment), jnp.where(ok, count, count - 1), loss

    batched = jax.vmap(candidate_step, in_axes=(0, 0, 0, 0, 0, None, None, None, None))

    @jax.jit
    def population_step(params, first_moment, second_moment, count, zetas, obs_all, act_all, mask_all, len_all,
                        pairs):
        return batched(params, first_moment, second_moment, count, zetas, obs_all[pairs], act_all[pairs],
                       mask_all[pairs], len_all[pairs])

    return population_step


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", required=True, help="dataset directory (with data/pairs-*.parquet)")
    parser.add_argument("--init", required=True, help="JSON with the initial policy (values, observation_mean, "
                        "observation_variance), the candidates' zetas and the MPO config, as the Java bench writes it")
    parser.add_argument("--members", type=int, help="train only the first K candidates of --init")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of training")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.seconds <= 0:
        raise SystemExit("population_throughput: --seconds must be positive")
    with open(args.init) as f:
        init = json.load(f)
    config = init["mpo"]
    if config["two_step"] or config["temporal"]:
        raise SystemExit("population_throughput: only static one-step MPO is implemented here")
    zetas = np.asarray(init["zetas"], np.float32)
    if args.members:
        zetas = zetas[:args.members]
    members = len(zetas)
    _, size = function_slices(config)
    if zetas.shape[1] != size:
        raise SystemExit(f"population_throughput: zeta of {zetas.shape[1]} values for a config that needs {size}")

    obs_size, act_size, sides = single.read_dataset(args.dataset)
    params = single.params_from_flat(init["values"], obs_size, act_size)
    obs, act, mask, lengths = single.padded_arrays(sides, np.asarray(init["observation_mean"], np.float64),
                                                   np.asarray(init["observation_variance"], np.float64))
    data = tuple(jax.device_put(x) for x in (obs, act, mask, lengths))
    stacked = jax.tree_util.tree_map(lambda p: jnp.broadcast_to(jnp.asarray(p), (members, *p.shape)), params)
    zeros = jax.tree_util.tree_map(jnp.zeros_like, stacked)
    initial_state = (stacked, zeros, zeros, jnp.zeros((members,), jnp.int32), jnp.asarray(zetas))
    first_batch = np.arange(min(single.MINIBATCH_PAIRS, len(lengths)), dtype=np.int32)
    first_losses = jax.vmap(lambda z: mpo_losses(params, z, config, *(x[first_batch] for x in data)))(
        jnp.asarray(zetas))

    step = make_step(config)
    compile_start = time.perf_counter()
    state = initial_state
    for batch_size in {single.MINIBATCH_PAIRS} | ({len(lengths) % single.MINIBATCH_PAIRS} - {0}):
        *updated, loss = step(*state, *data, np.arange(batch_size, dtype=np.int32))
        loss.block_until_ready()
        state = (*updated, state[4])
    compile_seconds = time.perf_counter() - compile_start

    rng = np.random.default_rng(args.seed)
    state = initial_state
    real_steps = updates = 0
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    done = False
    while not done:
        order = rng.permutation(len(lengths)).astype(np.int32)
        for first in range(0, len(lengths), single.MINIBATCH_PAIRS):
            batch = order[first:first + single.MINIBATCH_PAIRS]
            *updated, loss = step(*state, *data, batch)
            state = (*updated, state[4])
            np.asarray(loss)  # read back every step, as the Java trainer does
            real_steps += int(lengths[batch].sum())
            updates += 1
            if time.perf_counter() - start_wall >= args.seconds:
                done = True
                break
    wall = time.perf_counter() - start_wall
    cpu = time.process_time() - start_cpu
    print(json.dumps({
        "framework": "jax",
        "jax": jax.__version__,
        "objective": "mpo",
        "members": members,
        "candidate_steps_per_s": members * real_steps / wall,
        "updates_per_s": updates / wall,
        "cpu_per_wall": cpu / wall,
        "seconds": wall,
        "first_batch_losses": [float(x) for x in first_losses],
        "compile_seconds": round(compile_seconds, 3),
        "cpu": single.PINNED_CPU,
    }), flush=True)


if __name__ == "__main__":
    sys.exit(main())

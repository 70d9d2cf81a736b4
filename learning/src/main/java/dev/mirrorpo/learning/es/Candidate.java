package dev.mirrorpo.learning.es;

/**
 * One point to evaluate: ζ + sign·σ·ε_pairIndex.
 *
 * @param index position in {@link OpenAiEs#ask}'s list and in the fitness array given to {@link OpenAiEs#tell}:
 *     2·pairIndex for sign +1, 2·pairIndex + 1 for sign −1
 * @param pairIndex antithetic pair i ∈ [0, P)
 * @param sign +1 or −1
 * @param parameters the candidate's parameter vector (owned by this record; do not modify)
 */
public record Candidate(int index, int pairIndex, int sign, float[] parameters) {}

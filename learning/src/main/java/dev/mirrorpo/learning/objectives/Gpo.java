package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.add;
import static dev.mirrorpo.learning.nn.ScalarOps.mul;
import static dev.mirrorpo.learning.nn.ScalarOps.sub;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Map;

/**
 * GPO (Tang et al. 2024, "Generalized Preference Optimization"): a convex classification loss of the
 * scaled margin, f(βΔ), Δ = (s_w − r_w) − (s_l − r_l). Logistic is DPO, hinge is SLiC's calibration
 * loss with π_ref, square is IPO's (on the sum margin here).
 */
record Gpo(ConvexLoss function, double beta) implements Objective {
  /** The convex functions f of the GPO paper's Table 1, of x = βΔ. */
  enum ConvexLoss {
    /** log(1 + e^{−x}) = softplus(−x). */
    LOGISTIC("logistic") {
      @Override
      NDArray apply(NDArray x) {
        return LogSpace.negLogSigmoid(x);
      }
    },
    /** max(0, 1 − x). */
    HINGE("hinge") {
      @Override
      NDArray apply(NDArray x) {
        return Activation.relu(add(x.neg(), 1));
      }
    },
    /** (x − 1)². */
    SQUARE("square") {
      @Override
      NDArray apply(NDArray x) {
        return sub(x, 1).square();
      }
    },
    /** e^{−x}; overflows to +∞ in float32 for x < −88, which the trainer reports as a non-finite loss. */
    EXPONENTIAL("exponential") {
      @Override
      NDArray apply(NDArray x) {
        return x.neg().exp();
      }
    },
    /** max(0, 1 − x)². */
    TRUNCATED_QUADRATIC("truncated-quadratic") {
      @Override
      NDArray apply(NDArray x) {
        return Activation.relu(add(x.neg(), 1)).square();
      }
    },
    /** 1/(1 + eˣ)² = σ(−x)². */
    SAVAGE("savage") {
      @Override
      NDArray apply(NDArray x) {
        return Activation.sigmoid(x.neg()).square();
      }
    };

    final String id;

    ConvexLoss(String id) {
      this.id = id;
    }

    abstract NDArray apply(NDArray x);
  }

  @Override
  public String name() {
    return "gpo-" + function.id;
  }

  @Override
  public boolean needsReference() {
    return true;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    return Map.of("beta", beta);
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    return function.apply(mul(batch.logRatioMargin(), beta));
  }
}

package dev.mirrorpo.learning.mpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.Tangent;
import java.util.function.IntFunction;

/**
 * MPO's per-pair losses as autograd sees them (see {@link MpoObjective}): the loss L and its partial
 * derivatives are computed per pair in double precision in Java, and the array handed to autograd is
 * {@code L + Σ_v ∂L/∂v · (v − stopGradient(v))} over the batch's likelihood arrays v. For one objective
 * the arrays are [N]; for a population they are [K, N], row k under member k's objective, while π_ref's
 * likelihoods and the lengths ([N]) are shared by all rows.
 */
final class MpoSurrogate {
  private MpoSurrogate() {}

  /**
   * @param objectiveOfRow the objective of each row of the batch's arrays (row 0 for an [N] batch)
   * @return the surrogate losses, shaped like the batch's likelihood arrays
   */
  static NDArray pairLosses(PairBatch batch, boolean twoStep, IntFunction<MpoObjective> objectiveOfRow) {
    PairBatch.Reference ref = batch.reference();
    if (twoStep && ref == null) {
      // The same message as the baselines': the batch of a two-step objective carries π_ref.
      batch.logRatioMargin();
    }
    Shape shape = batch.chosenMean().getShape();
    int pairs = (int) shape.get(shape.dimension() - 1);
    float[] aw = batch.chosenMean().toFloatArray();
    float[] al = batch.rejectedMean().toFloatArray();
    float[] sw = twoStep ? batch.chosenSum().toFloatArray() : null;
    float[] sl = twoStep ? batch.rejectedSum().toFloatArray() : null;
    float[] lw = twoStep ? batch.chosenLength().toFloatArray() : null;
    float[] ll = twoStep ? batch.rejectedLength().toFloatArray() : null;
    float[] rw = twoStep ? ref.chosenSum().toFloatArray() : null;
    float[] rl = twoStep ? ref.rejectedSum().toFloatArray() : null;
    float[] raw = twoStep ? ref.chosenMean().toFloatArray() : null;
    float[] ral = twoStep ? ref.rejectedMean().toFloatArray() : null;
    int n = aw.length;
    float[] loss = new float[n];
    float[] dSw = new float[n];
    float[] dSl = new float[n];
    float[] dAw = new float[n];
    float[] dAl = new float[n];
    MpoObjective objective = null;
    for (int index = 0; index < n; index++) {
      int pair = index % pairs;
      if (pair == 0) {
        objective = objectiveOfRow.apply(index / pairs);
      }
      MpoObjective.PairTerms terms = twoStep
          ? objective.twoStepTerms(
              new MpoObjective.Side(sw[index], aw[index], MpoObjective.factors(sw[index], aw[index], lw[pair]), rw[pair],
                  raw[pair]),
              new MpoObjective.Side(sl[index], al[index], MpoObjective.factors(sl[index], al[index], ll[pair]), rl[pair],
                  ral[pair]))
          : objective.oneStepTerms(aw[index], al[index]);
      loss[index] = (float) terms.loss();
      dSw[index] = (float) terms.dSw();
      dSl[index] = (float) terms.dSl();
      dAw[index] = (float) terms.dAw();
      dAl[index] = (float) terms.dAl();
    }
    NDManager manager = batch.chosenMean().getManager();
    NDArray surrogate = manager.create(loss, shape);
    if (twoStep) {
      surrogate = surrogate
          .add(Tangent.term(dSw, batch.chosenSum()))
          .add(Tangent.term(dSl, batch.rejectedSum()));
    }
    return surrogate
        .add(Tangent.term(dAw, batch.chosenMean()))
        .add(Tangent.term(dAl, batch.rejectedMean()));
  }
}

package dev.mirrorpo.envs;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProbeScratchTest {
  static void p(Object o) { System.out.println(o); }

  @Test
  void probe() {
    try (VecEnv ant = new VecEnv(Tasks.byName("ant"), 1)) {
      p("ant qpos0 " + Arrays.toString(ant.model().initialQpos()) + " nbody " + ant.model().nbody() + " dt " + ant.dt());
      ant.reset(new long[] {1});
      float[] zero = new float[8];
      for (int t = 0; t < 40; t++) {
        Step s = ant.step(zero);
        if (t % 5 == 0 || t == 39) p("t" + t + " z " + ant.qpos(0)[2] + " terms " + Arrays.toString(s.rewardTerms()) + " done " + s.done(0));
      }
      p("settled qpos " + Arrays.toString(ant.qpos(0)));
      p("settled qvel " + Arrays.toString(ant.qvel(0)));
      double[] q = ant.model().initialQpos();
      q[2] = 0.95;
      ant.setState(0, q, new double[14]);
      Step s = ant.step(zero);
      p("air z " + ant.qpos(0)[2] + " terms " + Arrays.toString(s.rewardTerms()));
      for (double z : new double[] {-1.0, -0.5, 0.1, 0.05}) {
        q = ant.model().initialQpos();
        q[2] = z;
        ant.setState(0, q, new double[14]);
        s = ant.step(zero);
        p("low z " + z + " -> " + ant.qpos(0)[2] + " term " + s.terminated()[0] + " unstable " + s.unstable()[0]);
      }
    }
    try (VecEnv hop = new VecEnv(Tasks.byName("hopper"), 1)) {
      p("hopper qpos0 " + Arrays.toString(hop.model().initialQpos()) + " dt " + hop.dt());
      float[] zero = new float[3];
      double[][] qs = {
        {0, 0.5, 0, -2.44, 0, 0}, {0, 0.6, 0, 0, 0, 0}, {0, 1.25, 0.3, 0, 0, 0}, {0, 1.25, -0.3, 0, 0, 0},
        {0, 1.25, 0, -150, 0, 0}, {0, 1.25, 0, 0, 0, 0}};
      for (double[] q : qs) {
        hop.setState(0, q, new double[6]);
        Step s = hop.step(zero);
        p(Arrays.toString(q) + " -> " + Arrays.toString(hop.qpos(0)) + " term " + s.terminated()[0]);
      }
      double[] v = {150, 0, 0, 0, 0, 0};
      hop.setState(0, hop.model().initialQpos(), v);
      Step s = hop.step(zero);
      p("vx150 -> " + Arrays.toString(hop.qvel(0)) + " term " + s.terminated()[0]);
      v = new double[] {0, 0, 0, 1e12, 0, 0};
      hop.setState(0, hop.model().initialQpos(), v);
      s = hop.step(zero);
      p("1e12 -> " + Arrays.toString(s.observations()) + " unstable " + s.unstable()[0] + " r " + s.rewards()[0]);
      double[] q = hop.model().initialQpos();
      q[3] = Double.NaN;
      p("nan setState obs " + Arrays.toString(hop.setState(0, q, new double[6])));
      s = hop.step(zero);
      p("NaN -> " + Arrays.toString(s.observations()) + " unstable " + s.unstable()[0] + " r " + s.rewards()[0]);
    }
    String[] broken = {
      "<mujoco><worldbody><nosuch/></worldbody></mujoco>",
      "<mujoco><worldbody><body><joint type='hinge'/><geom size='0.1'/></body></worldbody><actuator><motor joint='nosuch'/></actuator></mujoco>",
      "<mujoco><worldbody>",
      "<mujoco><equality><weld body1='nosuch'/></equality></mujoco>",
    };
    for (String x : broken) {
      try { MujocoModel.fromXml("broken.xml", x); p("LOADED?!"); } catch (MujocoException e) { p("EXC: " + e.getMessage()); }
    }
  }
}

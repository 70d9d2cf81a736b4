package dev.mirrorpo.envs;

/**
 * Summary of finished episodes.
 *
 * @param episodes how many episodes
 * @param meanReturn mean undiscounted return
 * @param standardError standard error of the mean return (sample standard deviation / √n)
 * @param meanLength mean number of steps
 * @param unstableEpisodes episodes that ended because the simulation went unstable
 */
public record EpisodeStats(int episodes, double meanReturn, double standardError, double meanLength,
    int unstableEpisodes) {

  /** Statistics of the given per-episode returns and lengths. */
  public static EpisodeStats of(double[] returns, int[] lengths, int unstableEpisodes) {
    int n = returns.length;
    if (n == 0) {
      throw new IllegalArgumentException("no episodes to summarise");
    }
    double mean = 0;
    double meanLength = 0;
    for (int i = 0; i < n; i++) {
      mean += returns[i];
      meanLength += lengths[i];
    }
    mean /= n;
    meanLength /= n;
    double squares = 0;
    for (double r : returns) {
      squares += (r - mean) * (r - mean);
    }
    double standardError = n > 1 ? Math.sqrt(squares / (n - 1) / n) : 0.0;
    return new EpisodeStats(n, mean, standardError, meanLength, unstableEpisodes);
  }
}

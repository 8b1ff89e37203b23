namespace DistSim.Sweeps;

/// <summary>How <see cref="Proportion.Interval"/> computes a confidence interval of a binomial proportion.</summary>
public enum BinomialIntervalMethod
{
    /// <summary>
    /// Clopper–Pearson, the exact interval from the beta distribution: its coverage is at least the confidence level
    /// for every true proportion (conservative). The right choice for an assertion: it fails a correct system at most
    /// 1 − confidence of the time.
    /// </summary>
    ClopperPearson,

    /// <summary>
    /// Wilson's score interval: shorter, with coverage close to the confidence level on average (a little below it for
    /// some proportions). The right choice for reporting.
    /// </summary>
    Wilson,
}

using System.Globalization;
using System.Numerics;
using DistSim.Random;
using DistSim.Sweeps;
using DistSim.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.Distributions;

namespace DistSim.Tests.Sweeps;

public class StatisticsTests
{
    private static MetricSummary Summary(params double[] values) => MetricSummary.Of("m", values);

    [Theory(DisplayName = "Nearest-rank percentiles of known data (the textbook examples), whatever the input order")]
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 5, 15)]
    [InlineData(new double[] { 50, 40, 35, 20, 15 }, 30, 20)]
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 40, 20)]
    [InlineData(new double[] { 40, 15, 50, 20, 35 }, 50, 35)]
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 100, 50)]
    [InlineData(new double[] { 3, 6, 7, 8, 8, 10, 13, 15, 16, 20 }, 25, 7)]
    [InlineData(new double[] { 3, 6, 7, 8, 8, 10, 13, 15, 16, 20 }, 50, 8)]
    [InlineData(new double[] { 3, 6, 7, 8, 8, 10, 13, 15, 16, 20 }, 75, 15)]
    [InlineData(new double[] { 3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20 }, 50, 9)]
    [InlineData(new double[] { 3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20 }, 75, 15)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 90, 9)] // rank 9 exactly: 0.9 × 10 computed in floating point would say 10
    [InlineData(new double[] { 7 }, 0, 7)]
    public void Percentile_IsNearestRank(double[] values, double percent, double expected) =>
        Assert.Equal(expected, Summary(values).Percentile(percent));

    [Fact(DisplayName = "Percentile 16.1 of 1..1000 is the 161st value: ⌈16.1 · 1000 / 100⌉, not one rank more")]
    public void Percentile_OfAFractionalPercent_IsTheExactNearestRank()
    {
        MetricSummary s = MetricSummary.Of("m", Enumerable.Range(1, 1000).Select(i => (double)i));

        Assert.Equal(161, s.Percentile(16.1)); // 16.1 · 1000 / 100 = 161.00000000000003 in doubles
        Assert.Equal(1, s.Percentile(0.1));
        Assert.Equal(999, s.Percentile(99.9));
        Assert.Equal(1000, s.Percentile(99.91));
    }

    /// <summary>
    /// Cases of the property below: a percent in hundredths (one or two decimals, 0 to 100) and a count. Half the counts
    /// make p · n / 100 a whole number, where a rounding error of a floating-point product moves the ceiling one rank up.
    /// </summary>
    private static readonly Gen<(int N, long Hundredths)> PercentileCases =
        from hundredths in Gen.Frequency((1, Gen.Choose(0, 1000).Select(tenths => tenths * 10)), (1, Gen.Choose(0, 10_000)))
        from whole in Gen.Elements(true, false)
        from k in Gen.Choose(1, 5000)
        select (whole && hundredths > 0 ? (int)(10_000 / BigInteger.GreatestCommonDivisor(hundredths, 10_000)) * (1 + (k % 2)) : k, (long)hundredths);

    /// <summary>
    /// The class: for any count n and any percent p written with one or two decimals, the percentile is the value of
    /// rank ⌈p · n / 100⌉ (at least 1), computed exactly in integers from p's hundredths.
    /// </summary>
    [Property(MaxTest = 1000)]
    public Property Percentile_IsTheExactNearestRank_ForPercentsWithTwoDecimals() =>
        Prop.ForAll(PercentileCases.ToArbitrary(), c =>
        {
            double percent = c.Hundredths / 100.0; // the double nearest to the decimal, as the literal would be
            long rank = Math.Max(1, ((c.Hundredths * c.N) + 9_999) / 10_000);
            MetricSummary s = MetricSummary.Of("m", Enumerable.Range(1, c.N).Select(i => (double)(c.N + 1 - i)));
            double actual = s.Percentile(percent);
            return (actual == rank).Label($"n = {c.N}, p = {percent.ToString("R", CultureInfo.InvariantCulture)}: rank {actual}, exact {rank}");
        });

    [Fact]
    public void Percentile_OfSeventyValues_AtNinety_IsTheSixtyThirdValue()
    {
        MetricSummary s = MetricSummary.Of("m", Enumerable.Range(1, 70).Select(i => (double)i).Reverse());

        Assert.Equal(63, s.Percentile90); // ⌈0.9 · 70⌉ = 63 (0.9 · 70 = 63.00000000000001 in doubles)
        Assert.Equal(35, s.Median);
        Assert.Equal(70, s.Percentile99);
        Assert.Equal(1, s.Minimum);
        Assert.Equal(70, s.Maximum);
    }

    [Fact]
    public void MeanStandardDeviationAndInterval_OfKnownData()
    {
        MetricSummary s = Summary(2, 4, 4, 4, 5, 5, 7, 9);

        Assert.Equal(8, s.Count);
        Assert.Equal(5, s.Mean, 12);
        Assert.Equal(Math.Sqrt(32.0 / 7), s.StandardDeviation, 12); // sample standard deviation: n − 1
        double t = (s.MeanInterval.High - s.Mean) / (s.StandardDeviation / Math.Sqrt(8));
        Assert.Equal(2.364624, t, 5); // Student's t, 7 degrees of freedom, 97.5 % (the table value)
        Assert.Equal(s.Mean, (s.MeanInterval.Low + s.MeanInterval.High) / 2, 12);
        Assert.Equal(0.95, s.MeanInterval.Confidence);
    }

    [Fact]
    public void ASingleValue_HasNoSpreadAndNoInterval()
    {
        MetricSummary s = Summary(3.5);

        Assert.Equal(3.5, s.Mean);
        Assert.True(double.IsNaN(s.StandardDeviation));
        Assert.True(double.IsNaN(s.MeanInterval.Low) && double.IsNaN(s.MeanInterval.High));
        Assert.False(s.MeanInterval.Contains(3.5));
        Assert.Equal(3.5, s.Percentile99);
    }

    [Fact(DisplayName = "The 95 % interval of the mean covers the true mean of normal data about 95 % of the time")]
    public void MeanInterval_Coverage_IsNominal()
    {
        const int replications = 4000, n = 10;
        var stream = new RandomStream(11);
        var normal = new Normal(3, 2, stream);
        int covered = 0;
        for (int r = 0; r < replications; r++)
        {
            covered += MetricSummary.Of("x", Enumerable.Range(0, n).Select(_ => normal.Sample())).MeanInterval.Contains(3) ? 1 : 0;
        }

        double tolerance = 4 * Math.Sqrt(0.95 * 0.05 / replications); // Monte Carlo error: 4 standard errors
        Assert.InRange(covered / (double)replications, 0.95 - tolerance, 0.95 + tolerance);
    }

    [Fact]
    public void Summary_RefusesBadInput_NamingIt()
    {
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => MetricSummary.Of("m", [])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentOutOfRangeException>(() => MetricSummary.Of("m", [1, double.NaN])).ParamName);
        Assert.Equal("metric", Assert.Throws<ArgumentException>(() => MetricSummary.Of(" ", [1])).ParamName);
        Assert.Equal("confidence", Assert.Throws<ArgumentOutOfRangeException>(() => MetricSummary.Of("m", [1], 1)).ParamName);
        Assert.Equal("percent", Assert.Throws<ArgumentOutOfRangeException>(() => Summary(1).Percentile(101)).ParamName);
    }

    [Fact]
    public void SweepStatistics_KeepsMetricsInFirstAddedOrder_AndSummarisesEach()
    {
        var stats = new SweepStatistics(confidence: 0.99);
        for (int i = 1; i <= 5; i++)
        {
            stats.Add("latency", i * 10);
            stats.Add("messages", 100 - i);
        }

        stats.Add("late", 1);

        Assert.Equal(["latency", "messages", "late"], stats.Metrics);
        Assert.Equal(5, stats.CountOf("latency"));
        Assert.Equal(0, stats.CountOf("unknown"));
        IReadOnlyList<MetricSummary> all = stats.Summarize();
        Assert.Equal(["latency", "messages", "late"], all.Select(m => m.Metric));
        Assert.Equal(30, all[0].Mean);
        Assert.Equal(97, all[1].Median);
        Assert.Equal(0.99, all[0].MeanInterval.Confidence);
        Assert.Equal(all[1].Maximum, stats.Summarize("messages").Maximum);
        Assert.Equal("metric", Assert.Throws<ArgumentException>(() => stats.Summarize("unknown")).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => stats.Add("latency", double.PositiveInfinity)).ParamName);
        Assert.Contains("latency: n=5, mean 30", all[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ProportionIntervals_OfKnownCounts()
    {
        ConfidenceInterval cp = Proportion.ClopperPearson(8, 10);
        ConfidenceInterval wilson = Proportion.Wilson(8, 10);

        Assert.Equal(0.443904537692358, cp.Low, 9);
        Assert.Equal(0.974789273673167, cp.High, 9);
        Assert.Equal(0.490162471536642, wilson.Low, 9);
        Assert.Equal(0.943317848545625, wilson.High, 9);
        Assert.Equal(new ConfidenceInterval(0, 1, 0.95), Proportion.Wilson(0, 0));
        Assert.Equal(0, Proportion.ClopperPearson(0, 20).Low);
        Assert.Equal(1, Proportion.ClopperPearson(20, 20).High);
        Assert.Equal((40, 60), Proportion.AcceptanceRegion(100, 0.5, 0.95));
        Assert.Equal((0, 0), Proportion.AcceptanceRegion(100, 0, 0.95));
    }

    [Fact]
    public void Proportion_RefusesBadInput_NamingIt()
    {
        Assert.Equal("successes", Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.Wilson(11, 10)).ParamName);
        Assert.Equal("trials", Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.ClopperPearson(0, -1)).ParamName);
        Assert.Equal("confidence", Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.Wilson(1, 10, 0)).ParamName);
        Assert.Equal("probability", Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.AcceptanceRegion(10, 1.5, 0.9)).ParamName);
        Assert.Equal("method", Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.Interval(1, 2, 0.9, (BinomialIntervalMethod)7)).ParamName);
    }

    public static TheoryData<BinomialIntervalMethod, double> Coverage => new()
    {
        { BinomialIntervalMethod.Wilson, 0.1 },
        { BinomialIntervalMethod.Wilson, 0.5 },
        { BinomialIntervalMethod.Wilson, 0.83 },
        { BinomialIntervalMethod.ClopperPearson, 0.1 },
        { BinomialIntervalMethod.ClopperPearson, 0.5 },
        { BinomialIntervalMethod.ClopperPearson, 0.83 },
    };

    [Theory(DisplayName = "Over many seeded binomial draws the 95 % interval covers the true p as often as its exact coverage says, and that is about 95 %")]
    [MemberData(nameof(Coverage))]
    public void ProportionInterval_Coverage(BinomialIntervalMethod method, double p)
    {
        const int trials = 60, draws = 4000;
        var stream = new RandomStream(2024);
        int covered = 0;
        for (int d = 0; d < draws; d++)
        {
            int successes = Binomial.Sample(stream, p, trials);
            covered += Proportion.Interval(successes, trials, 0.95, method).Contains(p) ? 1 : 0;
        }

        // The exact coverage of the method at this p: the probability of the counts whose interval contains p.
        double exact = Enumerable.Range(0, trials + 1).Where(k => Proportion.Interval(k, trials, 0.95, method).Contains(p)).Sum(k => Binomial.PMF(p, trials, k));
        double tolerance = 4 * Math.Sqrt(exact * (1 - exact) / draws); // Monte Carlo error of the simulated draws
        Assert.InRange(covered / (double)draws, exact - tolerance, exact + tolerance);
        if (method == BinomialIntervalMethod.ClopperPearson)
        {
            Assert.True(exact >= 0.95, $"Clopper–Pearson must cover at least 95 %: {exact}");
        }

        Assert.InRange(exact, 0.93, 0.985); // about 95 %: Wilson oscillates around it, Clopper–Pearson lies a little above
    }

    [Fact(DisplayName = "Wilson's exact coverage, averaged over p, is 95 % within a point")]
    public void Wilson_AverageCoverage_IsNominal()
    {
        const int trials = 60;
        double mean = Enumerable.Range(1, 99).Select(i => i / 100.0).Average(p =>
            Enumerable.Range(0, trials + 1).Where(k => Proportion.Wilson(k, trials).Contains(p)).Sum(k => Binomial.PMF(p, trials, k)));
        Assert.InRange(mean, 0.94, 0.96);
    }

    [Fact]
    public void RatesAssertWithin_PassesACompatibleRate_AndReportsAnIncompatibleOne()
    {
        ConfidenceInterval interval = Rates.AssertWithin(512, 1000, 0.5);
        Assert.True(interval.Contains(0.5));

        var ex = Assert.Throws<RateAssertionException>(() => Rates.AssertWithin(600, 1000, 0.5, 0.99));
        Assert.IsAssignableFrom<Xunit.Sdk.IAssertionException>(ex);
        Assert.Equal(600, ex.Successes);
        Assert.Equal(1000, ex.Trials);
        Assert.False(ex.Interval.Contains(0.5));
        Assert.Contains("600/1000 = 0.6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected rate 0.5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("99% Clopper–Pearson interval is [", ex.Message, StringComparison.Ordinal);
        Assert.Throws<RateAssertionException>(() => Rates.AssertWithin(3, 4000, 0, 0.999)); // a "never" that happened
        Assert.Equal("trials", Assert.Throws<ArgumentOutOfRangeException>(() => Rates.AssertWithin(0, 0, 0.5)).ParamName);
        Assert.Equal("expected", Assert.Throws<ArgumentOutOfRangeException>(() => Rates.AssertWithin(1, 2, -0.1)).ParamName);
    }

    [Fact(DisplayName = "Rates.AssertWithin with Clopper–Pearson accepts exactly the counts of the exact binomial acceptance region")]
    public void ClopperPearsonAssertion_AgreesWithTheAcceptanceRegion()
    {
        const int n = 400;
        const double p = 0.3;
        (long low, long high) = Proportion.AcceptanceRegion(n, p, 0.99);
        for (long k = 0; k <= n; k++)
        {
            bool accepted = Proportion.ClopperPearson(k, n, 0.99).Contains(p);
            Assert.True(accepted == (k >= low && k <= high), $"k = {k}: interval says {accepted}, region [{low}, {high}]");
        }
    }
}

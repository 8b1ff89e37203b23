using System.Globalization;
using DistSim.Random;

namespace DistSim.Timing;

/// <summary>
/// A distribution of message delays. Each sample uses exactly one draw from the caller's stream
/// (inverse CDF, never a rejection loop) and is rounded to whole ticks at once.
/// </summary>
/// <remarks>
/// The continuous distributions are MathNet.Numerics' (<see cref="MathNet.Numerics.Distributions.Exponential"/>,
/// <see cref="MathNet.Numerics.Distributions.LogNormal"/>, <see cref="MathNet.Numerics.Distributions.Pareto"/>),
/// sampled through their inverse CDF. Samples are capped at <see cref="MaxSample"/> so that a heavy tail
/// cannot overflow virtual time. Immutable and thread-safe. See <c>docs/concepts/network.md</c>.
/// </remarks>
public abstract class Delay
{
    /// <summary>The largest delay any distribution returns (about 100 years of virtual time).</summary>
    public static readonly TimeSpan MaxSample = TimeSpan.FromDays(36_500);

    private protected Delay()
    {
    }

    /// <summary>The smallest delay this distribution can return.</summary>
    public abstract TimeSpan Minimum { get; }

    /// <summary>The largest delay this distribution can return (<see cref="MaxSample"/> if unbounded).</summary>
    public abstract TimeSpan Maximum { get; }

    /// <summary>The mean delay (of the uncapped distribution; infinite means are reported as <see cref="MaxSample"/>).</summary>
    public abstract TimeSpan Mean { get; }

    /// <summary>Always exactly <paramref name="value"/>.</summary>
    /// <param name="value">A non-negative delay.</param>
    public static Delay Constant(TimeSpan value)
    {
        RequireNonNegative(value, nameof(value));
        return new ConstantDelay(value.Ticks);
    }

    /// <summary>Uniform over whole ticks in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="min">Smallest delay, at least zero.</param>
    /// <param name="max">Largest delay, at least <paramref name="min"/>.</param>
    public static Delay Uniform(TimeSpan min, TimeSpan max)
    {
        RequireNonNegative(min, nameof(min));
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"must be >= min ({min})");
        }

        return new UniformDelay(min.Ticks, max.Ticks);
    }

    /// <summary>Exponential with the given mean, shifted by <paramref name="min"/> (a propagation floor).</summary>
    /// <param name="mean">Mean of the exponential part, greater than zero.</param>
    /// <param name="min">A constant added to every sample, at least zero.</param>
    public static Delay Exponential(TimeSpan mean, TimeSpan min = default)
    {
        RequirePositive(mean, nameof(mean));
        RequireNonNegative(min, nameof(min));
        return new ExponentialDelay(min, mean);
    }

    /// <summary>
    /// Log-normal: the logarithm of the delay in seconds is normal with mean <paramref name="mu"/> and
    /// standard deviation <paramref name="sigma"/>; shifted by <paramref name="min"/>.
    /// </summary>
    /// <param name="mu">Mean of ln(delay in seconds).</param>
    /// <param name="sigma">Standard deviation of ln(delay in seconds), greater than zero.</param>
    /// <param name="min">A constant added to every sample, at least zero.</param>
    public static Delay LogNormal(double mu, double sigma, TimeSpan min = default)
    {
        if (!double.IsFinite(mu))
        {
            throw new ArgumentOutOfRangeException(nameof(mu), mu, "must be finite");
        }

        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "must be a finite number > 0");
        }

        RequireNonNegative(min, nameof(min));
        double meanSeconds = Math.Exp(mu + (sigma * sigma / 2));
        return new InverseCdfDelay(
            "lognormal",
            min,
            Cap(meanSeconds) + min,
            p => MathNet.Numerics.Distributions.LogNormal.InvCDF(mu, sigma, p),
            string.Create(CultureInfo.InvariantCulture, $"mu={mu}, sigma={sigma}"));
    }

    /// <summary>
    /// Pareto (heavy tail): delay ≥ <paramref name="scale"/>, with tail index <paramref name="shape"/>;
    /// the mean is infinite when shape ≤ 1.
    /// </summary>
    /// <param name="scale">The minimum delay, greater than zero.</param>
    /// <param name="shape">The tail index α, greater than zero.</param>
    public static Delay Pareto(TimeSpan scale, double shape)
    {
        RequirePositive(scale, nameof(scale));
        if (!(shape > 0) || !double.IsFinite(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "must be a finite number > 0");
        }

        double meanSeconds = shape <= 1 ? double.PositiveInfinity : shape * scale.TotalSeconds / (shape - 1);
        return new InverseCdfDelay(
            "pareto",
            scale,
            Cap(meanSeconds),
            p => MathNet.Numerics.Distributions.Pareto.InvCDF(scale.TotalSeconds, shape, p),
            string.Create(CultureInfo.InvariantCulture, $"scale={scale.TotalSeconds}s, shape={shape}"),
            offsetMin: false);
    }

    /// <summary>
    /// The empirical distribution of measured delays: each sample is one of <paramref name="samples"/>, picked uniformly
    /// (one draw; a bootstrap resample of the measurements). For replaying a measured latency trace: the delays keep the
    /// measurements' shape, tail and bounds exactly, and never go beyond the largest one.
    /// </summary>
    /// <param name="samples">The measured delays: at least one, each in [0, <see cref="MaxSample"/>]. Copied (and sorted).</param>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is empty or holds a delay out of range; the message names its index and value.</exception>
    public static Delay Empirical(IEnumerable<TimeSpan> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        long[] ticks = samples.Select(s => s.Ticks).ToArray();
        if (ticks.Length == 0)
        {
            throw new ArgumentException("samples must hold at least one delay, got none", nameof(samples));
        }

        for (int i = 0; i < ticks.Length; i++)
        {
            if (ticks[i] < 0 || ticks[i] > MaxSample.Ticks)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(samples), TimeSpan.FromTicks(ticks[i]), string.Create(CultureInfo.InvariantCulture, $"samples[{i}] must be in [0, {MaxSample.TotalDays} days]"));
            }
        }

        Array.Sort(ticks);
        return new EmpiricalDelay(ticks);
    }

    /// <summary>Draws one delay, in ticks, using exactly one draw from <paramref name="stream"/>.</summary>
    /// <param name="stream">The caller's random stream.</param>
    public long SampleTicks(RandomStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.CheckGuard();
        return SampleTicks(ref stream.State);
    }

    /// <summary>Draws one delay, in ticks, using exactly one draw from <paramref name="state"/> (the kernel's path: no object per stream).</summary>
    /// <param name="state">The generator.</param>
    internal abstract long SampleTicks(ref Xoshiro256 state);

    /// <summary>Draws one delay using exactly one draw from <paramref name="stream"/>.</summary>
    /// <param name="stream">The caller's random stream.</param>
    public TimeSpan Sample(RandomStream stream) => TimeSpan.FromTicks(SampleTicks(stream));

    internal static long SecondsToTicks(double seconds)
    {
        if (double.IsNaN(seconds) || seconds <= 0)
        {
            return 0;
        }

        double ticks = Math.Round(seconds * TimeSpan.TicksPerSecond);
        return ticks >= MaxSample.Ticks ? MaxSample.Ticks : (long)ticks;
    }

    private static TimeSpan Cap(double seconds) => TimeSpan.FromTicks(SecondsToTicks(seconds));

    private static void RequireNonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > MaxSample)
        {
            throw new ArgumentOutOfRangeException(name, value, $"must be in [0, {MaxSample.TotalDays} days]");
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > MaxSample)
        {
            throw new ArgumentOutOfRangeException(name, value, $"must be in (0, {MaxSample.TotalDays} days]");
        }
    }

    private sealed class ConstantDelay(long ticks) : Delay
    {
        public override TimeSpan Minimum => TimeSpan.FromTicks(ticks);

        public override TimeSpan Maximum => Minimum;

        public override TimeSpan Mean => Minimum;

        internal override long SampleTicks(ref Xoshiro256 state)
        {
            state.Next(); // one draw, always: the stream's position must not depend on the distribution chosen
            return ticks;
        }

        public override string ToString() => $"constant({Minimum.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s)";
    }

    private sealed class UniformDelay(long min, long max) : Delay
    {
        public override TimeSpan Minimum => TimeSpan.FromTicks(min);

        public override TimeSpan Maximum => TimeSpan.FromTicks(max);

        public override TimeSpan Mean => TimeSpan.FromTicks(min + ((max - min) / 2));

        internal override long SampleTicks(ref Xoshiro256 state) => min + (long)state.NextBelow((ulong)(max - min) + 1);

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture, $"uniform({Minimum.TotalSeconds}s, {Maximum.TotalSeconds}s)");
    }

    private sealed class InverseCdfDelay(
        string name, TimeSpan min, TimeSpan mean, Func<double, double> inverseCdfSeconds, string parameters, bool offsetMin = true) : Delay
    {
        public override TimeSpan Minimum => min;

        public override TimeSpan Maximum => MaxSample;

        public override TimeSpan Mean => mean;

        internal override long SampleTicks(ref Xoshiro256 state)
        {
            long ticks = SecondsToTicks(inverseCdfSeconds(state.NextOpenUnitDouble()));
            if (offsetMin)
            {
                ticks = Math.Min(ticks + min.Ticks, MaxSample.Ticks);
            }

            return ticks;
        }

        public override string ToString() => offsetMin && min > TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"{name}({parameters}, min={min.TotalSeconds}s)")
            : $"{name}({parameters})";
    }

    private sealed class EmpiricalDelay(long[] sorted) : Delay
    {
        private readonly TimeSpan _mean = TimeSpan.FromTicks((long)Math.Round(sorted.Select(t => (decimal)t).Average()));

        public override TimeSpan Minimum => TimeSpan.FromTicks(sorted[0]);

        public override TimeSpan Maximum => TimeSpan.FromTicks(sorted[^1]);

        public override TimeSpan Mean => _mean;

        internal override long SampleTicks(ref Xoshiro256 state) => sorted[(int)state.NextBelow((ulong)sorted.Length)];

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture, $"empirical({sorted.Length} samples, {Minimum.TotalSeconds}s–{Maximum.TotalSeconds}s)");
    }

    /// <summary>
    /// The exponential delay without a delegate in the way: the inverse CDF <c>−ln(1 − p) / rate</c> written out,
    /// exactly as MathNet's <see cref="MathNet.Numerics.Distributions.Exponential.InvCDF"/> computes it (a test
    /// checks the two agree bit for bit), so runs keep their fingerprints.
    /// </summary>
    private sealed class ExponentialDelay(TimeSpan min, TimeSpan mean) : Delay
    {
        private readonly double _rate = 1.0 / mean.TotalSeconds;
        private readonly long _minTicks = min.Ticks;

        public override TimeSpan Minimum => min;

        public override TimeSpan Maximum => MaxSample;

        public override TimeSpan Mean => mean + min;

        /// <summary>The inverse CDF in seconds.</summary>
        private double InverseCdf(double p) => p >= 1.0 ? double.PositiveInfinity : -Math.Log(1 - p) / _rate;

        internal override long SampleTicks(ref Xoshiro256 state)
        {
            long ticks = SecondsToTicks(InverseCdf(state.NextOpenUnitDouble()));
            return Math.Min(ticks + _minTicks, MaxSample.Ticks);
        }

        public override string ToString() => min > TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"exponential(mean={mean.TotalSeconds}s, min={min.TotalSeconds}s)")
            : string.Create(CultureInfo.InvariantCulture, $"exponential(mean={mean.TotalSeconds}s)");
    }
}

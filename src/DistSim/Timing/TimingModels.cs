using DistSim.Random;
using DistSim.Time;

namespace DistSim.Timing;

/// <summary>
/// The timing models of the theory. <see cref="Unbounded"/> (the default) adds nothing to the links' own
/// delays; <see cref="Synchronous"/> bounds every delay by Δ and clocks by ε; <see cref="Asynchronous"/>
/// bounds nothing; <see cref="PartiallySynchronous"/> is asynchronous until an unknown GST and
/// synchronous after it.
/// </summary>
public static class TimingModels
{
    /// <summary>The links' delays as they are; perfect clocks.</summary>
    public static TimingModel Unbounded { get; } = new UnboundedModel();

    /// <summary>
    /// Synchronous: every packet's delay lies in [<paramref name="minDelay"/>, <paramref name="delta"/>] (the link's
    /// delay, clamped), a node is paused at most <paramref name="stepBound"/> at a time, and clocks drift at
    /// most <paramref name="drift"/>.
    /// </summary>
    /// <param name="delta">Δ, the bound on delays.</param>
    /// <param name="minDelay">The least delay, at most Δ.</param>
    /// <param name="stepBound">The bound on a pause (a processing step); null: none.</param>
    /// <param name="drift">ε, the bound on clock drift, in [0, 0.5).</param>
    /// <param name="clockSkew">The bound on clocks' initial offsets.</param>
    public static TimingModel Synchronous(
        TimeSpan delta, TimeSpan minDelay = default, TimeSpan? stepBound = null, double drift = 0, TimeSpan clockSkew = default)
    {
        if (minDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(minDelay), minDelay, "must be >= 0");
        }

        if (delta <= TimeSpan.Zero || delta < minDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"must be > 0 and >= minDelay ({minDelay})");
        }

        if (stepBound is { } s && s <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(stepBound), s, "must be > 0 (or null for no bound)");
        }

        return new SynchronousModel(delta, minDelay, stepBound, drift, clockSkew);
    }

    /// <summary>
    /// Asynchronous: each packet's delay is the link's plus a draw from <paramref name="extra"/> (unbounded,
    /// e.g. exponential or Pareto); with <paramref name="holdProbability"/> a packet (among those
    /// <paramref name="holdWhen"/> selects, all by default) is also held for a draw from
    /// <paramref name="holdFor"/> — arbitrarily long, but finite.
    /// </summary>
    /// <param name="extra">The added delay.</param>
    /// <param name="holdProbability">Probability of holding a selected packet.</param>
    /// <param name="holdFor">How long a held packet is held (default Pareto, scale 1 s, shape 1.1).</param>
    /// <param name="holdWhen">Which packets may be held, by what they carry; null for all.</param>
    /// <param name="drift">ε, the bound on clock drift.</param>
    /// <param name="clockSkew">The bound on clocks' initial offsets.</param>
    public static TimingModel Asynchronous(
        Delay extra, double holdProbability = 0, Delay? holdFor = null, Func<object, bool>? holdWhen = null, double drift = 0, TimeSpan clockSkew = default)
    {
        ArgumentNullException.ThrowIfNull(extra);
        if (!(holdProbability >= 0 && holdProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(holdProbability), holdProbability, "must be in [0, 1]");
        }

        return new AsynchronousModel(extra, new Chance(holdProbability), holdFor ?? Timing.Delay.Pareto(TimeSpan.FromSeconds(1), 1.1), holdWhen, drift, clockSkew);
    }

    /// <summary>
    /// Partially synchronous (Dwork, Lynch, Stockmeyer): before the global stabilisation time delays are as in
    /// the asynchronous model (link delay + <paramref name="before"/>); after GST at most Δ; a packet sent
    /// before GST arrives by GST + Δ. GST is <paramref name="gst"/>, or drawn from the seed in
    /// [0, <paramref name="gstMax"/>] (stream <c>timing:gst</c>); the nodes are not told.
    /// </summary>
    /// <param name="delta">Δ, the bound after GST.</param>
    /// <param name="before">The added delay before GST.</param>
    /// <param name="gst">GST, or null to draw it.</param>
    /// <param name="gstMax">The upper end of the draw, at least zero.</param>
    /// <param name="drift">ε, the bound on clock drift.</param>
    /// <param name="clockSkew">The bound on clocks' initial offsets.</param>
    public static TimingModel PartiallySynchronous(
        TimeSpan delta, Delay before, SimTime? gst = null, TimeSpan? gstMax = null, double drift = 0, TimeSpan clockSkew = default)
    {
        if (delta <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "must be > 0");
        }

        ArgumentNullException.ThrowIfNull(before);
        TimeSpan max = gstMax ?? TimeSpan.FromSeconds(10);
        if (max < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(gstMax), max, "must be >= 0");
        }

        return new PartialModel(delta, before, gst, max, drift, clockSkew);
    }

    /// <summary>A built-in model's public entry: its own kernel arithmetic, on the context's stream (the same draws).</summary>
    private abstract class BuiltInModel(string name, double drift, TimeSpan skew) : TimingModel(name, drift, skew)
    {
        protected sealed override TimeSpan GetDelayCore(DelayContext context) =>
            TimeSpan.FromTicks(DelayTicks(context.NowTicks, context.LinkDelayTicks, context.Packet, ref context.State, context.GstTicks, context.From.Value, context.To.Value));

        internal override SimTime? DrawGst(ulong seed) => null; // none, and no stream to create
    }

    private sealed class UnboundedModel() : BuiltInModel("unbounded", 0, TimeSpan.Zero)
    {
        internal override long DelayTicks(long now, long linkDelay, object packet, ref Xoshiro256 stream, long gst, int from, int to) => linkDelay;
    }

    private sealed class SynchronousModel(TimeSpan delta, TimeSpan minDelay, TimeSpan? stepBound, double drift, TimeSpan skew)
        : BuiltInModel("synchronous", drift, skew)
    {
        public override TimeSpan? StepBound => stepBound;

        public override TimeSpan? DelayBound => delta;

        internal override long DelayTicks(long now, long linkDelay, object packet, ref Xoshiro256 stream, long gst, int from, int to) =>
            Math.Clamp(linkDelay, minDelay.Ticks, delta.Ticks);
    }

    private sealed class AsynchronousModel(Delay extra, Chance hold, Delay holdFor, Func<object, bool>? holdWhen, double drift, TimeSpan skew)
        : BuiltInModel("asynchronous", drift, skew)
    {
        internal override long DelayTicks(long now, long linkDelay, object packet, ref Xoshiro256 stream, long gst, int from, int to)
        {
            long delay = linkDelay + extra.SampleTicks(ref stream);
            bool held = hold.Happens(ref stream); // always one draw
            long heldFor = holdFor.SampleTicks(ref stream); // always one draw
            return held && (holdWhen is null || holdWhen(Links.FrameCarrier.Observe(packet))) ? delay + heldFor : delay;
        }
    }

    private sealed class PartialModel(TimeSpan delta, Delay before, SimTime? gst, TimeSpan gstMax, double drift, TimeSpan skew)
        : BuiltInModel("partially-synchronous", drift, skew)
    {
        public override TimeSpan? DelayBound => delta;

        protected override SimTime? ChooseGst(RandomStream stream) => gst ?? new SimTime((long)stream.NextBelow((ulong)gstMax.Ticks + 1));

        internal override SimTime? DrawGst(ulong seed) => gst ?? ChooseGst(StreamSeed.Create(seed, "timing:gst"));

        internal override long DelayTicks(long now, long linkDelay, object packet, ref Xoshiro256 stream, long gstTicks, int from, int to)
        {
            long asynchronous = linkDelay + before.SampleTicks(ref stream); // always one draw
            if (now >= gstTicks)
            {
                return Math.Min(linkDelay, delta.Ticks);
            }

            return Math.Min(asynchronous, gstTicks + delta.Ticks - now); // sent before GST: arrives by GST + Δ
        }
    }
}

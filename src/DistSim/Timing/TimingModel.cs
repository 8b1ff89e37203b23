using System.Globalization;
using DistSim.Random;
using DistSim.Time;

namespace DistSim.Timing;

/// <summary>
/// The timing model of a simulation: it gives each packet its delay — composed with the link's own delay
/// — and each node its clock. One per simulation (<see cref="SimulationOptions.Timing"/>); the models of the theory
/// are built by <see cref="TimingModels"/>. Write your own by deriving from this class and overriding
/// <see cref="GetDelayCore"/> (and, for a model with a global stabilisation time, <see cref="ChooseGst"/>).
/// </summary>
/// <remarks>
/// <para>A model must be a pure function of what it is given: the <see cref="DelayContext"/> carries the send time, the
/// link's delay, the packet, GST and the path's random stream, and that stream is the only randomness a model may use
/// (never <c>System.Random</c>, the wall clock or a field that changes). One model object is shared by every run of a
/// sweep, on many threads at once: keep it immutable.</para>
/// <para>What a derived model returns is checked at every packet: a negative delay, a delay that would overflow
/// virtual time, or a delay beyond the model's own <see cref="DelayBound"/> fails the run with a
/// <see cref="Diagnostics.SimulationFailureException"/> whose inner exception names the model, the value and the
/// packet; the event queue is left untouched. An exception the model throws fails the run the same way.</para>
/// <para>Thread-safe when immutable (the built-in models are). Test a model with <c>TimingModelContract</c> from
/// DistSim.Testing. See <c>docs/concepts/timing.md</c> and <c>docs/guides/custom-models.md</c>.</para>
/// </remarks>
public abstract class TimingModel
{
    /// <summary>Creates a model with a name and its clock bounds.</summary>
    /// <param name="name">The model's name (for reports), not empty.</param>
    /// <param name="driftBound">ε: every node's clock runs at a rate in [1 − ε, 1 + ε]; in [0, 0.5).</param>
    /// <param name="clockSkew">Every node's clock starts ahead of true time by an offset in [0, skew]; at least zero.</param>
    /// <exception cref="ArgumentException">An argument is invalid; the exception names it and its value.</exception>
    protected TimingModel(string name, double driftBound = 0, TimeSpan clockSkew = default)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"name must be a non-empty model name, got \"{name}\"", nameof(name));
        }

        if (!(driftBound >= 0 && driftBound < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(driftBound), driftBound, "must be in [0, 0.5)");
        }

        if (clockSkew < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(clockSkew), clockSkew, "must be >= 0");
        }

        Name = name;
        DriftBound = driftBound;
        ClockSkew = clockSkew;
    }

    /// <summary>The model's name: <c>unbounded</c>, <c>synchronous</c>, <c>asynchronous</c>, <c>partially-synchronous</c>, or a derived model's own.</summary>
    public string Name { get; }

    /// <summary>ε: every node's clock runs at a rate in [1 − ε, 1 + ε] (drawn per node from <c>clock:&lt;name&gt;</c>).</summary>
    public double DriftBound { get; }

    /// <summary>Every node's clock starts ahead of true time by an offset in [0, skew] (drawn per node).</summary>
    public TimeSpan ClockSkew { get; }

    /// <summary>The longest a node may be paused (the synchronous model's bound on step time); null: no bound.</summary>
    public virtual TimeSpan? StepBound => null;

    /// <summary>
    /// Δ, the bound on delays the model promises: a packet sent at time t arrives by max(t, GST) + Δ (GST counts as 0 in
    /// a run without one: every packet within Δ). Null (the default): no bound, as in the asynchronous model. The
    /// synchronous and partially synchronous models return their Δ; a derived model that declares one is held to it at
    /// every packet.
    /// </summary>
    public virtual TimeSpan? DelayBound => null;

    /// <summary>
    /// The delay of one packet: <see cref="GetDelayCore"/>, checked. For tests of a model and for models that compose
    /// another; the simulation calls it for every packet of a derived model.
    /// </summary>
    /// <param name="context">The packet, the time, GST and the stream to draw from.</param>
    /// <returns>The packet's delay: from the send to its arrival.</returns>
    /// <exception cref="InvalidOperationException">The model returned a negative delay, a delay that overflows virtual time, or one beyond its <see cref="DelayBound"/>.</exception>
    public TimeSpan GetDelay(DelayContext context)
    {
        TimeSpan delay = GetDelayCore(context);
        Check(delay.Ticks, context.NowTicks, context.LinkDelayTicks, context.GstTicks, context.From.Value, context.To.Value);
        return delay;
    }

    /// <summary>
    /// Chooses the delay of one packet. Use only <paramref name="context"/>: its time, link delay, packet and GST, and
    /// its stream for randomness (a fixed number of draws per call keeps runs comparable across models).
    /// </summary>
    /// <param name="context">The packet, the time, GST and the stream to draw from.</param>
    /// <returns>The packet's delay, from the send to its arrival: at least zero, and within <see cref="DelayBound"/> when the model declares one.</returns>
    protected abstract TimeSpan GetDelayCore(DelayContext context);

    /// <summary>
    /// Chooses the run's global stabilisation time, once per simulation, from <paramref name="stream"/> (the stream
    /// <c>timing:gst</c> of the run's seed) or as configured. Null (the default): the model has no GST.
    /// </summary>
    /// <param name="stream">The run's GST stream.</param>
    /// <returns>GST, or null.</returns>
    protected virtual SimTime? ChooseGst(RandomStream stream) => null;

    /// <summary>The kernel's GST argument for a run without one: every packet counts as sent after GST.</summary>
    internal const long NoGst = long.MinValue;

    /// <summary>
    /// The final delay, in ticks, of a packet from <paramref name="from"/> to <paramref name="to"/> sent at
    /// <paramref name="now"/> whose link drew <paramref name="linkDelay"/>: the kernel's call. The built-in models
    /// override it with their allocation-free arithmetic (the same draws as ever); a derived model goes through
    /// <see cref="GetDelayCore"/> and the checks of <see cref="GetDelay"/>.
    /// </summary>
    /// <param name="now">True send time, in ticks.</param>
    /// <param name="linkDelay">The link's own delay, in ticks.</param>
    /// <param name="packet">What the packet carries.</param>
    /// <param name="stream">The sending path's stream.</param>
    /// <param name="gst">The run's global stabilisation time, in ticks; <see cref="NoGst"/> without one.</param>
    /// <param name="from">The sending node's index.</param>
    /// <param name="to">The receiving node's index.</param>
    internal virtual long DelayTicks(long now, long linkDelay, object packet, ref Xoshiro256 stream, long gst, int from, int to)
    {
        long delay = GetDelayCore(new DelayContext(now, linkDelay, Links.FrameCarrier.Observe(packet), ref stream, gst, from, to)).Ticks;
        Check(delay, now, linkDelay, gst, from, to);
        return delay;
    }

    /// <summary>The run's GST, chosen once per simulation (<see cref="ChooseGst"/> from the stream <c>timing:gst</c>); null when the model has none.</summary>
    /// <param name="seed">The run's master seed.</param>
    internal virtual SimTime? DrawGst(ulong seed) => ChooseGst(StreamSeed.Create(seed, "timing:gst"));

    /// <summary>The name.</summary>
    public override string ToString() => Name;

    /// <summary>Checks a delay a model returned (see the remarks of <see cref="TimingModel"/>).</summary>
    private void Check(long delay, long now, long linkDelay, long gst, int from, int to)
    {
        if (delay < 0)
        {
            throw Refuse("a negative delay", delay, now, linkDelay, from, to, "a delay must be >= 0");
        }

        if (delay > long.MaxValue - now)
        {
            throw Refuse("a delay that overflows virtual time", delay, now, linkDelay, from, to, "send time + delay must not pass SimTime.MaxValue");
        }

        if (DelayBound is { } bound && now + delay - Math.Max(now, gst) > bound.Ticks)
        {
            throw Refuse(
                "a delay beyond its own DelayBound", delay, now, linkDelay, from, to,
                string.Create(CultureInfo.InvariantCulture, $"a packet sent at t must arrive by max(t, GST{(gst == NoGst ? " (none)" : " = " + new SimTime(gst, trusted: true))}) + Δ = {bound}"));
        }
    }

    private InvalidOperationException Refuse(string what, long delay, long now, long linkDelay, int from, int to, string rule) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"timing model '{Name}' ({GetType().FullName}) returned {what}: {TimeSpan.FromTicks(delay)} ({delay} ticks) for a packet from node #{from} to node #{to} " +
            $"sent at {new SimTime(now, trusted: true)} (link delay {TimeSpan.FromTicks(linkDelay)}); {rule}."));
}

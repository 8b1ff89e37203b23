using DistSim.Random;

namespace DistSim.Timing;

/// <summary>
/// The timing model of a simulation: it gives each packet its delay — composed with the link's own delay
/// — and each node its clock. One per simulation (<see cref="SimulationOptions.Timing"/>); built by
/// <see cref="TimingModels"/>. Immutable. See <c>docs/concepts/timing.md</c>.
/// </summary>
public abstract class TimingModel
{
    private protected TimingModel(string name, double driftBound, TimeSpan clockSkew)
    {
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

    /// <summary>The model's name: <c>unbounded</c>, <c>synchronous</c>, <c>asynchronous</c>, <c>partially-synchronous</c>.</summary>
    public string Name { get; }

    /// <summary>ε: every node's clock runs at a rate in [1 − ε, 1 + ε] (drawn per node from <c>clock:&lt;name&gt;</c>).</summary>
    public double DriftBound { get; }

    /// <summary>Every node's clock starts ahead of true time by an offset in [0, skew] (drawn per node).</summary>
    public TimeSpan ClockSkew { get; }

    /// <summary>The longest a node may be paused (the synchronous model's bound on step time); null: no bound.</summary>
    public virtual TimeSpan? StepBound => null;

    /// <summary>The final delay, in ticks, of a packet sent at <paramref name="now"/> whose link drew <paramref name="linkDelay"/>.</summary>
    /// <param name="now">True send time, in ticks.</param>
    /// <param name="linkDelay">The link's own delay, in ticks.</param>
    /// <param name="message">What the packet carries (for models that hold chosen messages).</param>
    /// <param name="stream">The sending path's stream.</param>
    /// <param name="gst">The run's global stabilisation time, in ticks (partially synchronous only).</param>
    internal abstract long Delay(long now, long linkDelay, object message, ref Xoshiro256 stream, long gst);

    /// <summary>The run's GST in ticks, drawn once per run (partially synchronous only; otherwise 0).</summary>
    internal virtual long DrawGst(ulong seed) => 0;

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}

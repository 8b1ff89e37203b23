using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;

namespace DistSim.Timing;

/// <summary>
/// What a <see cref="TimingModel"/> knows about one packet when it chooses the packet's delay: the send time, the
/// delay the link drew, what the packet carries, the run's GST, and the random stream of the packet's path — the
/// only randomness a model may use, so that a model is deterministic by construction.
/// </summary>
/// <remarks>
/// A <c>ref struct</c> on purpose: it lives only for the call to <see cref="TimingModel.GetDelay"/>, cannot be kept in
/// a field or captured by a lambda, and allocates nothing. Each draw (<see cref="NextUInt64"/>, <see cref="Sample"/>, …)
/// advances the path's stream by exactly one 64-bit output. Inside a simulation the stream is the channel stream of the
/// packet's ordered pair (<c>link:&lt;from&gt;-&gt;&lt;to&gt;</c>), so a model's draws never shift another pair's.
/// Not thread-safe. See <c>docs/guides/custom-models.md</c>.
/// </remarks>
public readonly ref struct DelayContext
{
    private readonly ref Xoshiro256 _stream;
    private readonly RandomStream? _owner;
    private readonly long _gst;

    /// <summary>
    /// A context for calling a model outside a simulation — in a unit test of the model, or from a model that
    /// composes another — drawing from <paramref name="stream"/>.
    /// </summary>
    /// <param name="now">The true send time.</param>
    /// <param name="linkDelay">The delay the link drew for the packet; at least zero.</param>
    /// <param name="packet">What the packet carries (see <see cref="Packet"/>).</param>
    /// <param name="gst">The run's global stabilisation time; null for a run without one.</param>
    /// <param name="stream">Where the model's draws come from.</param>
    /// <param name="from">The sending node.</param>
    /// <param name="to">The receiving node.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="linkDelay"/> is negative.</exception>
    public DelayContext(SimTime now, TimeSpan linkDelay, object packet, SimTime? gst, RandomStream stream, NodeId from = default, NodeId to = default)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(stream);
        if (linkDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(linkDelay), linkDelay, "must be >= 0");
        }

        _stream = ref stream.State;
        _owner = stream;
        NowTicks = now.Ticks;
        LinkDelayTicks = linkDelay.Ticks;
        Packet = packet;
        _gst = gst?.Ticks ?? TimingModel.NoGst;
        From = from;
        To = to;
    }

    /// <summary>The kernel's context: the path's generator in place, no object per packet.</summary>
    internal DelayContext(long now, long linkDelay, object packet, ref Xoshiro256 stream, long gst, int from, int to)
    {
        _stream = ref stream;
        _owner = null;
        NowTicks = now;
        LinkDelayTicks = linkDelay;
        Packet = packet;
        _gst = gst;
        From = new NodeId(from);
        To = new NodeId(to);
    }

    /// <summary>The true time the packet is sent (not a node's clock).</summary>
    public SimTime Now => new(NowTicks, trusted: true);

    /// <summary>The delay the link drew for this packet (<see cref="FairLossLinkOptions.Delay"/>); a model may keep, bound, add to or replace it.</summary>
    public TimeSpan LinkDelay => TimeSpan.FromTicks(LinkDelayTicks);

    /// <summary>
    /// What the packet carries on the wire: the message itself on the fair-loss link; a link frame on the reliable and
    /// authenticated links (<see cref="DataFrame"/>, <see cref="AckFrame"/>, <see cref="AuthenticatedFrame"/>).
    /// </summary>
    public object Packet { get; }

    /// <summary>
    /// The application message the packet carries, unwrapped from a built-in link's frame; null for a link's own control
    /// frame (an acknowledgement), which carries none.
    /// </summary>
    public object? Message => Unwrap(Packet);

    /// <summary>The run's global stabilisation time (<see cref="Simulation.Gst"/>); null when the timing model chose none.</summary>
    public SimTime? Gst => _gst == TimingModel.NoGst ? null : new SimTime(_gst, trusted: true);

    /// <summary>The sending node (the claimed sender, for a forged packet).</summary>
    public NodeId From { get; }

    /// <summary>The receiving node.</summary>
    public NodeId To { get; }

    internal long NowTicks { get; }

    internal long LinkDelayTicks { get; }

    /// <summary>GST in ticks, <see cref="TimingModel.NoGst"/> without one (the kernel's convention).</summary>
    internal long GstTicks => _gst;

    /// <summary>The path's generator, for the built-in models' fast path.</summary>
    internal ref Xoshiro256 State => ref _stream;

    /// <summary>The next 64 random bits of the path's stream (one draw).</summary>
    public ulong NextUInt64()
    {
        _owner?.CheckGuard();
        return _stream.Next();
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits (one draw).</summary>
    public double NextUnitDouble()
    {
        _owner?.CheckGuard();
        return _stream.NextUnitDouble();
    }

    /// <summary>A uniform double in the open interval (0, 1) (one draw), safe for an inverse CDF that is infinite at 0 or 1.</summary>
    public double NextOpenUnitDouble()
    {
        _owner?.CheckGuard();
        return _stream.NextOpenUnitDouble();
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) (one draw).</summary>
    /// <param name="bound">Exclusive upper bound, at least 1.</param>
    public ulong NextBelow(ulong bound)
    {
        if (bound == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "must be >= 1");
        }

        _owner?.CheckGuard();
        return _stream.NextBelow(bound);
    }

    /// <summary>One sample of <paramref name="delay"/> (one draw), rounded to whole ticks.</summary>
    /// <param name="delay">A delay distribution (<see cref="Timing.Delay"/>).</param>
    public TimeSpan Sample(Delay delay)
    {
        ArgumentNullException.ThrowIfNull(delay);
        _owner?.CheckGuard();
        return TimeSpan.FromTicks(delay.SampleTicks(ref _stream));
    }

    private static object? Unwrap(object packet) => packet switch
    {
        AuthenticatedFrame authenticated => Unwrap(authenticated.Frame),
        DataFrame data => data.Message,
        AckFrame => null,
        _ => packet,
    };
}

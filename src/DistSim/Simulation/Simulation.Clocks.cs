using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;
using DistSim.Tracing;

namespace DistSim;

/// <summary>
/// Node clocks: local time = true time + offset + drift·true time + step corrections, in integer ticks
/// (drift in parts per billion). A timer for d of local time fires when the local clock has advanced by d.
/// </summary>
public sealed partial class Simulation
{
    private const long Billion = 1_000_000_000;

    /// <summary>
    /// The global stabilisation time of a partially synchronous run (the nodes are not told): chosen once per run by the
    /// timing model; null for a model without one.
    /// </summary>
    public SimTime? Gst => _gstChosen;

    /// <summary>The timing model.</summary>
    public Timing.TimingModel Timing => _timing;

    /// <summary>What <paramref name="node"/>'s clock reads now.</summary>
    /// <param name="node">A node of this simulation.</param>
    public SimTime LocalNowOf(NodeId node)
    {
        CheckThread(nameof(LocalNowOf));
        RequireNode(node, nameof(node));
        return new SimTime(LocalTicks(_nodes[node.Value]));
    }

    /// <summary>The drift of <paramref name="node"/>'s clock, as a rate error (e.g. 1e-4: 0.01% fast).</summary>
    /// <param name="node">A node of this simulation.</param>
    public double DriftOf(NodeId node)
    {
        CheckThread(nameof(DriftOf));
        RequireNode(node, nameof(node));
        return _nodes[node.Value].DriftPpb / (double)Billion;
    }

    /// <summary>
    /// Steps <paramref name="node"/>'s clock by <paramref name="jump"/> now (an NTP-like correction; negative jumps
    /// set it back, never below zero). Timers measure elapsed local time at the clock's rate, so they are not
    /// moved. Traced as <c>clock-step</c>.
    /// </summary>
    /// <param name="node">A node of this simulation.</param>
    /// <param name="jump">The correction.</param>
    public void StepClock(NodeId node, TimeSpan jump)
    {
        using ThreadClaim claim = Claim(nameof(StepClock));
        RequireNode(node, nameof(node));
        _nodes[node.Value].ClockSteps += jump.Ticks;
        RecordEvent(TraceEventKind.ClockStep, node.Value, -1, 0, 0, 0, DropCause.None, jump);
    }

    internal SimTime LocalNowFor(NodeRecord node) => node.HasClock ? new SimTime(LocalTicks(node)) : CurrentTime;

    /// <summary>The true duration, in ticks, for <paramref name="localTicks"/> of the node's local time (rounded up).</summary>
    internal long TrueTicks(NodeRecord node, long localTicks)
    {
        if (node.DriftPpb == 0 || localTicks <= 0)
        {
            return localTicks;
        }

        Int128 numerator = (Int128)localTicks * Billion;
        Int128 rate = Billion + node.DriftPpb;
        return (long)((numerator + rate - 1) / rate);
    }

    private long LocalTicks(NodeRecord node)
    {
        Int128 drift = (Int128)_loop.Now * node.DriftPpb / Billion;
        Int128 local = _loop.Now + node.ClockOffset + drift + node.ClockSteps;
        return local < 0 ? 0 : local > long.MaxValue ? long.MaxValue : (long)local;
    }

    /// <summary>Draws a node's clock from <c>clock:&lt;name&gt;</c>: offset in [0, skew], drift in [−ε, ε].</summary>
    private void DrawClock(NodeRecord node)
    {
        if (_timing.DriftBound == 0 && _timing.ClockSkew == TimeSpan.Zero)
        {
            return;
        }

        RandomStream stream = StreamSeed.Create(Seed, "clock:", node.Name);
        node.ClockOffset = (long)stream.NextBelow((ulong)_timing.ClockSkew.Ticks + 1);
        long bound = (long)(_timing.DriftBound * Billion);
        node.DriftPpb = (long)stream.NextBelow((ulong)(2 * bound) + 1) - bound;
    }
}

using DistSim.Nodes;
using DistSim.Timing;

namespace DistSim.Samples.Bench;

/// <summary>A node that keeps re-arming its own timer with an exponential delay: the kernel's hot path and nothing else.</summary>
/// <param name="delay">The re-arm delay distribution.</param>
public sealed class TimerLoopNode(Delay delay) : Node
{
    private static readonly object Tick = new();

    /// <inheritdoc />
    public override void OnStart() => SetTimer(delay.Sample(Random), Tick);

    /// <inheritdoc />
    public override void OnTimer(TimerId timer, object? state) => SetTimer(delay.Sample(Random), state);
}

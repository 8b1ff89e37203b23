#if ANALYZER_PROBE
using DistSim.Nodes;

namespace DistSim.Consumer.Tests;

/// <summary>Node code that reads the wall clock: the package's analyzer must report it (DSIM001).</summary>
public sealed class WallClockNode : Node
{
    public override void OnStart() => Send(Id, DateTime.Now);
}
#endif

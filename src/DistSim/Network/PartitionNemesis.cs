using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Network;

/// <summary>Draws random partitions from its own stream and schedules each one and its heal.</summary>
internal sealed class PartitionNemesis(Simulation simulation, RandomPartitionOptions options, RandomStream stream)
{
    private readonly Delay _wait = Delay.Exponential(options.MeanInterval);

    public void Start() => ScheduleNext();

    private void ScheduleNext()
    {
        SimTime at = simulation.Now + _wait.Sample(stream);
        if (at.SinceStart > options.Until)
        {
            return;
        }

        simulation.AtFault(at, Begin);
    }

    private void Begin()
    {
        int n = simulation.Nodes.Count;
        PartitionKinds[] kinds = [.. new[] { PartitionKinds.Symmetric, PartitionKinds.Asymmetric, PartitionKinds.IsolateOne }.Where(k => options.Kinds.HasFlag(k))];
        PartitionKinds kind = kinds[(int)stream.NextBelow((ulong)kinds.Length)];
        if (n >= 2)
        {
            switch (kind)
            {
                case PartitionKinds.Symmetric:
                    NodeId[] shuffled = [.. simulation.Nodes];
                    for (int i = shuffled.Length - 1; i > 0; i--)
                    {
                        int j = (int)stream.NextBelow((ulong)i + 1);
                        (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
                    }

                    int cut = 1 + (int)stream.NextBelow((ulong)n - 1);
                    simulation.Network.Partition(shuffled[..cut], shuffled[cut..]);
                    break;
                case PartitionKinds.Asymmetric:
                    int a = (int)stream.NextBelow((ulong)n);
                    int b = (a + 1 + (int)stream.NextBelow((ulong)n - 1)) % n;
                    simulation.Network.Cut(new NodeId(a), new NodeId(b));
                    break;
                default:
                    simulation.Network.Isolate(new NodeId((int)stream.NextBelow((ulong)n)));
                    break;
            }
        }

        simulation.AtFault(simulation.Now + options.Duration.Sample(stream), End);
    }

    private void End()
    {
        simulation.Network.Heal();
        ScheduleNext();
    }
}

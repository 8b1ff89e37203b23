using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Network;

/// <summary>Draws random partitions from its own stream and schedules each one and its heal; writes each down as a fault when the run records faults.</summary>
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
        SimTime at = simulation.Now;
        PartitionKinds[] kinds = [.. new[] { PartitionKinds.Symmetric, PartitionKinds.Asymmetric, PartitionKinds.IsolateOne }.Where(k => options.Kinds.HasFlag(k))];
        PartitionKinds kind = kinds[(int)stream.NextBelow((ulong)kinds.Length)];
        Func<TimeSpan, Fault>? fault = null;
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
                    NodeId[] left = shuffled[..cut], right = shuffled[cut..];
                    simulation.Network.Partition(left, right);
                    fault = d => new PartitionFault(at, [left, right], d);
                    break;
                case PartitionKinds.Asymmetric:
                    var a = new NodeId((int)stream.NextBelow((ulong)n));
                    var b = new NodeId((a.Value + 1 + (int)stream.NextBelow((ulong)n - 1)) % n);
                    simulation.Network.Cut(a, b);
                    fault = d => new CutFault(at, a, b, d);
                    break;
                default:
                    var alone = new NodeId((int)stream.NextBelow((ulong)n));
                    simulation.Network.Isolate(alone);
                    fault = d => new IsolateFault(at, alone, d);
                    break;
            }
        }

        TimeSpan duration = options.Duration.Sample(stream);
        if (simulation.RecordsFaults)
        {
            if (fault is null)
            {
                simulation.LogFault(new NoFault(at, "partition skipped: fewer than two nodes")); // the event was there all the same
                simulation.LogFault(new HealFault(at + duration)); // and the heal is traced
            }
            else
            {
                simulation.LogFault(fault(duration));
            }
        }

        simulation.AtFault(at + duration, End);
    }

    private void End()
    {
        simulation.Network.Heal();
        ScheduleNext();
    }
}

using System.Globalization;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Testing.Contracts;

/// <summary>A message of the contracts' chatter: round <paramref name="Round"/> from node <paramref name="Origin"/>.</summary>
/// <param name="Origin">The sender's node index.</param>
/// <param name="Round">The round, 0, 1, 2, ….</param>
internal sealed record ContractPing(int Origin, int Round);

/// <summary>
/// The timing contract's workload: four correct nodes; each sends a <see cref="ContractPing"/> to every other node every
/// <see cref="Interval"/> (of its local clock) for a given number of rounds, over a lossless fair-loss link.
/// </summary>
internal static class ChatterRun
{
    public const int NodeCount = 4;

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Builds and runs the workload; returns the finished simulation (its failure, if any, kept rather than thrown).</summary>
    public static Simulation Run(ulong seed, TimingModel model, Delay linkDelay, int rounds)
    {
        var sim = new Simulation(new SimulationOptions
        {
            Seed = seed,
            Timing = model,
            Network = new FairLossLinkOptions { Delay = linkDelay },
            TimeLimit = TimeSpan.MaxValue, // a model may hold packets for years: the run ends when the last one arrives
            ThrowOnNodeFault = false,
        });
        for (int i = 0; i < NodeCount; i++)
        {
            sim.AddNode("n" + i.ToString(CultureInfo.InvariantCulture), () => new Chatter(rounds));
        }

        sim.Run();
        return sim;
    }

    /// <summary>Each delivered message's send and arrival times, matched by message id.</summary>
    public static List<(SimTime Sent, SimTime Delivered)> Flights(Simulation sim)
    {
        var sent = new Dictionary<long, SimTime>();
        var flights = new List<(SimTime, SimTime)>();
        foreach (TraceEvent e in sim.Trace.Events)
        {
            if (e.Kind == TraceEventKind.Send)
            {
                sent[e.MessageId] = e.Time;
            }
            else if (e.Kind == TraceEventKind.Deliver)
            {
                flights.Add((sent[e.MessageId], e.Time));
            }
        }

        return flights;
    }

    private sealed class Chatter(int rounds) : Node
    {
        public override void OnStart() => SetTimer(Interval, 0);

        public override void OnTimer(TimerId timer, object? state)
        {
            int round = (int)state!;
            foreach (NodeId peer in Context.Nodes)
            {
                if (peer != Context.Id)
                {
                    Send(peer, new ContractPing(Context.Id.Value, round));
                }
            }

            if (round + 1 < rounds)
            {
                SetTimer(Interval, round + 1);
            }
        }
    }
}

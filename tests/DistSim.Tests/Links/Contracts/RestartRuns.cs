using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;

namespace DistSim.Tests.Links.Contracts;

/// <summary>A message of the restart runs: its sender and its number in the sender's durable count.</summary>
public sealed record Numbered(int From, int Seq);

/// <summary>One crash: <c>Node</c> 0 (A), 1 (B) or 2 (both at the same instant), at <c>AtMs</c>, restarted <c>DownMs</c> later (0: at the same instant).</summary>
public sealed record PlannedCrash(int Node, int AtMs, int DownMs);

/// <summary>A run: the network, the in-transit replay rate, whether A is a Byzantine replayer, and the crashes of A and B.</summary>
public sealed record RestartCase(ulong Seed, double Loss, double Dup, double Replay, bool ByzantineReplay, PlannedCrash[] Crashes)
{
    /// <summary>Readable in a counterexample.</summary>
    public override string ToString() =>
        $"seed={Seed} loss={Loss} dup={Dup} replay={Replay} byzantineReplay={ByzantineReplay} crashes=[{string.Join(", ", Crashes.Select(c => $"{"AB*"[c.Node]}@{c.AtMs}ms+{c.DownMs}ms"))}]";
}

/// <summary>
/// Four nodes: A and B send to each other and crash and restart on a plan (either end, both, at the same instant,
/// while old packets are in flight); C and D send to each other and never crash. Every node numbers its messages
/// durably (flushed before each send), so no two messages of a sender, in any incarnation, carry the same number.
/// </summary>
public static class RestartRuns
{
    public const int Messages = 60;

    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    public static readonly NodeId A = new(0), B = new(1), C = new(2), D = new(3);

    public static Arbitrary<RestartCase> Cases() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from loss in Gen.Choose(0, 40)
         from dup in Gen.Choose(0, 30)
         from replay in Gen.Choose(0, 30)
         from byzantine in Gen.Elements(false, false, true)
         from n in Gen.Choose(1, 5)
         from crashes in Crash().ArrayOf(n)
         select new RestartCase(seed, loss / 100.0, dup / 100.0, replay / 100.0, byzantine, crashes)).ToArbitrary();

    private static Gen<PlannedCrash> Crash() =>
        from node in Gen.Choose(0, 2)
        from at in Gen.Choose(0, 700)
        from down in Gen.OneOf(Gen.Constant(0), Gen.Choose(1, 5), Gen.Choose(6, 300)) // same instant, old packets still in flight, longer
        select new PlannedCrash(node, at, down);

    /// <summary>Runs a case on <paramref name="link"/>; asserts that it ran to quiescence.</summary>
    public static Simulation Run(ILink link, RestartCase c)
    {
        var sim = new Simulation(new SimulationOptions
        {
            Seed = c.Seed,
            TimeLimit = TimeSpan.FromDays(365),
            Link = link,
            Network = new FairLossLinkOptions
            {
                LossProbability = c.Loss,
                DuplicateProbability = c.Dup,
                Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(40)), // reorders; a restart catches packets in flight
            },
            Adversary = c.Replay > 0 ? new AdversaryOptions { ReplayProbability = c.Replay } : null,
        });
        Func<Node> a = () => new DurableCounter(B);
        sim.AddNode("A", c.ByzantineReplay ? global::DistSim.Failures.Byzantine.Wrap(a, ByzantineBehavior.Replay(0.3)) : a,
            c.ByzantineReplay ? FailureModels.Byzantine : FailureModels.CrashRecover());
        sim.AddNode("B", () => new DurableCounter(A), FailureModels.CrashRecover());
        sim.AddNode("C", () => new DurableCounter(D));
        sim.AddNode("D", () => new DurableCounter(C));
        foreach (PlannedCrash crash in c.Crashes)
        {
            var down = TimeSpan.FromMilliseconds(crash.DownMs);
            sim.At(DistSim.Time.SimTime.FromSeconds(crash.AtMs / 1000.0), () =>
            {
                if (crash.Node != 1)
                {
                    sim.CrashFor(A, down);
                }

                if (crash.Node != 0)
                {
                    sim.CrashFor(B, down);
                }
            });
        }

        RunResult result = sim.Run();
        Xunit.Assert.Equal(RunOutcome.Quiescent, result.Outcome); // every node up at the end, nothing left to do
        return sim;
    }

    /// <summary>Deliveries per message id (over every incarnation of every node).</summary>
    public static Dictionary<long, int> DeliveriesById(Simulation sim) =>
        sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver).GroupBy(e => e.MessageId).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Deliveries of the same (receiver, sender, number) more than once, from senders that send each number once.</summary>
    public static List<string> PayloadDuplicates(Simulation sim, bool byzantineA) =>
        sim.Trace.Events
            .Where(e => e.Kind == TraceEventKind.Deliver && e.Payload is Numbered n && !(byzantineA && n.From == A.Value))
            .GroupBy(e => (Receiver: e.Node, (Numbered)e.Payload!))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} delivered {g.Count()} times")
            .ToList();

    /// <summary>Counts the trace events of <paramref name="kind"/> recorded at <paramref name="node"/> about <paramref name="peer"/>.</summary>
    public static int Count(Simulation sim, TraceEventKind kind, NodeId node, NodeId peer) =>
        sim.Trace.Events.Count(e => e.Kind == kind && e.Node == node && e.Peer == peer);

    /// <summary>The reliable-link frame inside a packet's payload (unwrapping an authenticated frame), or the payload itself.</summary>
    public static object? Inner(object? payload) => payload is AuthenticatedFrame a ? a.Frame : payload;

    /// <summary>
    /// Counts the trace events of <paramref name="kind"/> that belong to the session <paramref name="from"/> → <paramref name="to"/>:
    /// data packets judged at <paramref name="to"/>, acknowledgements judged at <paramref name="from"/>.
    /// </summary>
    public static int CountOfSession(Simulation sim, TraceEventKind kind, NodeId from, NodeId to) =>
        sim.Trace.Events.Count(e => e.Kind == kind && (Inner(e.Payload) is AckFrame ? e.Node == from && e.Peer == to : e.Node == to && e.Peer == from));

    /// <summary>Sends <see cref="Messages"/> numbered messages to its peer, one every <see cref="Interval"/>, resuming after a restart from its flushed count.</summary>
    private sealed class DurableCounter(NodeId peer) : Node
    {
        public override void OnStart() => SetTimer(Interval);

        public override void OnTimer(TimerId timer, object? state)
        {
            int next = int.Parse(Storage.GetString("next") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            if (next >= Messages)
            {
                return;
            }

            Storage.PutString("next", (next + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Storage.Flush();
            Send(peer, new Numbered(Id.Value, next));
            SetTimer(Interval);
        }
    }
}

using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Network;

/// <summary>The conservation laws of docs/concepts/network.md, checked after every event (as Always properties) over random runs.</summary>
public class CounterInvariantTests
{
    public sealed record Case(ulong Seed, int Link, double Loss, double Duplication, bool Crashes, bool Partitions, bool Adversary)
    {
        public override string ToString() => $"seed {Seed}, link {Link}, loss {Loss}, dup {Duplication}, crashes {Crashes}, partitions {Partitions}, adversary {Adversary}";
    }

    public static Arbitrary<Case> Cases() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from link in Gen.Choose(0, 2)
         from loss in Gen.Choose(0, 50)
         from dup in Gen.Choose(0, 30)
         from crashes in Gen.Elements(false, true)
         from partitions in Gen.Elements(false, true)
         from adversary in Gen.Elements(false, false, true)
         select new Case(seed, link, loss / 100.0, dup / 100.0, crashes, partitions, adversary)).ToArbitrary();

    [Property(MaxTest = 60, Arbitrary = [typeof(CounterInvariantTests)])]
    public void EveryPacketIsAccountedFor_AndOnTheFairLossLinkEveryMessage(Case c)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = c.Seed,
            ThrowOnNodeFault = false,
            TimeLimit = TimeSpan.FromSeconds(3),
            Link = c.Link switch { 0 => global::DistSim.Links.Links.FairLoss, 1 => global::DistSim.Links.Links.Reliable(), _ => global::DistSim.Links.Links.Authenticated() },
            Network = new FairLossLinkOptions { LossProbability = c.Loss, DuplicateProbability = c.Duplication, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(5)) },
            Nemesis = c.Crashes ? new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromSeconds(1), Until = TimeSpan.FromSeconds(2) } : null,
            Partitions = c.Partitions ? new RandomPartitionOptions { MeanInterval = TimeSpan.FromMilliseconds(500), Until = TimeSpan.FromSeconds(2) } : null,
            Adversary = c.Adversary ? new AdversaryOptions { TamperProbability = 0.1, ForgeProbability = 0.1, ReplayProbability = 0.1 } : null,
        });
        for (int i = 0; i < 3; i++)
        {
            sim.AddNode("n" + i, () => new Scripted(
                onStart: ctx => ctx.SetTimer(TimeSpan.FromMilliseconds(1)),
                onTimer: (ctx, _) =>
                {
                    ctx.Send(new NodeId((int)ctx.Random.NextBelow(3)), new Ping((int)ctx.Random.NextBelow(100)));
                    if (ctx.LocalNow.TotalSeconds < 2)
                    {
                        ctx.SetTimer(TimeSpan.FromMilliseconds(1 + ctx.Random.NextBelow(30)));
                    }
                }), FailureModels.CrashRecover());
        }

        MessageCounters m = sim.Messages;
        sim.Always("Packets = Received + Dropped + InFlight", () => m.Packets == m.Received + m.Dropped + m.InFlight);
        if (c.Link == 0 && !c.Adversary)
        {
            sim.Always("Delivered + Dropped + InFlight = Sent + Duplicated", () => m.Delivered + m.Dropped + m.InFlight == m.Sent + m.Duplicated);
        }
        else if (!c.Adversary)
        {
            sim.Always("Delivered <= Sent", () => m.Delivered <= m.Sent);
        }

        RunResult result = sim.Run();

        Assert.True(result.Failure is null, $"{c}: {result.Outcome} {result.Failure?.Message}"); // a violated law stops the run here
        Assert.NotEqual(RunOutcome.PropertyViolated, result.Outcome);
        Assert.True(m.Packets > 0, $"{c}: nothing was sent");
    }
}

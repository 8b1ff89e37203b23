using DistSim.Checking;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Exploration;

/// <summary>Nemesis bounds (at most f faulty, fault domains, eligibility), the swarm's network, and Buggify sites.</summary>
public class FaultControlsTests
{
    /// <summary>n crash-recover nodes ticking every 10 ms under a busy nemesis; the most nodes faulty at once is measured after every event.</summary>
    private static (DistSim.Simulation Sim, int MostFaulty, int[] MostPerDomain) Busy(ulong seed, int nodes, NemesisOptions nemesis)
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = seed, Nemesis = nemesis, RecordFaults = FaultRecording.Nemesis });
        for (int i = 0; i < nodes; i++)
        {
            sim.AddNode("n" + i, () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(10)), onTimer: (c, _) => c.SetTimer(TimeSpan.FromMilliseconds(10))), FailureModels.CrashRecover());
        }

        int most = 0;
        IReadOnlyList<IReadOnlyList<NodeId>> domains = nemesis.FaultDomains ?? [];
        int[] perDomain = new int[domains.Count];
        bool Faulty(NodeId n) => !sim.IsUp(n) || sim.IsPaused(n);
        sim.Always("measure", () =>
        {
            most = Math.Max(most, sim.Nodes.Count(Faulty));
            for (int d = 0; d < domains.Count; d++)
            {
                perDomain[d] = Math.Max(perDomain[d], domains[d].Count(Faulty));
            }

            return true;
        });
        sim.RunUntil(SimTime.FromSeconds(20));
        return (sim, most, perDomain);
    }

    private static NemesisOptions Heavy => new()
    {
        MeanTimeBetweenCrashes = TimeSpan.FromMilliseconds(300),
        Downtime = Delay.Uniform(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)),
        MeanTimeBetweenPauses = TimeSpan.FromMilliseconds(400),
        Until = TimeSpan.FromSeconds(15),
    };

    [Property(MaxTest = 15, DisplayName = "MaxFaulty: never more than f nodes down or paused at once, and the bound is what holds it")]
    public Property MaxFaulty_Holds(ulong seed) => Prop.ForAll(Gen.Choose(0, 3).ToArbitrary(), f =>
    {
        (DistSim.Simulation bounded, int most, _) = Busy(seed, 5, Heavy with { MaxFaulty = f });
        (_, int unbounded, _) = Busy(seed, 5, Heavy);
        return (most <= f && unbounded > f && bounded.Faults.Skipped > 0 && (f == 0 || bounded.Faults.Crashes > 0))
            .Label($"f={f}: most faulty {most} (unbounded {unbounded}), skipped {bounded.Faults.Skipped}");
    });

    [Property(MaxTest = 10, DisplayName = "Fault domains: never two of one rack faulty at once")]
    public Property Domains_Hold(ulong seed)
    {
        IReadOnlyList<IReadOnlyList<NodeId>> racks = [[new(0), new(1)], [new(2), new(3)], [new(4), new(5)]];
        (DistSim.Simulation sim, int most, int[] perRack) = Busy(seed, 6, Heavy with { FaultDomains = racks });
        return (perRack.All(r => r <= 1) && most > 1 && sim.Faults.Skipped > 0).Label($"per rack {string.Join(",", perRack)}, most {most}");
    }

    [Fact(DisplayName = "Eligible: only the nodes it allows are ever hit")]
    public void Eligible_Holds()
    {
        (DistSim.Simulation sim, _, _) = Busy(4, 4, Heavy with { Eligible = (_, n) => n.Value % 2 == 1 });
        Assert.All(sim.Trace.Events.Where(e => e.Kind is TraceEventKind.Crash or TraceEventKind.Pause), e => Assert.Equal(1, e.Node.Value % 2));
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Crash);
        Assert.True(sim.Faults.Skipped > 0);
    }

    [Property(MaxTest = 10, DisplayName = "A bounded nemesis's faults replay from their schedule")]
    public void Bounded_Replays(ulong seed)
    {
        NemesisOptions nemesis = Heavy with { MaxFaulty = 2 };
        (DistSim.Simulation original, _, _) = Busy(seed, 5, nemesis);
        var replay = new DistSim.Simulation(new SimulationOptions { Seed = seed, Nemesis = nemesis, FaultSchedule = original.RecordedFaults });
        for (int i = 0; i < 5; i++)
        {
            replay.AddNode("n" + i, () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(10)), onTimer: (c, _) => c.SetTimer(TimeSpan.FromMilliseconds(10))), FailureModels.CrashRecover());
        }

        replay.RunUntil(SimTime.FromSeconds(20));
        Assert.Equal(original.Trace.Fingerprint, replay.Trace.Fingerprint);
    }

    [Fact]
    public void BadBounds_AreRefusedNamingTheOption()
    {
        Assert.Equal("MaxFaulty", Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationOptions { Seed = 1, Nemesis = new NemesisOptions { MaxFaulty = -1 } }.Validate()).ParamName);
        Assert.Equal("MaxFaultyPerDomain", Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationOptions { Seed = 1, Nemesis = new NemesisOptions { MaxFaultyPerDomain = -2 } }.Validate()).ParamName);
        var twice = Assert.Throws<ArgumentException>(() => new SimulationOptions { Seed = 1, Nemesis = new NemesisOptions { FaultDomains = [[new(0), new(1)], [new(1)]] } }.Validate());
        Assert.Equal("FaultDomains", twice.ParamName);
        Assert.Contains("node 1 is in more than one domain", twice.Message);
    }

    [Fact(DisplayName = "Swarm network: the seed picks loss, duplication and delay; each seed always the same; the run uses them")]
    public void SwarmNetwork_VariesWithTheSeed()
    {
        var configured = new FairLossLinkOptions { Delay = Delay.Constant(TimeSpan.FromMilliseconds(10)) };
        FairLossLinkOptions Chosen(ulong seed) => new DistSim.Simulation(new SimulationOptions { Seed = seed, Network = configured, Nemesis = new NemesisOptions { MeanTimeBetweenCrashes = null, SwarmNetwork = true } }).NetworkDefaults;
        FairLossLinkOptions[] choices = [.. Enumerable.Range(0, 200).Select(s => Chosen((ulong)s))];

        Assert.InRange(choices.Count(c => c.LossProbability == 0), 70, 130); // off with even odds
        Assert.All(choices, c => Assert.InRange(c.LossProbability, 0, 0.3));
        Assert.All(choices, c => Assert.InRange(c.DuplicateProbability, 0, 0.1));
        Assert.InRange(choices.Count(c => c.DuplicateProbability == 0), 70, 130);
        Assert.InRange(choices.Count(c => ReferenceEquals(c.Delay, configured.Delay)), 40, 95); // one shape in three keeps the configured delay
        Assert.True(choices.Select(c => c.Delay.Mean).Distinct().Count() > 100);
        Assert.Equal(Chosen(17).ToString(), Chosen(17).ToString());
        Assert.Same(configured, new DistSim.Simulation(new SimulationOptions { Seed = 1, Network = configured }).NetworkDefaults);

        // A lossy choice really drops packets.
        ulong lossy = (ulong)Array.FindIndex(choices, c => c.LossProbability > 0.2);
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = lossy, Network = configured, Nemesis = new NemesisOptions { MeanTimeBetweenCrashes = null, SwarmNetwork = true } });
        sim.AddNode("a", () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(1)), onTimer: (c, _) =>
        {
            c.Send(new NodeId(1), new Ping(0));
            c.SetTimer(TimeSpan.FromMilliseconds(1));
        }));
        sim.AddNode("b", () => new Scripted());
        sim.RunUntil(SimTime.FromSeconds(1));
        Assert.InRange(sim.Messages.Dropped / (double)sim.Messages.Sent, sim.NetworkDefaults.LossProbability - 0.07, sim.NetworkDefaults.LossProbability + 0.07);
    }

    /// <summary>A node that reaches one Buggify site per timer and counts how often it fired.</summary>
    private sealed class Buggy(int sites) : Node
    {
        public int Fired { get; private set; }

        private int _next;

        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(1));

        public override void OnTimer(TimerId timer, object? state)
        {
            if (Context.Buggify("site " + (_next++ % sites)))
            {
                Fired++;
            }

            if (_next < sites * 100)
            {
                SetTimer(TimeSpan.FromMilliseconds(1));
            }
        }
    }

    [Fact(DisplayName = "Buggify: a quarter of the sites on per run, a quarter of their visits fire, the rest never; all in the coverage report")]
    public void Buggify_ActivationAndFiring()
    {
        var coverage = new CoverageReport();
        long active = 0, sites = 0, reachedActive = 0, firedActive = 0, firedInactive = 0;
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var sim = new DistSim.Simulation(new SimulationOptions { Seed = seed, Buggify = new BuggifyOptions() });
            sim.AddNode("n", () => new Buggy(25));
            sim.Run();
            foreach (BuggifySite s in sim.BuggifySites)
            {
                sites++;
                active += s.Active ? 1 : 0;
                reachedActive += s.Active ? s.Reached : 0;
                firedActive += s.Active ? s.Fired : 0;
                firedInactive += s.Active ? 0 : s.Fired;
                Assert.Equal(100, s.Reached);
            }

            coverage.Add(seed, sim.Properties);
        }

        Assert.Equal(1000, sites);
        Assert.InRange(active / (double)sites, 0.21, 0.29); // 250 expected; 3 standard deviations ≈ 0.041
        Assert.InRange(firedActive / (double)reachedActive, 0.23, 0.27);
        Assert.Equal(0, firedInactive);
        Assert.Equal(25, coverage.Entries.Count(e => e.Name.StartsWith("buggify site ", StringComparison.Ordinal)));
        Assert.All(coverage.Entries, e => Assert.InRange(e.RunsFired, 1, 40)); // every site fired in some run
    }

    [Fact(DisplayName = "Buggify off (the default): never fires, draws nothing, changes no run; a context outside a simulation never fires")]
    public void Buggify_Off()
    {
        DistSim.Simulation Play(BuggifyOptions? buggify, bool useSites)
        {
            var sim = new DistSim.Simulation(new SimulationOptions { Seed = 9, Buggify = buggify, Network = new FairLossLinkOptions { LossProbability = 0.2, Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(9)) } });
            sim.AddNode("a", () => new Scripted(onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(1)), onTimer: (c, _) =>
            {
                if (useSites)
                {
                    _ = c.Buggify("a site");
                }

                c.Send(new NodeId(1), new Ping(c.Random.NextBelow(100) > 50 ? 1 : 0));
                c.SetTimer(TimeSpan.FromMilliseconds(1));
            }));
            sim.AddNode("b", () => new Scripted());
            sim.RunUntil(SimTime.FromSeconds(1));
            return sim;
        }

        DistSim.Simulation off = Play(null, useSites: true);
        Assert.Empty(off.BuggifySites);
        Assert.Equal(Play(null, useSites: false).Trace.Fingerprint, off.Trace.Fingerprint);
        Assert.Equal(Play(new BuggifyOptions { SiteActivation = 1, FireChance = 1 }, useSites: false).Trace.Fingerprint, Play(new BuggifyOptions { SiteActivation = 1, FireChance = 1 }, useSites: true).Trace.Fingerprint); // sites draw from their own streams
        Assert.False(((INodeContext)new ProbeContext()).Buggify("anything"));
    }

    [Fact]
    public void Buggify_BadInput_IsRefusedNamingIt()
    {
        Assert.Equal("SiteActivation", Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationOptions { Seed = 1, Buggify = new BuggifyOptions { SiteActivation = 1.5 } }.Validate()).ParamName);
        Assert.Equal("FireChance", Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationOptions { Seed = 1, Buggify = new BuggifyOptions { FireChance = double.NaN } }.Validate()).ParamName);
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Buggify = new BuggifyOptions(), ThrowOnNodeFault = false });
        sim.AddNode("n", () => new Scripted(onStart: c => c.Buggify("x", chance: 2)));
        RunResult result = sim.Run();
        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.Contains("chance", result.Failure!.InnerException!.Message);
    }
}

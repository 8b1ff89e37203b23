using System.Globalization;
using System.Text.Json;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Tests.Timing;

/// <summary>
/// Pinned fingerprints of runs under every built-in timing model, over every link, with capacity drops, an in-transit
/// adversary and a forging Byzantine node: the values were taken before the timing models' extension point was opened
/// (commit a3a994f), so any change to the built-in models' draws or to the delay path shows here.
/// </summary>
public class TimingFingerprintTests
{
    private static TimingModel Model(string name) => name switch
    {
        "unbounded" => TimingModels.Unbounded,
        "sync" => TimingModels.Synchronous(TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(1), drift: 1e-3, clockSkew: TimeSpan.FromMilliseconds(2)),
        "async" => TimingModels.Asynchronous(
            Delay.Exponential(TimeSpan.FromMilliseconds(3)), 0.1, Delay.Pareto(TimeSpan.FromMilliseconds(50), 1.5), m => m is Ping { Seq: var s } && s % 3 == 0),
        "partial-drawn" => TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(5), Delay.Pareto(TimeSpan.FromMilliseconds(10), 1.2), gstMax: TimeSpan.FromSeconds(1)),
        "partial-fixed" => TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(5), Delay.Exponential(TimeSpan.FromMilliseconds(20)), SimTime.FromSeconds(0.3)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown model"),
    };

    private static ulong Run(string model, string link, ulong seed)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Timing = Model(model),
            Network = new FairLossLinkOptions
            {
                LossProbability = 0.1, DuplicateProbability = 0.1, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)), Capacity = link == "fair-loss" ? 3 : null,
            },
            Link = link switch
            {
                "reliable" => global::DistSim.Links.Links.Reliable(),
                "authenticated" => global::DistSim.Links.Links.Authenticated(),
                _ => global::DistSim.Links.Links.FairLoss,
            },
            Adversary = link == "authenticated" ? new AdversaryOptions { TamperProbability = 0.1, ForgeProbability = 0.1, ReplayProbability = 0.1 } : null,
            TimeLimit = TimeSpan.FromDays(30),
        });
        for (int i = 0; i < 4; i++)
        {
            int self = i;
            Func<Node> honest = () => new Scripted(
                onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(2), 0),
                onTimer: (c, s) =>
                {
                    int n = (int)s!;
                    foreach (NodeId peer in c.Nodes.Where(p => p.Value != self))
                    {
                        c.Send(peer, new Ping(n));
                    }

                    if (n < 60)
                    {
                        c.SetTimer(TimeSpan.FromMilliseconds(2), n + 1);
                    }
                });
            bool byzantine = i == 3;
            sim.AddNode(
                "n" + i.ToString(CultureInfo.InvariantCulture),
                byzantine ? Byzantine.Wrap(honest, link == "fair-loss" ? ByzantineBehavior.RandomMix() : ByzantineBehavior.Forge()) : honest,
                byzantine ? FailureModels.Byzantine : null);
        }

        sim.Run();
        return sim.Trace.Fingerprint;
    }

    public static TheoryData<string, string, ulong, string> Pinned => new()
    {
        { "unbounded", "fair-loss", 1, "0d72ae83af92a280" },
        { "unbounded", "authenticated", 2, "2633f4c697b5056c" },
        { "sync", "fair-loss", 3, "091ef1da89f7ef5d" },
        { "sync", "reliable", 4, "594926953707115f" },
        { "sync", "authenticated", 5, "98099816f00ca219" },
        { "async", "fair-loss", 6, "c4965cc503830ed4" },
        { "async", "reliable", 7, "421569e6af9fb324" },
        { "async", "authenticated", 8, "c0ec2640cdb52a65" },
        { "partial-drawn", "fair-loss", 9, "425b60488eb6736d" },
        { "partial-drawn", "reliable", 10, "3045541de573e62c" },
        { "partial-drawn", "authenticated", 11, "a4dfcfffe29a74be" },
        { "partial-fixed", "fair-loss", 12, "abff13d2c92f02ba" },
        { "partial-fixed", "reliable", 13, "f411969e2b12703a" },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public void BuiltInModel_KeepsItsFingerprint(string model, string link, ulong seed, string expected) =>
        Assert.Equal(expected, Run(model, link, seed).ToString("x16", CultureInfo.InvariantCulture));

    public static TheoryData<string[], string> PinnedSweeps => new()
    {
        { ["raft-election", "--timing", "sync", "--sweep", "12"], "8664a2b80117a5a0" },
        { ["raft-election", "--timing", "async", "--hold", "0.05", "--sweep", "12"], "31bec604dfac7f94" },
        { ["raft-election", "--timing", "partial", "--sweep", "12"], "290f4715b7d8fed4" },
        { ["raft-election", "--timing", "partial", "--gst", "200ms", "--sweep", "12"], "03786df0b27b4f86" },
    };

    [Theory]
    [MemberData(nameof(PinnedSweeps))]
    public void SamplesSweep_KeepsItsFingerprint(string[] args, string expected)
    {
        (int code, string output, string error) = RunnerCli.Run([.. args, "--json"]);
        Assert.True(code == 0, error);
        Assert.Equal(expected, JsonDocument.Parse(output).RootElement.GetProperty("fingerprint").GetString());
    }
}

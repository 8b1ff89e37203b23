using DistSim.Links;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Timing;
using Microsoft.Extensions.Logging;

namespace DistSim.Samples.TwoGenerals;

/// <summary>The Two Generals game on DistSim: two nodes over a fair-loss link through the valley.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Loss">Probability that a messenger is captured.</param>
/// <param name="Duplicate">Probability that a messenger is duplicated (arrives twice).</param>
/// <param name="Delay">A messenger's crossing time.</param>
/// <param name="Rounds">k for <see cref="Strategy.Acks"/>.</param>
/// <param name="Messengers">n for <see cref="Strategy.Redundant"/>.</param>
/// <param name="AttackAfter">T − 0, or null to derive it from the delay and the strategy.</param>
public sealed record Game(
    Strategy Strategy, double Loss, double Duplicate, Delay Delay, int Rounds = 2, int Messengers = 3, TimeSpan? AttackAfter = null)
{
    /// <summary>The plan both generals follow, with the times derived from the delay when not given.</summary>
    public Plan MakePlan()
    {
        // A bound on one crossing: the maximum of a bounded distribution, else ten means.
        TimeSpan crossing = Delay.Maximum < Delay.MaxSample ? Delay.Maximum : Delay.Mean * 10;
        TimeSpan roundTrip = crossing * 2;
        TimeSpan margin = TimeSpan.FromHours(1);
        TimeSpan attackAfter = AttackAfter ?? Strategy switch
        {
            Strategy.Acks => (crossing * (Rounds + 1)) + margin,
            Strategy.TimeoutFallback => (roundTrip * 5) + margin,
            _ => crossing + margin,
        };
        TimeSpan confirmBy = Strategy == Strategy.TimeoutFallback ? attackAfter - (roundTrip * 2) : attackAfter;
        if (confirmBy <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AttackAfter), attackAfter, "leaves no time for confirmations before the attack");
        }

        return new Plan(Strategy, Rounds, Messengers, SimTime.FromStart(attackAfter), SimTime.FromStart(confirmBy), roundTrip);
    }

    /// <summary>Plays one game with <paramref name="seed"/>.</summary>
    /// <param name="seed">The master seed.</param>
    /// <param name="recordTrace">Keep the trace's events (sweeps switch it off; the fingerprint stays).</param>
    /// <param name="loggerFactory">Where the generals' log entries go (none by default).</param>
    public GameResult Play(ulong seed, bool recordTrace = true, ILoggerFactory? loggerFactory = null)
    {
        Plan plan = MakePlan();
        var simulation = new Simulation(new SimulationOptions
        {
            Seed = seed,
            RecordTrace = recordTrace,
            Network = new FairLossLinkOptions { LossProbability = Loss, DuplicateProbability = Duplicate, Delay = Delay },
            EventLimit = 100_000,
            TimeLimit = TimeSpan.FromDays(10_000),
            LoggerFactory = loggerFactory,
        });
        NodeId a1 = simulation.AddNode("A1", () => new General(plan, isA1: true));
        NodeId a2 = simulation.AddNode("A2", () => new General(plan, isA1: false));
        RunResult run = simulation.Run();
        General g1 = simulation.GetNode<General>(a1);
        General g2 = simulation.GetNode<General>(a2);
        return new GameResult(plan, simulation, run, g1, g2);
    }
}

/// <summary>The result of one game.</summary>
/// <param name="Plan">The plan followed.</param>
/// <param name="Simulation">The finished simulation (trace, counters).</param>
/// <param name="Run">How the run ended.</param>
/// <param name="A1">The first general.</param>
/// <param name="A2">The second general.</param>
public sealed record GameResult(Plan Plan, Simulation Simulation, RunResult Run, General A1, General A2)
{
    /// <summary>A1 attacked.</summary>
    public bool A1Attacks => A1.Attacks == true;

    /// <summary>A2 attacked.</summary>
    public bool A2Attacks => A2.Attacks == true;

    /// <summary>The row of the outcome table.</summary>
    public Outcome Outcome => (A1Attacks, A2Attacks) switch
    {
        (true, true) => Outcome.CityCaptured,
        (true, false) => Outcome.A1Fails,
        (false, true) => Outcome.A2Fails,
        _ => Outcome.NothingHappens,
    };

    /// <summary>At least one order reached A2 before the attack time.</summary>
    public bool OrderDelivered => A2.HighestReceived >= 0;

    /// <summary>Messengers sent, both ways.</summary>
    public long MessengersSent => Simulation.Messages.Sent;

    /// <summary>Messengers captured in the valley.</summary>
    public long MessengersCaptured => Simulation.Messages.Dropped;
}

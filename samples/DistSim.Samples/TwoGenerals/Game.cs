using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
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
    /// <summary>A game's run stops at this much virtual time: the attack time must come before it.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromDays(10_000);

    /// <summary>The plan both generals follow, with the times derived from the delay when not given.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="AttackAfter"/> (given or derived) leaves no time for confirmations, or falls at or beyond <see cref="TimeLimit"/>,
    /// where the generals could never decide.
    /// </exception>
    public Plan MakePlan() =>
        TryMakePlan(out Plan? plan, out string? problem) ? plan : throw new ArgumentOutOfRangeException(nameof(AttackAfter), AttackAfter, problem);

    /// <summary>The plan, or why there is none (the attack time T leaves no time for confirmations, or lies beyond <see cref="TimeLimit"/>).</summary>
    /// <param name="plan">The plan, when there is one.</param>
    /// <param name="problem">Why there is none, e.g. <c>puts the attack time beyond the run's time limit (10000 d)</c>.</param>
    public bool TryMakePlan([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Plan? plan, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        // A bound on one crossing: the maximum of a bounded distribution, else ten means.
        TimeSpan crossing = Delay.Maximum < Delay.MaxSample ? Delay.Maximum : Delay.Mean * 10;
        TimeSpan roundTrip = crossing * 2;
        TimeSpan margin = TimeSpan.FromHours(1);
        TimeSpan attackAfter;
        try
        {
            attackAfter = AttackAfter ?? Strategy switch
            {
                Strategy.Acks => (crossing * (Rounds + 1)) + margin,
                Strategy.TimeoutFallback => (roundTrip * 5) + margin,
                _ => crossing + margin,
            };
        }
        catch (OverflowException)
        {
            attackAfter = TimeSpan.MaxValue;
        }

        (plan, problem) = (null, null);
        TimeSpan confirmBy = Strategy == Strategy.TimeoutFallback && attackAfter < TimeLimit ? attackAfter - (roundTrip * 2) : attackAfter;
        if (attackAfter >= TimeLimit)
        {
            problem = $"puts the attack time T at or beyond the run's time limit ({Report.Duration(TimeLimit)}), where no general could decide";
        }
        else if (confirmBy <= TimeSpan.Zero)
        {
            problem = "leaves no time for confirmations before the attack";
        }
        else
        {
            plan = new Plan(Strategy, Rounds, Messengers, SimTime.FromStart(attackAfter), SimTime.FromStart(confirmBy), roundTrip);
        }

        return plan is not null;
    }

    /// <summary>Plays one game with <paramref name="seed"/>.</summary>
    /// <param name="seed">The master seed.</param>
    /// <param name="recordTrace">Keep the trace's events (sweeps switch it off; the fingerprint stays).</param>
    /// <param name="loggerFactory">Where the generals' log entries go (none by default).</param>
    public GameResult Play(ulong seed, bool recordTrace = true, ILoggerFactory? loggerFactory = null) =>
        Play(seed, recordTrace ? RunSettings.Recorded : RunSettings.Unrecorded, loggerFactory);

    /// <summary>Plays one game with <paramref name="seed"/>, traced and limited as <paramref name="settings"/> say.</summary>
    /// <param name="seed">The master seed.</param>
    /// <param name="settings">Trace recording or streaming, and the event limit.</param>
    /// <param name="loggerFactory">Where the generals' log entries go (none by default).</param>
    public GameResult Play(ulong seed, RunSettings settings, ILoggerFactory? loggerFactory = null)
    {
        Plan plan = MakePlan();
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Network = new FairLossLinkOptions { LossProbability = Loss, DuplicateProbability = Duplicate, Delay = Delay },
            EventLimit = 100_000,
            TimeLimit = TimeLimit,
            LoggerFactory = loggerFactory,
        }));
        NodeId a1 = simulation.AddNode("A1", () => new General(plan, isA1: true));
        NodeId a2 = simulation.AddNode("A2", () => new General(plan, isA1: false));
        RunResult run = simulation.Run();
        // A limit may stop the run before a general has even started: it then stands as a general that knows nothing.
        General g1 = simulation.GetNode(a1) as General ?? new General(plan, isA1: true);
        General g2 = simulation.GetNode(a2) as General ?? new General(plan, isA1: false);
        return new GameResult(plan, simulation, run, g1, g2);
    }
}

/// <summary>The result of one game.</summary>
/// <param name="Plan">The plan followed.</param>
/// <param name="Simulation">The finished simulation (trace, counters).</param>
/// <param name="Run">How the run ended.</param>
/// <param name="A1">The first general.</param>
/// <param name="A2">The second general.</param>
public sealed record GameResult(Plan Plan, Simulation Simulation, RunResult Run, General A1, General A2) : IScenarioRun
{
    /// <summary>
    /// Both generals have decided (the run reached T): only then is <see cref="Outcome"/> a verdict. A run that a
    /// limit stopped before T is undecided. A2 decides only if it heard of the plan.
    /// </summary>
    public bool Decided => A1.Attacks is not null && (A2.Attacks is not null || A2.HighestReceived < 0);

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

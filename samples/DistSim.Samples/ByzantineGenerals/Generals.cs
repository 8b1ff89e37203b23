using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.ByzantineGenerals;

/// <summary>One run of the Byzantine Generals: who the traitors are, what the commander orders, and what came of it.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Traitors">The traitors' ids (0 is the commander).</param>
/// <param name="CommanderValue">The commander's order.</param>
/// <param name="Decisions">Each lieutenant's decision, by id (index 0 unused).</param>
public sealed record GeneralsRun(Simulation Simulation, RunResult Run, IReadOnlySet<int> Traitors, Order CommanderValue, IReadOnlyList<Order?> Decisions)
    : Cli.IScenarioRun
{
    /// <summary>Every loyal lieutenant decided: IC1 and IC2 mean something (a run stopped by a limit may end before).</summary>
    public bool Decided => RunSummary.LimitName(Run.Outcome) is null || LoyalLieutenants.All(i => Decisions[i] is not null);

    /// <summary>Messages the generals sent.</summary>
    public long Messages => Simulation.Messages.Sent;

    /// <summary>The loyal lieutenants' ids.</summary>
    public IEnumerable<int> LoyalLieutenants => Enumerable.Range(1, Decisions.Count - 1).Where(i => !Traitors.Contains(i));

    /// <summary>IC1: all loyal lieutenants obey the same order.</summary>
    public bool Ic1 => LoyalLieutenants.Select(i => Decisions[i]).Distinct().Count() <= 1;

    /// <summary>IC2: if the commander is loyal, every loyal lieutenant obeys its order.</summary>
    public bool Ic2 => Traitors.Contains(0) || LoyalLieutenants.All(i => Decisions[i] == CommanderValue);

    /// <summary>E.g. <c>traitors {2}, commander Attack: 1=Attack 2=Retreat* 3=Attack</c> (* traitor).</summary>
    public string Describe() =>
        $"traitors {{{string.Join(",", Traitors.Order())}}}, commander {CommanderValue}{(Traitors.Contains(0) ? "*" : string.Empty)}: " +
        string.Join(" ", Enumerable.Range(1, Decisions.Count - 1).Select(i => $"{i}={Decisions[i]?.ToString() ?? "-"}{(Traitors.Contains(i) ? "*" : string.Empty)}"));
}

/// <summary>Builds and runs the Byzantine Generals on DistSim.</summary>
public static class Generals
{
    /// <summary>Messages of OM(m) with n generals when everyone sends: (n−1) + (n−1)(n−2) + … (m + 1 terms).</summary>
    public static long OralMessageCount(int n, int m)
    {
        long total = 0, term = 1;
        for (int k = 0; k <= m && k < n - 1; k++)
        {
            term *= n - 1 - k;
            total += term;
        }

        return total;
    }

    /// <summary>Every subset of {0 … n−1} of size <paramref name="size"/>, in lexicographic order.</summary>
    public static IEnumerable<int[]> Subsets(int n, int size)
    {
        if (size == 0)
        {
            yield return [];
            yield break;
        }

        for (int first = 0; first <= n - size; first++)
        {
            foreach (int[] rest in Subsets(n - first - 1, size - 1))
            {
                yield return [first, .. rest.Select(r => r + first + 1)];
            }
        }
    }

    /// <summary>The traitors a seed picks: <paramref name="count"/> distinct ids, from the stream <c>bg:traitors</c>.</summary>
    public static IReadOnlySet<int> PickTraitors(ulong seed, int n, int count)
    {
        RandomStream stream = StreamSeed.Create(seed, "bg:traitors");
        int[] ids = [.. Enumerable.Range(0, n)];
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)stream.NextBelow((ulong)i + 1);
            (ids[i], ids[j]) = (ids[j], ids[i]);
        }

        return ids.Take(count).ToHashSet();
    }

    /// <summary>Runs one instance.</summary>
    public static GeneralsRun Play(
        ulong seed, int n, int m, bool signed, IReadOnlySet<int> traitors, Order commanderValue, Func<ITraitorChoices> choices, bool record = true) =>
        Play(seed, n, m, signed, traitors, commanderValue, choices, record ? RunSettings.Recorded : RunSettings.Unrecorded);

    /// <summary>Runs one instance, traced and limited as <paramref name="settings"/> say.</summary>
    public static GeneralsRun Play(
        ulong seed, int n, int m, bool signed, IReadOnlySet<int> traitors, Order commanderValue, Func<ITraitorChoices> choices, RunSettings settings)
    {
        // Synchronous rounds: every message arrives within 10 ms, so round k is over by k·10 ms.
        var setting = new Setting(n, m, signed, TimeSpan.FromMilliseconds((10 * (m + 1)) + 1));
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Link = global::DistSim.Links.Links.FairLoss,
            Network = new FairLossLinkOptions { Delay = Delay.Uniform(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10)) },
            EventLimit = 10_000_000,
        }));
        for (int i = 0; i < n; i++)
        {
            bool traitor = traitors.Contains(i);
            ITraitorChoices? source = traitor ? choices() : null;
            simulation.AddNode(
                i == 0 ? "commander" : "L" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                () => new General(setting, commanderValue, source),
                traitor ? FailureModels.Byzantine : FailureModels.None);
        }

        RunResult run = simulation.Run();
        var decisions = new Order?[n];
        for (int i = 1; i < n; i++)
        {
            decisions[i] = (simulation.GetNode(new NodeId(i)) as General)?.Decision; // not started: a limit stopped the run first
        }

        return new GeneralsRun(simulation, run, traitors, commanderValue, decisions);
    }
}

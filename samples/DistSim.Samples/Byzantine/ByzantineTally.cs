using System.Text.Json;
using DistSim.Sweeps;

namespace DistSim.Samples.Byzantine;

/// <summary>The Raft-with-a-liar part of a <c>byzantine</c> sweep, folded run by run.</summary>
public sealed class RaftLiarTally
{
    /// <summary>Runs.</summary>
    public int Runs { get; private set; }

    /// <summary>Runs that broke safety or linearizability.</summary>
    public int Bad { get; private set; }

    /// <summary>Runs with a safety violation among the honest servers.</summary>
    public int Unsafe { get; private set; }

    /// <summary>Runs whose history is not linearizable.</summary>
    public int NotLinearizable { get; private set; }

    /// <summary>Safety violations over all runs.</summary>
    public long SafetyViolations { get; private set; }

    /// <summary>Two different entries committed at one index, over all runs.</summary>
    public long ConflictingCommits { get; private set; }

    /// <summary>Honest leaders elected without a committed entry, over all runs.</summary>
    public long LostCommits { get; private set; }

    /// <summary>Two honest leaders in one term, over all runs.</summary>
    public long DoubleLeaders { get; private set; }

    /// <summary>The liar's double votes.</summary>
    public long DoubleVotes { get; private set; }

    /// <summary>The liar's forged-term campaigns.</summary>
    public long ForgedCampaigns { get; private set; }

    /// <summary>Forged-term elections won.</summary>
    public long ForgedWins { get; private set; }

    /// <summary>Forged AppendEntries.</summary>
    public long ForgedAppends { get; private set; }

    /// <summary>Byzantine events in the traces.</summary>
    public long ByzantineEvents { get; private set; }

    /// <summary>Runs stopped by a node fault.</summary>
    public int NodeFaults { get; private set; }

    /// <summary>The first bad seed; null if none.</summary>
    public ulong? FirstBad { get; private set; }

    /// <summary>How many runs it took to find the first bad one (its position in the sweep, from 1); null if none.</summary>
    public int? RunsToFirstBad { get; private set; }

    /// <summary>The first bad run's first violation.</summary>
    public string? FirstBadText { get; private set; }

    /// <summary>Adds one run.</summary>
    /// <param name="seed">Its seed.</param>
    /// <param name="r">Its record.</param>
    public void Add(ulong seed, RaftLiarRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Runs++;
        SafetyViolations += r.SafetyViolations;
        ConflictingCommits += r.ConflictingCommits;
        LostCommits += r.LostCommits;
        DoubleLeaders += r.DoubleLeaders;
        DoubleVotes += r.DoubleVotes;
        ForgedCampaigns += r.ForgedCampaigns;
        ForgedWins += r.ForgedWins;
        ForgedAppends += r.ForgedAppends;
        ByzantineEvents += r.ByzantineEvents;
        Unsafe += r.SafetyViolations > 0 ? 1 : 0;
        NotLinearizable += r.Linearizable ? 0 : 1;
        NodeFaults += r.Violation is null ? 0 : 1;
        if (r.Bad)
        {
            Bad++;
            if (FirstBad is null)
            {
                (FirstBad, RunsToFirstBad, FirstBadText) = (seed, Runs, r.FirstViolation ?? "history not linearizable");
            }
        }
    }

    /// <summary>The share of bad runs with its 95 % Wilson interval.</summary>
    public ConfidenceInterval BadRate => Proportion.Wilson(Bad, Math.Max(1, Runs));

    /// <summary>Writes the fields.</summary>
    /// <param name="json">The writer, inside the <c>raft</c> object.</param>
    public void Write(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteNumber("runs", Runs);
        json.WriteNumber("badRuns", Bad);
        json.WriteNumber("unsafeRuns", Unsafe);
        json.WriteNumber("notLinearizableRuns", NotLinearizable);
        json.WriteNumber("badRate", Runs == 0 ? 0 : (double)Bad / Runs);
        json.WriteNumber("badRateLow", BadRate.Low);
        json.WriteNumber("badRateHigh", BadRate.High);
        json.WriteNumber("safetyViolations", SafetyViolations);
        json.WriteNumber("conflictingCommits", ConflictingCommits);
        json.WriteNumber("lostCommits", LostCommits);
        json.WriteNumber("doubleLeaders", DoubleLeaders);
        json.WriteStartObject("liarDeviations");
        json.WriteNumber("doubleVotes", DoubleVotes);
        json.WriteNumber("forgedCampaigns", ForgedCampaigns);
        json.WriteNumber("forgedWins", ForgedWins);
        json.WriteNumber("forgedAppends", ForgedAppends);
        json.WriteNumber("byzantineEvents", ByzantineEvents);
        json.WriteEndObject();
        json.WriteNumber("nodeFaults", NodeFaults);
        if (FirstBad is { } seed)
        {
            json.WriteNumber("firstBadSeed", seed);
            json.WriteNumber("runsToFirstBad", RunsToFirstBad!.Value);
            json.WriteString("firstViolation", FirstBadText);
        }
        else
        {
            json.WriteNull("firstBadSeed");
            json.WriteNull("runsToFirstBad");
            json.WriteNull("firstViolation");
        }
    }
}

/// <summary>The PBFT part of a <c>byzantine</c> sweep, folded run by run.</summary>
public sealed class PbftTally
{
    /// <summary>Runs.</summary>
    public int Runs { get; private set; }

    /// <summary>Runs that broke agreement or linearizability.</summary>
    public int Bad { get; private set; }

    /// <summary>Agreement violations over all runs.</summary>
    public long Violations { get; private set; }

    /// <summary>Runs with a linearizable history.</summary>
    public int Linearizable { get; private set; }

    /// <summary>Operations invoked.</summary>
    public long Operations { get; private set; }

    /// <summary>Operations answered.</summary>
    public long Completed { get; private set; }

    /// <summary>Runs in which a new view was installed.</summary>
    public int RunsWithViewChange { get; private set; }

    /// <summary>View-change messages of honest replicas.</summary>
    public long ViewChanges { get; private set; }

    /// <summary>New-view messages of honest primaries.</summary>
    public long NewViews { get; private set; }

    /// <summary>Executions by honest replicas after a view change.</summary>
    public long ExecutedAfterViewChange { get; private set; }

    /// <summary>Protocol-level rejections (signatures, certificates).</summary>
    public long Rejections { get; private set; }

    /// <summary>Link-level rejections (forged frames).</summary>
    public long LinkRejections { get; private set; }

    /// <summary>Byzantine events in the traces.</summary>
    public long ByzantineEvents { get; private set; }

    /// <summary>Runs stopped by a node fault.</summary>
    public int NodeFaults { get; private set; }

    /// <summary>Checkpoints that became stable at honest replicas, over all runs.</summary>
    public long StableCheckpoints { get; private set; }

    /// <summary>States honest replicas installed from others, over all runs.</summary>
    public long StateTransfers { get; private set; }

    /// <summary>The most log slots an honest replica held at once, in any run.</summary>
    public int MaxLogSlots { get; private set; }

    /// <summary>The first bad seed; null if none.</summary>
    public ulong? FirstBad { get; private set; }

    /// <summary>Its first violation.</summary>
    public string? FirstBadText { get; private set; }

    /// <summary>Faulty replicas per behaviour over the sweep.</summary>
    public SortedDictionary<string, int> Behaviors { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds one run.</summary>
    /// <param name="seed">Its seed.</param>
    /// <param name="r">Its record.</param>
    public void Add(ulong seed, PbftRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Runs++;
        Violations += r.Violations;
        Linearizable += r.Linearizable ? 1 : 0;
        Operations += r.Operations;
        Completed += r.Completed;
        RunsWithViewChange += r.HighestView > 0 ? 1 : 0;
        ViewChanges += r.ViewChanges;
        NewViews += r.NewViews;
        ExecutedAfterViewChange += r.ExecutedAfterViewChange;
        Rejections += r.Rejections;
        LinkRejections += r.LinkRejections;
        ByzantineEvents += r.ByzantineEvents;
        NodeFaults += r.Violation is null ? 0 : 1;
        StableCheckpoints += r.StableCheckpoints;
        StateTransfers += r.StateTransfers;
        MaxLogSlots = Math.Max(MaxLogSlots, r.MaxLogSlots);
        foreach (string part in r.Faulty.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string behavior = part[(part.IndexOf(':', StringComparison.Ordinal) + 1)..];
            Behaviors[behavior] = Behaviors.GetValueOrDefault(behavior) + 1;
        }

        if (r.Bad)
        {
            Bad++;
            if (FirstBad is null)
            {
                (FirstBad, FirstBadText) = (seed, r.FirstViolation ?? "history not linearizable");
            }
        }
    }

    /// <summary>Writes the fields.</summary>
    /// <param name="json">The writer, inside the <c>pbft</c> object.</param>
    public void Write(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteNumber("runs", Runs);
        json.WriteNumber("badRuns", Bad);
        json.WriteNumber("safetyViolations", Violations);
        json.WriteNumber("linearizable", Linearizable);
        json.WriteNumber("operations", Operations);
        json.WriteNumber("completed", Completed);
        json.WriteNumber("runsWithViewChange", RunsWithViewChange);
        json.WriteNumber("viewChanges", ViewChanges);
        json.WriteNumber("newViews", NewViews);
        json.WriteNumber("executedAfterViewChange", ExecutedAfterViewChange);
        json.WriteNumber("rejections", Rejections);
        json.WriteNumber("linkRejections", LinkRejections);
        json.WriteNumber("byzantineEvents", ByzantineEvents);
        json.WriteNumber("nodeFaults", NodeFaults);
        json.WriteNumber("stableCheckpoints", StableCheckpoints);
        json.WriteNumber("stateTransfers", StateTransfers);
        json.WriteNumber("maxLogSlots", MaxLogSlots);
        json.WriteStartObject("faultyBehaviors");
        foreach ((string name, int count) in Behaviors)
        {
            json.WriteNumber(name, count);
        }

        json.WriteEndObject();
        Cli.Report.WriteStringOrNull(json, "firstViolation", FirstBadText);
    }
}

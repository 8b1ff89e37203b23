using System.Text.Json;
using DistSim.Checking;

namespace DistSim.Samples.RaftKv;

/// <summary>Sums <see cref="RaftKvRecord"/>s over a sweep, in seed order, and writes the totals.</summary>
internal sealed class RaftKvTally
{
    public int Runs, Linearizable, NotLinearizable, Unknown, SafetyRuns, Bad, NodeFaults, LeadersPerTermMax, ValuesPerIndexMax;
    public long Operations, Completed, Leaders, Terms, Commits, Crashes, Restarts, Recoveries, RecoveriesMatching, PreVoteRounds, PreVoteFailed, StepDowns, VotesIgnored, Truncations;
    public ulong? FirstBad;
    public string? FirstBadText;

    public void Add(ulong seed, RaftKvRecord r)
    {
        Runs++;
        Operations += r.Operations;
        Completed += r.Completed;
        Leaders += r.Leaders;
        Terms += r.Terms;
        Commits += r.Commits;
        Crashes += r.Crashes;
        Restarts += r.Restarts;
        Recoveries += r.Recoveries;
        RecoveriesMatching += r.RecoveriesMatchingFlushed;
        PreVoteRounds += r.PreVoteRounds;
        PreVoteFailed += r.PreVoteRoundsFailed;
        StepDowns += r.CheckQuorumStepDowns;
        VotesIgnored += r.VotesIgnored;
        Truncations += r.Truncations;
        LeadersPerTermMax = Math.Max(LeadersPerTermMax, r.LeadersPerTermMax);
        ValuesPerIndexMax = Math.Max(ValuesPerIndexMax, r.ValuesPerIndexMax);
        switch (r.Verdict)
        {
            case nameof(LinearizabilityVerdict.Linearizable):
                Linearizable++;
                break;
            case nameof(LinearizabilityVerdict.NotLinearizable):
                NotLinearizable++;
                break;
            default:
                Unknown++;
                break;
        }

        SafetyRuns += r.SafetyViolations > 0 ? 1 : 0;
        NodeFaults += r.Violation is not null ? 1 : 0; // node code threw: never expected
        if (r.Bad)
        {
            Bad++;
            if (FirstBad is null)
            {
                FirstBad = seed;
                FirstBadText = r.FirstSafetyViolation ?? "not linearizable: cannot linearize " + r.Failing;
            }
        }
    }

    public void Write(Utf8JsonWriter json)
    {
        json.WriteNumber("runs", Runs);
        json.WriteNumber("operations", Operations);
        json.WriteNumber("completed", Completed);
        json.WriteNumber("violations", Bad);
        json.WriteNumber("safetyViolations", SafetyRuns);
        json.WriteNumber("linearizable", Linearizable);
        json.WriteNumber("notLinearizable", NotLinearizable);
        json.WriteNumber("unknown", Unknown);
        json.WriteNumber("leadersPerTermMax", LeadersPerTermMax);
        json.WriteNumber("valuesPerIndexMax", ValuesPerIndexMax);
        json.WriteNumber("leadersElected", Leaders);
        json.WriteNumber("terms", Terms);
        json.WriteNumber("commits", Commits);
        json.WriteNumber("crashes", Crashes);
        json.WriteNumber("restarts", Restarts);
        json.WriteNumber("recoveries", Recoveries);
        json.WriteNumber("recoveriesMatchingFlushed", RecoveriesMatching);
        json.WriteNumber("prevoteRounds", PreVoteRounds);
        json.WriteNumber("prevoteRoundsFailed", PreVoteFailed);
        json.WriteNumber("checkQuorumStepDowns", StepDowns);
        json.WriteNumber("votesIgnored", VotesIgnored);
        json.WriteNumber("truncations", Truncations);
        if (FirstBad is { } s)
        {
            json.WriteNumber("firstViolationSeed", s);
        }
        else
        {
            json.WriteNull("firstViolationSeed");
        }

        json.WriteString("firstViolation", FirstBadText);
        json.WriteNumber("nodeFaults", NodeFaults);
    }

    public void WriteText(TextWriter output)
    {
        output.WriteLine(Invariant($"  crashes {Crashes}, restarts {Restarts} ({RecoveriesMatching} of {Recoveries} recoveries found exactly what they had flushed); leaders elected {Leaders} (most per term {LeadersPerTermMax}), terms {Terms}, commits {Commits} (most values per index {ValuesPerIndexMax}), truncations {Truncations}"));
        output.WriteLine(Invariant($"  prevote rounds {PreVoteRounds} ({PreVoteFailed} without an election), check-quorum step-downs {StepDowns}, votes ignored for a live leader {VotesIgnored}"));
        output.WriteLine(Invariant($"  operations {Operations}, answered {Completed}; linearizable {Linearizable} of {Runs} runs; not linearizable {NotLinearizable}; unknown {Unknown}"));
        output.WriteLine(Invariant($"  runs breaking Raft safety {SafetyRuns}; runs breaking safety or linearizability {Bad}"));
    }
}

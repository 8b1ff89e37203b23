using System.Text.Json;
using DistSim.Checking;
using DistSim.Samples.Cli;

namespace DistSim.Samples.Paxos;

/// <summary>What a sweep keeps of one <c>paxos</c> run.</summary>
/// <param name="Verdict">The linearizability verdict of the run's history.</param>
/// <param name="Failing">The operation that cannot be linearized, as text; null unless not linearizable.</param>
/// <param name="Operations">Operations in the history.</param>
/// <param name="Completed">Operations the clients saw answered.</param>
/// <param name="AgreementViolations">Decisions that differ from an earlier decision of the same slot.</param>
/// <param name="FirstAgreementViolation">The first of them in words; null if none.</param>
/// <param name="ValuesPerSlotMax">The most distinct commands decided for one slot.</param>
/// <param name="LeadersPerBallotMax">The most distinct replicas that completed Phase 1 with one ballot.</param>
/// <param name="Leaders">Ballots in which a leader was elected.</param>
/// <param name="Slots">Slots decided.</param>
/// <param name="Crashes">Replica crashes.</param>
/// <param name="Restarts">Replica restarts.</param>
/// <param name="Recoveries">Replica restarts that rebuilt the acceptor from storage.</param>
/// <param name="RecoveriesWithState">Of them, those that found a promise or accepted entries there.</param>
/// <param name="Violation">A property violation or node fault that stopped the run (first line); null if none.</param>
public sealed record PaxosRecord(
    string Verdict,
    string? Failing,
    int Operations,
    int Completed,
    int AgreementViolations,
    string? FirstAgreementViolation,
    int ValuesPerSlotMax,
    int LeadersPerBallotMax,
    int Leaders,
    int Slots,
    long Crashes,
    long Restarts,
    int Recoveries,
    int RecoveriesWithState,
    string? Violation)
{
    /// <summary>Whether the run broke agreement or linearizability.</summary>
    public bool Bad => AgreementViolations > 0 || Verdict == nameof(LinearizabilityVerdict.NotLinearizable);

    /// <summary>The record of a finished run.</summary>
    /// <param name="r">The run.</param>
    public static PaxosRecord Of(PaxosRun r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string? violation = r.Simulation.Failure is { } f ? f.Message.Split('\n')[0] : null;
        return new(
            r.Verdict.Verdict.ToString(),
            r.Verdict.FailingOperation?.ToString(),
            r.History.Count,
            r.History.Count(o => !o.IsPending),
            r.Observer.Violations,
            r.Observer.FirstViolation,
            r.Observer.ValuesPerSlotMax,
            r.Observer.LeadersPerBallotMax,
            r.Observer.LeadersElected,
            r.Observer.SlotsDecided,
            r.Simulation.Faults.Crashes,
            r.Simulation.Faults.Restarts,
            r.Observer.Recoveries,
            r.Observer.RecoveriesWithState,
            violation);
    }
}

/// <summary>
/// The <c>paxos</c> scenario: Multi-Paxos replicating a key-value store on 3 (or 5) replicas that crash and recover at
/// random, over a lossy network; every run checks agreement (no two learners decide different commands for a slot) and
/// the clients' history for linearizability. <c>--no-flush</c> makes acceptors answer before their promise and accepted
/// values are durable, so a crash forgets them. See <c>docs/samples/paxos.md</c>.
/// </summary>
public sealed class PaxosScenario : IShrinkableScenario
{
    /// <inheritdoc />
    public string Name => "paxos";

    /// <inheritdoc />
    public string Summary => "Multi-Paxos replicating a key-value store under crash-recover faults; agreement and linearizability checked every run; --no-flush breaks them";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("replicas", "N", "replicas (acceptors, learners, proposers): 3 or 5", "3"),
        new("clients", "N", "clients, each running its operations one after another", "3"),
        new("ops", "N", "operations per client (gets and puts, half each)", "30"),
        new("keys", "K", "keys the clients use", "3"),
        new("loss", "P", "probability that a packet is lost (the reliable link retransmits)", "0.05"),
        new("crash-every", "D", "mean time between crashes of a replica (each restarts after 20-200 ms)", "300ms"),
        new("no-flush", null, "acceptors answer without flushing: a crash forgets promises and accepted values"),
    ];

    /// <summary>Reads the options.</summary>
    /// <param name="args">The parsed options.</param>
    public static PaxosOptions Parse(ScenarioArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int replicas = args.GetInt("replicas", 3, min: 3, max: 5);
        if (replicas == 4)
        {
            throw new UsageException("--replicas must be 3 or 5, got 4");
        }

        double loss = args.GetProbability("loss", 0.05);
        if (loss >= 1)
        {
            throw new UsageException(Invariant($"--loss must be below 1 (nothing would ever arrive), got {loss}"));
        }

        TimeSpan crashEvery = args.GetDuration("crash-every", PaxosOptions.DefaultCrashEvery);
        if (crashEvery <= TimeSpan.Zero)
        {
            throw new UsageException(Invariant($"--crash-every must be positive, got {crashEvery}"));
        }

        return new PaxosOptions(
            Replicas: replicas,
            Clients: args.GetInt("clients", 3, min: 1, max: 50),
            Operations: args.GetInt("ops", 30, min: 1, max: 10_000),
            Keys: args.GetInt("keys", 3, min: 1, max: 1_000),
            Loss: loss,
            CrashEvery: crashEvery,
            Flush: !args.Has("no-flush"));
    }

    /// <inheritdoc />
    public ShrinkTarget ShrinkTarget(ScenarioArgs args)
    {
        PaxosOptions options = Parse(args);
        return new("agreement or linearizability broken", (seed, settings) =>
        {
            PaxosRun run = PaxosCluster.Play(seed, options, settings);
            return (run.Observer.Violations > 0 || run.Verdict.Verdict == LinearizabilityVerdict.NotLinearizable, run.Simulation);
        });
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        PaxosOptions options = Parse(args);
        var t = new Tally();
        RunSummary summary = Sweep.Fold(args, (seed, settings) => PaxosCluster.Play(seed, options, settings), PaxosRecord.Of, t.Add, out _);
        bool failed = t.Bad > 0 || t.PropertyViolations > 0;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteBoolean("flush", options.Flush);
                json.WriteNumber("replicas", options.Replicas);
                json.WriteNumber("runs", t.Runs);
                json.WriteNumber("operations", t.Operations);
                json.WriteNumber("completed", t.Completed);
                json.WriteNumber("violations", t.Bad);
                json.WriteNumber("agreementViolations", t.AgreementRuns);
                json.WriteNumber("linearizable", t.Linearizable);
                json.WriteNumber("notLinearizable", t.NotLinearizable);
                json.WriteNumber("unknown", t.Unknown);
                json.WriteNumber("leadersPerTermMax", t.LeadersPerBallotMax);
                json.WriteNumber("valuesPerSlotMax", t.ValuesPerSlotMax);
                json.WriteNumber("leadersElected", t.Leaders);
                json.WriteNumber("slotsDecided", t.Slots);
                json.WriteNumber("crashes", t.Crashes);
                json.WriteNumber("restarts", t.Restarts);
                json.WriteNumber("recoveries", t.Recoveries);
                json.WriteNumber("recoveriesWithState", t.RecoveriesWithState);
                WriteSeed(json, "firstViolationSeed", t.FirstBad);
                json.WriteString("firstViolation", t.FirstBadText);
                json.WriteNumber("propertyViolations", t.PropertyViolations);
            }));
            return failed ? Runner.Failure : summary.ExitCode;
        }

        output.WriteLine(Invariant($"paxos: {t.Runs} run(s), {options.Replicas} replicas crashing every {(options.CrashEvery ?? PaxosOptions.DefaultCrashEvery).TotalMilliseconds:0} ms on average, {options.Clients} client(s) x {options.Operations} operations on {options.Keys} key(s), loss {options.Loss:0.###}, {(options.Flush ? "acceptors flush before answering" : "NO FLUSH (acceptors answer from memory)")}"));
        Report.WriteLimitLine(output, summary);
        output.WriteLine(Invariant($"  crashes {t.Crashes}, restarts {t.Restarts} ({t.RecoveriesWithState} of {t.Recoveries} recoveries found a promise or accepted values in storage); leaders elected {t.Leaders} (most per ballot {t.LeadersPerBallotMax}); slots decided {t.Slots} (most values per slot {t.ValuesPerSlotMax})"));
        output.WriteLine(Invariant($"  operations {t.Operations}, answered {t.Completed}; linearizable {t.Linearizable} of {t.Runs} runs; not linearizable {t.NotLinearizable}; unknown {t.Unknown}"));
        output.WriteLine(Invariant($"  runs breaking agreement {t.AgreementRuns}; runs breaking agreement or linearizability {t.Bad}"));
        if (t.FirstBad is { } bad)
        {
            output.WriteLine(Invariant($"  first violation: seed {bad}: {t.FirstBadText} (replay: --seed {bad}{(options.Flush ? string.Empty : " --no-flush")})"));
        }

        Report.WriteStatistics(output, summary);
        output.WriteLine(Invariant($"  fingerprint {summary.Fingerprint:x16}"));
        return failed ? Runner.Failure : summary.ExitCode;
    }

    private static void WriteSeed(Utf8JsonWriter json, string name, ulong? seed)
    {
        if (seed is { } s)
        {
            json.WriteNumber(name, s);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private sealed class Tally
    {
        public int Runs, Linearizable, NotLinearizable, Unknown, AgreementRuns, Bad, PropertyViolations, LeadersPerBallotMax, ValuesPerSlotMax;
        public long Operations, Completed, Leaders, Slots, Crashes, Restarts, Recoveries, RecoveriesWithState;
        public ulong? FirstBad;
        public string? FirstBadText;

        public void Add(ulong seed, PaxosRecord r)
        {
            Runs++;
            Operations += r.Operations;
            Completed += r.Completed;
            Leaders += r.Leaders;
            Slots += r.Slots;
            Crashes += r.Crashes;
            Restarts += r.Restarts;
            Recoveries += r.Recoveries;
            RecoveriesWithState += r.RecoveriesWithState;
            LeadersPerBallotMax = Math.Max(LeadersPerBallotMax, r.LeadersPerBallotMax);
            ValuesPerSlotMax = Math.Max(ValuesPerSlotMax, r.ValuesPerSlotMax);
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

            AgreementRuns += r.AgreementViolations > 0 ? 1 : 0;
            if (r.Violation is not null && r.AgreementViolations == 0)
            {
                PropertyViolations++; // a node fault or another property: never expected
            }

            if (r.Bad)
            {
                Bad++;
                if (FirstBad is null)
                {
                    FirstBad = seed;
                    FirstBadText = r.FirstAgreementViolation is { } a ? "agreement: " + a : "not linearizable: cannot linearize " + r.Failing;
                }
            }
        }
    }
}

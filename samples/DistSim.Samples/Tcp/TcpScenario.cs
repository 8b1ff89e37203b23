using DistSim.Links;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.Tcp;

/// <summary>The outcome of one TCP transfer.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Sender">The sending node.</param>
/// <param name="Receiver">The receiving node.</param>
/// <param name="Options">The transport options used.</param>
public sealed record TcpResult(Simulation Simulation, RunResult Run, TcpSender Sender, TcpReceiver Receiver, TcpOptions Options) : IScenarioRun
{
    /// <summary>The application received every segment, in order, exactly once.</summary>
    public bool InOrderExactlyOnce =>
        Receiver.Delivered.Count == Options.Messages && Receiver.Delivered.Select((s, i) => s == i).All(ok => ok);

    /// <summary>Segments per second of virtual time until the last acknowledgement (0 if unfinished).</summary>
    public double Goodput => Sender.FinishedAt is { } t && t.TotalSeconds > 0 ? Options.Messages / t.TotalSeconds : 0;
}

/// <summary>The <c>tcp</c> scenario: a TCP-like transport over a fair-loss network.</summary>
public sealed class TcpScenario : IScenario
{
    private static readonly Delay DefaultDelay = Delay.Exponential(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));

    /// <inheritdoc />
    public string Name => "tcp";

    /// <inheritdoc />
    public string Summary => "a TCP-like sliding-window transport (cumulative ACKs, fast retransmit, RFC 6298 RTO) over a fair-loss link";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("loss", "P", "probability that a packet (segment or ACK) is lost", "0.1"),
        new("duplicate", "P", "probability that a packet is duplicated", "0"),
        new("messages", "N", "segments to transfer", "1000"),
        new("window", "W", "the sender's limit on segments in flight", "32"),
        new("rwnd", "W", "the receiver's window (buffer), in segments", "64"),
        new("delay", "DIST", "one-way delay: " + DelaySpec.Forms, "exp:10ms,10ms"),
        new("rto-min", "D", "RTO floor", "200ms"),
        new("max-retries", "N", "abort after N consecutive timeouts", "15"),
        new("no-timestamps", null, "measure RTT without the timestamp echo: Karn's rule (no sample from retransmitted segments)"),
    ];

    /// <summary>Runs one transfer.</summary>
    public static TcpResult Transfer(ulong seed, TcpOptions options, FairLossLinkOptions network, bool record = false) =>
        Transfer(seed, options, network, record ? RunSettings.Recorded : RunSettings.Unrecorded);

    /// <summary>Runs one transfer, traced and limited as <paramref name="settings"/> say.</summary>
    public static TcpResult Transfer(ulong seed, TcpOptions options, FairLossLinkOptions network, RunSettings settings)
    {
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Network = network,
            Link = global::DistSim.Links.Links.FairLoss,
            EventLimit = 100_000_000,
            TimeLimit = TimeSpan.FromDays(30),
        }));
        NodeId a = simulation.AddNode("sender", () => new TcpSender(new NodeId(1), options));
        NodeId b = simulation.AddNode("receiver", () => new TcpReceiver(new NodeId(0), options.ReceiveWindow));
        RunResult run = simulation.Run();

        // A limit may stop the run before a node started: it then has done nothing, like a new object.
        return new TcpResult(simulation, run, simulation.GetNode(a) as TcpSender ?? new TcpSender(b, options),
            simulation.GetNode(b) as TcpReceiver ?? new TcpReceiver(a, options.ReceiveWindow), options);
    }

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        if (args.Sweep > 0)
        {
            throw new UsageException("--sweep: the tcp scenario runs one seed");
        }

        var options = new TcpOptions
        {
            Messages = args.GetInt("messages", 1000, min: 1, max: 10_000_000),
            Window = args.GetInt("window", 32, min: 1, max: 1_000_000),
            ReceiveWindow = args.GetInt("rwnd", 64, min: 1, max: 1_000_000),
            RtoMin = args.GetDuration("rto-min", TimeSpan.FromMilliseconds(200)),
            MaxRetries = args.GetInt("max-retries", 15, min: 0, max: 1000),
            Timestamps = !args.Has("no-timestamps"),
        };
        if (options.RtoMin > options.RtoMax)
        {
            throw new UsageException($"--rto-min: {args.GetString("rto-min", "")} is above the RTO ceiling ({options.RtoMax.TotalSeconds}s)");
        }

        var network = new FairLossLinkOptions
        {
            LossProbability = args.GetProbability("loss", 0.1),
            DuplicateProbability = args.GetProbability("duplicate", 0),
            Delay = args.GetDelay("delay", DefaultDelay),
        };
        TcpResult r = null!;
        RunSummary summary = Sweep.Fold(args, (seed, settings) => Transfer(seed, options, network, settings), (_, run) => r = run);
        TcpSender s = r.Sender;
        double finish = s.FinishedAt?.TotalSeconds ?? r.Run.Time.TotalSeconds;

        // Done is done, and an aborted connection never completes; otherwise a run cut short has no verdict.
        bool? inOrder = r.InOrderExactlyOnce ? true : summary.Complete || s.Error is not null ? false : null;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteNumber("segments", options.Messages);
                Report.WriteVerdict(json, "deliveredInOrderExactlyOnce", inOrder);
                json.WriteNumber("delivered", r.Receiver.Delivered.Count);
                json.WriteBoolean("aborted", s.Error is not null);
                if (s.Error is not null)
                {
                    json.WriteString("error", s.Error);
                }

                json.WriteNumber("segmentsSent", s.SegmentsSent);
                json.WriteNumber("timeoutRetransmissions", s.TimeoutRetransmissions);
                json.WriteNumber("fastRetransmits", s.FastRetransmits);
                json.WriteNumber("recoveryRetransmits", s.RecoveryRetransmits);
                json.WriteNumber("retransmissions", s.TimeoutRetransmissions + s.FastRetransmits + s.RecoveryRetransmits);
                json.WriteNumber("duplicateAcks", s.DuplicateAcks);
                json.WriteNumber("outOfWindowDrops", r.Receiver.OutOfWindowDrops);
                json.WriteNumber("maxBuffered", r.Receiver.MaxBuffered);
                json.WriteNumber("timeToFinish", finish);
                json.WriteNumber("goodput", Math.Round(r.Goodput, 3));
                json.WriteNumber("srtt", s.Rto.Srtt.TotalSeconds);
                json.WriteNumber("rttvar", s.Rto.RttVar.TotalSeconds);
                json.WriteNumber("rto", s.Rto.Rto.TotalSeconds);
                json.WriteNumber("rttSamples", s.Rto.Samples);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"tcp: {options.Messages} segments, window {options.Window}, rwnd {options.ReceiveWindow}, loss {network.LossProbability}, duplicate {network.DuplicateProbability}, seed {args.Seed}"));
        Report.WriteLimitLine(output, summary);
        string verdict = inOrder switch { true => "yes", false => "no", null => Invariant($"unknown: {r.Receiver.Delivered.Count} of {options.Messages} delivered when the run stopped (incomplete)") };
        output.WriteLine($"  delivered in order exactly once: {verdict}{(s.Error is null ? string.Empty : " — " + s.Error)}");
        output.WriteLine(Invariant($"  segments sent {s.SegmentsSent}: {s.TimeoutRetransmissions} retransmissions by timeout, {s.FastRetransmits} fast retransmits, {s.RecoveryRetransmits} on partial ACKs"));
        output.WriteLine(Invariant($"  duplicate ACKs {s.DuplicateAcks}, out-of-window drops {r.Receiver.OutOfWindowDrops}, most segments buffered {r.Receiver.MaxBuffered}"));
        output.WriteLine(Invariant($"  RTO {s.Rto.Rto.TotalMilliseconds:0.#} ms (SRTT {s.Rto.Srtt.TotalMilliseconds:0.#} ms, RTTVAR {s.Rto.RttVar.TotalMilliseconds:0.#} ms, {s.Rto.Samples} samples)"));
        output.WriteLine(s.FinishedAt is null
            ? Invariant($"  did not finish: the run ended at {finish:0.###} s of virtual time; goodput {r.Goodput:0.#} segments/s")
            : Invariant($"  finished at {finish:0.###} s of virtual time; goodput {r.Goodput:0.#} segments/s"));
        output.WriteLine(Invariant($"  run: {Report.OutcomeName(r.Run.Outcome)}, {r.Run.Events} events, fingerprint {r.Run.Fingerprint:x16}"));
        return summary.ExitCode;
    }

}

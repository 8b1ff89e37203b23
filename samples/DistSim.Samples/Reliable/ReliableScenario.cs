using System.Globalization;
using System.Text.Json;
using DistSim.Links;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Samples.Cli;
using DistSim.Timing;

namespace DistSim.Samples.Reliable;

/// <summary>A message of the <c>reliable</c> scenario.</summary>
/// <param name="Seq">Per-sender sequence number, 0, 1, 2, …</param>
/// <param name="Value">A random value (something for an adversary to tamper with).</param>
public sealed record Payload(int Seq, long Value);

/// <summary>One run of <c>reliable</c>: what the applications saw and what the links did.</summary>
/// <param name="Simulation">The finished simulation.</param>
/// <param name="Run">How the run ended.</param>
/// <param name="Delivered">Payloads handed to the applications, copies and fakes included: <see cref="Unique"/> + <see cref="Duplicates"/> + <see cref="NeverSent"/>.</param>
/// <param name="Unique">Distinct messages delivered: (sender, sequence number) pairs of messages that were sent, with the value sent; never more than the messages sent.</param>
/// <param name="Duplicates">Deliveries of a message already delivered (network duplicates and replays the link let through).</param>
/// <param name="NeverSent">Deliveries of a payload no node sent on that pair (tampered or forged): not messages, so neither distinct nor missing.</param>
/// <param name="Links">The link counters, summed over the ring's pairs.</param>
public sealed record ReliableRun(Simulation Simulation, RunResult Run, long Delivered, long Unique, long Duplicates, long NeverSent, LinkCounters Links) : IScenarioRun
{
    /// <summary>Messages sent that were never delivered (between 0 and <paramref name="sent"/>).</summary>
    /// <param name="sent">Messages the senders were to send.</param>
    public long Missing(long sent) => sent - Unique;
}

/// <summary>
/// The <c>reliable</c> scenario: N messages around a ring of nodes over a chosen link kind, on a lossy
/// network, optionally under an in-transit adversary; reports what the applications saw.
/// </summary>
public sealed class ReliableScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "reliable";

    /// <inheritdoc />
    public string Summary => "N messages over fair-loss, reliable or authenticated links, with loss and an optional adversary";

    /// <inheritdoc />
    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("link", "KIND", "fair-loss | reliable | authenticated", "reliable"),
        new("messages", "N", "messages in all", "10000"),
        new("nodes", "K", "nodes in a ring; node i sends to node i+1", "2"),
        new("loss", "P", "probability that a packet is lost", "0.1"),
        new("duplicate", "P", "probability that a packet is duplicated", "0"),
        new("delay", "DIST", "packet delay: " + DelaySpec.Forms, "exp:5ms,1ms"),
        new("interval", "D", "each sender sends one message every D", "1ms"),
        new("window", "W", "reliable/authenticated: messages in flight per pair", "64"),
        new("retransmit", "D", "reliable/authenticated: first retransmission after D", "100ms"),
        new("backlog", "N", "reliable/authenticated: messages that may wait for the window per pair", "100000"),
        new("adversary", "SPEC", "in-transit adversary, e.g. tamper=0.1,forge=0.1,replay=0.1"),
    ];

    /// <inheritdoc />
    public int Run(ScenarioArgs args, TextWriter output)
    {
        if (args.Sweep > 0)
        {
            throw new UsageException("--sweep: the reliable scenario runs one seed");
        }

        string linkName = args.GetChoice("link", "reliable", "fair-loss", "reliable", "authenticated");
        args.RejectUnless("window", linkName != "fair-loss", "only with --link reliable or authenticated (a fair-loss link has no window)");
        args.RejectUnless("retransmit", linkName != "fair-loss", "only with --link reliable or authenticated (a fair-loss link never retransmits)");
        args.RejectUnless("backlog", linkName != "fair-loss", "only with --link reliable or authenticated (a fair-loss link has no send backlog)");
        int messages = args.GetInt("messages", 10_000, min: 1, max: 10_000_000);
        int nodes = args.GetInt("nodes", 2, min: 2, max: 1000);
        var reliability = new ReliableLinkOptions
        {
            Window = args.GetInt("window", 64, min: 1, max: 1_000_000),
            RetransmitInterval = args.GetDuration("retransmit", TimeSpan.FromMilliseconds(100)),
            BacklogLimit = args.GetInt("backlog", ReliableLinkOptions.Default.BacklogLimit, min: 0, max: int.MaxValue),
        };
        reliability = reliability with { RetransmitIntervalMax = TimeSpan.FromTicks(Math.Max(reliability.RetransmitIntervalMax.Ticks, reliability.RetransmitInterval.Ticks)) };
        ILink link = linkName switch
        {
            "fair-loss" => global::DistSim.Links.Links.FairLoss,
            "authenticated" => global::DistSim.Links.Links.Authenticated(reliability),
            _ => global::DistSim.Links.Links.Reliable(reliability),
        };
        AdversaryOptions? adversary = args.Has("adversary") ? ParseAdversary(args.GetString("adversary", string.Empty)) : null;
        TimeSpan interval = args.GetDuration("interval", TimeSpan.FromMilliseconds(1));
        var network = new FairLossLinkOptions
        {
            LossProbability = args.GetProbability("loss", 0.1),
            DuplicateProbability = args.GetProbability("duplicate", 0),
            Delay = args.GetDelay("delay", Delay.Exponential(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(1))),
        };
        ReliableRun r = null!;
        RunSummary summary = Sweep.Fold(args, (seed, settings) => Play(seed, link, adversary, network, nodes, messages, interval, settings), (_, run) => r = run);
        Simulation simulation = r.Simulation;
        AttackCounters attacks = simulation.Attacks;

        // Duplicates, fakes and accepted attacks are facts however short the run; "every message delivered" needs it complete.
        long missing = r.Missing(messages);
        bool? exactlyOnce = r.Duplicates > 0 || r.NeverSent > 0 || attacks.Accepted > 0 ? false
            : r.Unique == messages && r.Delivered == messages ? true
            : summary.Complete ? false : null;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, summary);
                json.WriteString("link", link.Name);
                json.WriteNumber("nodes", nodes);
                json.WriteNumber("sent", messages);
                json.WriteNumber("delivered", r.Delivered);
                json.WriteNumber("uniqueDelivered", r.Unique);
                json.WriteNumber("missing", missing);
                json.WriteNumber("applicationDuplicates", r.Duplicates);
                json.WriteNumber("neverSent", r.NeverSent);
                Report.WriteVerdict(json, "exactlyOnce", exactlyOnce);
                json.WriteNumber("packets", simulation.Messages.Packets);
                WriteLinkCounters(json, r.Links);
                WriteAttacks(json, adversary, attacks);
            }));
            return summary.ExitCode;
        }

        output.WriteLine(Invariant($"reliable: {messages} messages over {link.Name} links, {nodes} nodes, seed {args.Seed}"));
        Report.WriteLimitLine(output, summary);
        string verdict = exactlyOnce switch { true => "yes", false => "no", null => "unknown: the run stopped with messages missing (incomplete)" };
        output.WriteLine(Invariant($"  application: {r.Delivered} delivered: {r.Unique} distinct, {r.Duplicates} duplicates, {r.NeverSent} never sent (tampered or forged); {missing} of {messages} missing; exactly once: {verdict}"));
        output.WriteLine(Invariant($"  wire: {simulation.Messages.Packets} packets, {simulation.Messages.Dropped} dropped, {simulation.Messages.Duplicated} duplicated by the network"));
        LinkCounters totals = r.Links;
        output.WriteLine(Invariant($"  links: {totals.Retransmitted} retransmitted, {totals.AcksSent} acks, {totals.Acknowledged} acknowledged, {totals.DuplicatesSuppressed} duplicates suppressed, {totals.Rejected} rejected, {totals.Stale} stale, {totals.Handshakes} handshakes; backlog high water {totals.BacklogHighWater}"));
        if (adversary is not null)
        {
            output.WriteLine(Invariant($"  adversary: {attacks.TamperAttempts} tampered, {attacks.ForgeAttempts} forged, {attacks.ReplayAttempts} replayed; accepted by nodes: {attacks.TamperedAccepted} tampered, {attacks.ForgedAccepted} forged, {attacks.ReplayedAccepted} replayed"));
        }

        output.WriteLine(Invariant($"  run: {Report.OutcomeName(r.Run.Outcome)} at {r.Run.Time}, {r.Run.Events} events, fingerprint {r.Run.Fingerprint:x16}"));
        return summary.ExitCode;
    }

    /// <summary>Runs one instance: <paramref name="messages"/> around a ring of <paramref name="nodes"/> nodes.</summary>
    public static ReliableRun Play(
        ulong seed, ILink link, AdversaryOptions? adversary, FairLossLinkOptions network, int nodes, int messages, TimeSpan interval, RunSettings settings)
    {
        var simulation = new Simulation(settings.ApplyTo(new SimulationOptions
        {
            Seed = seed,
            Link = link,
            Adversary = adversary,
            EventLimit = 200_000_000,
            TimeLimit = TimeSpan.FromDays(365),
            Network = network,
        }));

        // The ground truth of what was sent: sender i's k-th value, written when it sends; a receiver checks what it
        // gets against it (the scenario's observer, not part of the protocol).
        var sent = new Ledger[nodes];
        var peers = new Peer[nodes];
        for (int i = 0; i < nodes; i++)
        {
            int index = i;
            sent[i] = new Ledger((messages / nodes) + (i < messages % nodes ? 1 : 0));
            int previous = (i + nodes - 1) % nodes;
            simulation.AddNode("n" + i.ToString(CultureInfo.InvariantCulture), () => peers[index] = new Peer(new NodeId((index + 1) % nodes), sent[index], previous, sent[previous], interval));
        }

        RunResult result = simulation.Run();
        var totals = new LinkCounters();
        for (int i = 0; i < nodes; i++)
        {
            totals.Add(simulation.Network.Session(new NodeId(i), new NodeId((i + 1) % nodes)).Counters);
        }

        // A limit may stop the run before a node started: it then has received nothing.
        ReliableRun run = new(simulation, result, peers.Sum(p => p?.Delivered ?? 0), peers.Sum(p => p?.Unique ?? 0), peers.Sum(p => p?.Duplicates ?? 0), peers.Sum(p => p?.NeverSent ?? 0), totals);
        if (run.Unique > messages || run.Unique + run.Duplicates + run.NeverSent != run.Delivered)
        {
            throw new InvalidOperationException(Invariant($"reliable: the application counts do not add up: {run.Delivered} delivered, {run.Unique} distinct of {messages}, {run.Duplicates} duplicates, {run.NeverSent} never sent"));
        }

        return run;
    }

    /// <summary>Parses <c>tamper=P,forge=P,replay=P</c>: at least one, each kind at most once, no empty parts or spaces.</summary>
    public static AdversaryOptions ParseAdversary(string spec)
    {
        const string Form = "KIND=P[,KIND=P…] with KIND tamper, forge or replay, each at most once, and P in [0, 1]";
        if (spec.Length == 0)
        {
            throw new UsageException($"--adversary: empty; expected {Form}");
        }

        var options = new AdversaryOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in spec.Split(','))
        {
            string[] kv = part.Split('=');
            if (kv.Length != 2 || !double.TryParse(kv[1], ScenarioArgs.StrictFloat, CultureInfo.InvariantCulture, out double p) || !(p >= 0 && p <= 1))
            {
                throw new UsageException($"--adversary: '{part}' is not KIND=P; expected {Form}");
            }

            if (!seen.Add(kv[0]))
            {
                throw new UsageException($"--adversary: '{kv[0]}' is given twice");
            }

            options = kv[0] switch
            {
                "tamper" => options with { TamperProbability = p },
                "forge" => options with { ForgeProbability = p },
                "replay" => options with { ReplayProbability = p },
                _ => throw new UsageException($"--adversary: unknown kind '{kv[0]}' (tamper, forge, replay)"),
            };
        }

        return options;
    }

    private static void WriteLinkCounters(Utf8JsonWriter json, LinkCounters c)
    {
        json.WriteStartObject("linkCounters");
        json.WriteNumber("sent", c.Sent);
        json.WriteNumber("retransmitted", c.Retransmitted);
        json.WriteNumber("acksSent", c.AcksSent);
        json.WriteNumber("acknowledged", c.Acknowledged);
        json.WriteNumber("duplicatesSuppressed", c.DuplicatesSuppressed);
        json.WriteNumber("rejected", c.Rejected);
        json.WriteNumber("outOfWindow", c.OutOfWindow);
        json.WriteNumber("abandoned", c.Abandoned);
        json.WriteNumber("stale", c.Stale);
        json.WriteNumber("handshakes", c.Handshakes);
        json.WriteNumber("backlogHighWater", c.BacklogHighWater);
        json.WriteEndObject();
    }

    private static void WriteAttacks(Utf8JsonWriter json, AdversaryOptions? adversary, AttackCounters a)
    {
        json.WriteStartObject("adversary");
        json.WriteNumber("tamper", adversary?.TamperProbability ?? 0);
        json.WriteNumber("forge", adversary?.ForgeProbability ?? 0);
        json.WriteNumber("replay", adversary?.ReplayProbability ?? 0);
        json.WriteNumber("tamperAttempts", a.TamperAttempts);
        json.WriteNumber("forgeAttempts", a.ForgeAttempts);
        json.WriteNumber("replayAttempts", a.ReplayAttempts);
        json.WriteNumber("tamperedAccepted", a.TamperedAccepted);
        json.WriteNumber("forgedAccepted", a.ForgedAccepted);
        json.WriteNumber("replayedAccepted", a.ReplayedAccepted);
        json.WriteNumber("accepted", a.Accepted);
        json.WriteEndObject();
    }


    /// <summary>
    /// One node: sends its share to the next node, recording each value in <paramref name="sent"/>; sorts what it
    /// receives into distinct messages, duplicates, and payloads its predecessor never sent (by sequence number
    /// and value, against <paramref name="sentByPrevious"/>).
    /// </summary>
    private sealed class Peer(NodeId next, Ledger sent, int previous, Ledger sentByPrevious, TimeSpan interval) : Node
    {
        private readonly bool[] _seen = new bool[sentByPrevious.Capacity];

        public long Delivered { get; private set; }

        public long Unique { get; private set; }

        public long Duplicates { get; private set; }

        public long NeverSent { get; private set; }

        public override void OnStart()
        {
            if (sent.Capacity > 0)
            {
                SetTimer(TimeSpan.Zero);
            }
        }

        public override void OnTimer(TimerId timer, object? state)
        {
            var payload = new Payload(sent.Count, (long)Random.NextUInt64());
            sent.Add(payload.Value);
            Send(next, payload);
            if (sent.Count < sent.Capacity)
            {
                SetTimer(interval);
            }
        }

        public override void OnMessage(NodeId from, object message)
        {
            Delivered++;
            if (message is not Payload p || from.Value != previous || !sentByPrevious.Holds(p.Seq, p.Value))
            {
                NeverSent++; // tampered or forged: a payload the predecessor never sent (a value is a random 64-bit number)
            }
            else if (_seen[p.Seq])
            {
                Duplicates++;
            }
            else
            {
                _seen[p.Seq] = true;
                Unique++;
            }
        }
    }

    /// <summary>The values one sender sent, by sequence number: the ground truth a receiver checks a payload against.</summary>
    /// <param name="capacity">Messages the sender is to send.</param>
    private sealed class Ledger(int capacity)
    {
        private readonly long[] _values = new long[capacity];

        public int Capacity => _values.Length;

        public int Count { get; private set; }

        public void Add(long value) => _values[Count++] = value;

        /// <summary>Whether message <paramref name="seq"/> was sent, with <paramref name="value"/>.</summary>
        public bool Holds(int seq, long value) => seq >= 0 && seq < Count && _values[seq] == value;
    }
}

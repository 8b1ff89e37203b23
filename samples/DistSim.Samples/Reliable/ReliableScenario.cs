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
        var simulation = new Simulation(new SimulationOptions
        {
            Seed = args.Seed,
            Link = link,
            Adversary = adversary,
            RecordTrace = args.RecordTrace,
            EventLimit = 200_000_000,
            TimeLimit = TimeSpan.FromDays(365),
            Network = new FairLossLinkOptions
            {
                LossProbability = args.GetProbability("loss", 0.1),
                DuplicateProbability = args.GetProbability("duplicate", 0),
                Delay = args.GetDelay("delay", Delay.Exponential(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(1))),
            },
        });

        var peers = new List<Peer>();
        for (int i = 0; i < nodes; i++)
        {
            int count = (messages / nodes) + (i < messages % nodes ? 1 : 0);
            var next = new NodeId((i + 1) % nodes);
            simulation.AddNode("n" + i.ToString(CultureInfo.InvariantCulture), () =>
            {
                var peer = new Peer(next, count, interval);
                peers.Add(peer);
                return peer;
            });
        }

        RunResult result = simulation.Run();
        if (args.RecordTrace)
        {
            Report.WriteFiles(args, simulation);
        }

        var totals = new LinkCounters();
        for (int i = 0; i < nodes; i++)
        {
            LinkCounters c = simulation.Network.Session(new NodeId(i), new NodeId((i + 1) % nodes)).Counters;
            totals.Add(c);
        }

        long delivered = peers.Sum(p => p.Delivered);
        long unique = peers.Sum(p => p.Unique);
        long duplicates = peers.Sum(p => p.Duplicates);
        AttackCounters attacks = simulation.Attacks;
        bool exactlyOnce = unique == messages && duplicates == 0 && attacks.Accepted == 0 && delivered == messages;
        if (args.Json)
        {
            output.WriteLine(Report.Json(json =>
            {
                Report.WriteCommon(json, Name, args.Seed, Report.OutcomeName(result.Outcome), result.Fingerprint,
                    result.Time.TotalSeconds, result.Events, RunTotals.Of(simulation));
                json.WriteString("link", link.Name);
                json.WriteNumber("nodes", nodes);
                json.WriteNumber("sent", messages);
                json.WriteNumber("delivered", delivered);
                json.WriteNumber("uniqueDelivered", unique);
                json.WriteNumber("missing", messages - unique);
                json.WriteNumber("applicationDuplicates", duplicates);
                json.WriteBoolean("exactlyOnce", exactlyOnce);
                json.WriteNumber("packets", simulation.Messages.Packets);
                WriteLinkCounters(json, totals);
                WriteAttacks(json, adversary, attacks);
            }));
            return 0;
        }

        output.WriteLine(Invariant($"reliable: {messages} messages over {link.Name} links, {nodes} nodes, seed {args.Seed}"));
        output.WriteLine(Invariant($"  application: {delivered} delivered, {unique} distinct, {messages - unique} missing, {duplicates} duplicates; exactly once: {(exactlyOnce ? "yes" : "no")}"));
        output.WriteLine(Invariant($"  wire: {simulation.Messages.Packets} packets, {simulation.Messages.Dropped} dropped, {simulation.Messages.Duplicated} duplicated by the network"));
        output.WriteLine(Invariant($"  links: {totals.Retransmitted} retransmitted, {totals.AcksSent} acks, {totals.Acknowledged} acknowledged, {totals.DuplicatesSuppressed} duplicates suppressed, {totals.Rejected} rejected, {totals.Stale} stale, {totals.Handshakes} handshakes; backlog high water {totals.BacklogHighWater}"));
        if (adversary is not null)
        {
            output.WriteLine(Invariant($"  adversary: {attacks.TamperAttempts} tampered, {attacks.ForgeAttempts} forged, {attacks.ReplayAttempts} replayed; accepted by nodes: {attacks.TamperedAccepted} tampered, {attacks.ForgedAccepted} forged, {attacks.ReplayedAccepted} replayed"));
        }

        output.WriteLine(Invariant($"  run: {Report.OutcomeName(result.Outcome)} at {result.Time}, {result.Events} events, fingerprint {result.Fingerprint:x16}"));
        return 0;
    }

    /// <summary>Parses <c>tamper=P,forge=P,replay=P</c> (any subset).</summary>
    public static AdversaryOptions ParseAdversary(string spec)
    {
        var options = new AdversaryOptions();
        foreach (string part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] kv = part.Split('=');
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !(p >= 0 && p <= 1))
            {
                throw new UsageException($"--adversary: '{part}' is not KIND=P with P in [0, 1] (KIND: tamper, forge, replay)");
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


    /// <summary>One node: sends its share to the next node, counts what it receives by (sender, seq).</summary>
    private sealed class Peer(NodeId next, int count, TimeSpan interval) : Node
    {
        private readonly HashSet<(int From, int Seq)> _seen = [];
        private int _sent;

        public long Delivered { get; private set; }

        public long Unique { get; private set; }

        public long Duplicates { get; private set; }

        public override void OnStart()
        {
            if (count > 0)
            {
                SetTimer(TimeSpan.Zero);
            }
        }

        public override void OnTimer(TimerId timer, object? state)
        {
            Send(next, new Payload(_sent++, (long)Random.NextUInt64()));
            if (_sent < count)
            {
                SetTimer(interval);
            }
        }

        public override void OnMessage(NodeId from, object message)
        {
            Delivered++;
            if (message is Payload p && _seen.Add((from.Value, p.Seq)))
            {
                Unique++;
            }
            else
            {
                Duplicates++;
            }
        }
    }
}

// The examples of docs/guides/custom-models.md, compiled and run as tests so that the guide never lies.
// Each block between the "snippet" comments is the guide's snippet, word for word.
using System.Globalization;
using DistSim.Failures;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Testing.Contracts;
using DistSim.Timing;

namespace DistSim.Tests.Examples;

// snippet: measured-latency-model
/// <summary>
/// One-way delays replayed from measured round-trip times: each packet takes half of one measured RTT, drawn
/// uniformly from the measurements (a bootstrap resample). The link's own delay is replaced. The largest
/// measured one-way delay bounds every delay, so the model declares it as Δ and behaves as a synchronous model.
/// </summary>
public sealed class MeasuredLatencyModel : TimingModel
{
    private readonly Delay _oneWay;

    public MeasuredLatencyModel(IEnumerable<TimeSpan> roundTrips)
        : base("measured-latency") => _oneWay = Delay.Empirical(roundTrips.Select(rtt => rtt / 2));

    public override TimeSpan? DelayBound => _oneWay.Maximum;

    protected override TimeSpan GetDelayCore(DelayContext context) => context.Sample(_oneWay);

    /// <summary>Reads one RTT in milliseconds per line; lines starting with '#' are comments.</summary>
    public static MeasuredLatencyModel FromFile(string path) => new(
        File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => TimeSpan.FromMilliseconds(double.Parse(line, CultureInfo.InvariantCulture))));
}
// end snippet

// snippet: lie-to-one-peer
/// <summary>
/// Honest with every peer but one: the victim gets <c>lie(message)</c> instead (by default one field changed),
/// each time recorded in the trace as a <see cref="FaultKinds.Lie"/>.
/// </summary>
public sealed class LieToOnePeer(NodeId victim, Func<object, RandomStream, object?>? lie = null) : ByzantineBehavior
{
    private readonly Func<object, RandomStream, object?> _lie = lie ?? MessageTampering.ChangeOneField;

    protected override void OnSend(ByzantineSendContext context, NodeId to, object message)
    {
        if (to == victim && _lie(message, context.Random) is { } falsehood)
        {
            context.RecordFault(FaultKinds.Lie, $"told {to} {falsehood} instead of {message}");
            context.Send(to, falsehood);
            return;
        }

        context.Send(to, message);
    }
}
// end snippet

// snippet: contracts
public sealed class MeasuredLatencyModelContract : TimingModelContract
{
    protected override TimingModel CreateModel() => MeasuredLatencyModel.FromFile("Timing/Data/synthetic-rtt.txt");
}

public sealed class LieToOnePeerContract : ByzantineBehaviorContract
{
    protected override ByzantineBehavior CreateBehavior() => new LieToOnePeer(victim: new NodeId(1));
}
// end snippet

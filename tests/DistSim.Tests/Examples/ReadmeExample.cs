// The README's example, compiled and run as a test so that the README never lies.
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Examples;

public sealed record Ask(int Seq);

public sealed record Answer(int Seq);

public sealed class Asker(NodeId peer) : Node
{
    public int Answers { get; private set; }

    public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(10));

    public override void OnTimer(TimerId timer, object? state)
    {
        Send(peer, new Ask(Answers));
        SetTimer(TimeSpan.FromMilliseconds(10));
    }

    public override void OnMessage(NodeId from, object message) => Answers += message is Answer ? 1 : 0;
}

public sealed class Answerer : Node
{
    public override void OnMessage(NodeId from, object message)
    {
        if (message is Ask ask)
        {
            Send(from, new Answer(ask.Seq));
        }
    }
}

public class ReadmeExample
{
    [Fact(DisplayName = "30% loss each way: about half of the questions get an answer, and drops really happened")]
    public void AboutHalfTheQuestionsAreAnswered()
    {
        var sim = new Simulation(new SimulationOptions
        {
            Seed = 42,
            Network = new FairLossLinkOptions { LossProbability = 0.3, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)) },
        });
        NodeId b = new(1);
        NodeId a = sim.AddNode("A", () => new Asker(b));
        sim.AddNode("B", () => new Answerer());

        sim.RunUntil(SimTime.FromSeconds(10)); // 1,000 questions; each answered with probability 0.7 × 0.7

        Assert.InRange(sim.GetNode<Asker>(a).Answers, 440, 540);
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop);
    }
}

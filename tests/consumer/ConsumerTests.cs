using DistSim;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Testing;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace DistSim.Consumer.Tests;

public sealed record Ask(int Seq);

public sealed record Answer(int Seq);

public sealed class Asker(NodeId peer) : Node
{
    public int Answers { get; private set; }

    public int Asked { get; private set; }

    public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(10));

    public override void OnTimer(TimerId timer, object? state)
    {
        Send(peer, new Ask(Asked++));
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
            Logger.LogDebug("answering question {Seq}", ask.Seq);
            Send(from, new Answer(ask.Seq));
        }
    }
}

public class ConsumerTests
{
    private static Simulation Run(ulong seed, ILoggerFactory? logging = null)
    {
        var sim = new Simulation(new SimulationOptions
        {
            Seed = seed,
            Network = new FairLossLinkOptions { LossProbability = 0.3, Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)) },
            LoggerFactory = logging,
        });
        NodeId b = new(1);
        sim.AddNode("A", () => new Asker(b));
        sim.AddNode("B", () => new Answerer());
        sim.RunUntil(SimTime.FromSeconds(10));
        return sim;
    }

    [Fact]
    public void AboutHalfTheQuestionsAreAnswered_AndTheLossHappened()
    {
        Simulation sim = Run(42);

        Assert.InRange(sim.GetNode<Asker>(new NodeId(0)).Answers, 440, 540);
        Assert.Contains(sim.Trace.Events, e => e.Kind == TraceEventKind.Drop);
        Assert.Equal(Run(42).Trace.Fingerprint, sim.Trace.Fingerprint);
    }

    [Fact]
    public void APropertyOverSeeds_FromDistSimTesting()
    {
        SeedProperty.Check(
            seed =>
            {
                Asker asker = Run(seed).GetNode<Asker>(new NodeId(0));
                Assert.InRange(asker.Answers, (int)(asker.Asked * 0.40), (int)(asker.Asked * 0.58));
            },
            new SeedPropertyOptions { Count = 50 });
    }

    /// <summary>The app stays on its logging release: DistSim's dependency is a floor of 8.0.0, not the newest.</summary>
    [Fact]
    public void TheAppsOwnLoggingRelease_IsTheOneLoaded_AndDistSimLogsThroughIt()
    {
        Assert.Equal(8, typeof(ILogger).Assembly.GetName().Version!.Major);
        var sink = new ListLoggerProvider();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));

        Run(3, factory);

        Assert.Contains(sink.Lines, l => l.Contains("B] answering question", StringComparison.Ordinal)); // DistSim's prefix: [time node]
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(Lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception));
                }
            }
        }
    }
}

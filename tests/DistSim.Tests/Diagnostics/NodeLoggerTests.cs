using DistSim.Tests.Support;
using Microsoft.Extensions.Logging;

namespace DistSim.Tests.Diagnostics;

public class NodeLoggerTests
{
    private sealed class Capture : ILoggerProvider, ILogger
    {
        public List<(string Text, IReadOnlyList<KeyValuePair<string, object?>> State)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((formatter(state, exception), (IReadOnlyList<KeyValuePair<string, object?>>)state!));

        public void Dispose()
        {
        }
    }

    /// <summary>A logger that hands each entry to the thread pool and flushes on a wall-clock timer, as batching loggers do.</summary>
    private sealed class Batching : ILoggerProvider, ILogger
    {
        private int _written;

        public int Written => Volatile.Read(ref _written);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string text = formatter(state, exception);
            ThreadPool.UnsafeQueueUserWorkItem(_ => Interlocked.Increment(ref _written), text);
            using var flush = new Timer(_ => { }, null, 60_000, Timeout.Infinite);
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void AUsersLoggerThatWorksOnTheThreadPool_IsNotTakenForTheNodesEscape()
    {
        var batching = new Batching();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(batching));
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, LoggerFactory = factory, ThrowOnNodeFault = false });
        sim.AddNode("alice", () => new Scripted(
            onStart: c => c.SetTimer(TimeSpan.FromSeconds(1)),
            onTimer: (c, _) => c.Logger.LogInformation("tick")));

        RunResult result = sim.Run();

        Assert.Null(result.Failure);
        Assert.Equal(RunOutcome.Quiescent, result.Outcome);
        Assert.True(SpinWait.SpinUntil(() => batching.Written == 1, TimeSpan.FromSeconds(30)), "the logger's work item never ran");
    }

    [Fact]
    public void NodeLogger_EntriesCarryVirtualTimeAndNode()
    {
        var capture = new Capture();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(capture));
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, LoggerFactory = factory });
        sim.AddNode("alice", () => new Scripted(
            onStart: c => c.SetTimer(TimeSpan.FromSeconds(2.5)),
            onTimer: (c, _) => c.Logger.LogInformation("tick {Count}", 7)));

        sim.Run();

        var entry = Assert.Single(capture.Entries);
        Assert.Equal("[2.5000000s alice] tick 7", entry.Text);
        Assert.Contains(entry.State, kv => kv.Key == "Node" && (string?)kv.Value == "alice");
        Assert.Contains(entry.State, kv => kv.Key == "VirtualTime" && kv.Value is DistSim.Time.SimTime t && t.TotalSeconds == 2.5);
        Assert.Contains(entry.State, kv => kv.Key == "NodeId" && (int?)kv.Value == 0);
        Assert.Contains(entry.State, kv => kv.Key == "Count" && (int?)kv.Value == 7);
    }
}

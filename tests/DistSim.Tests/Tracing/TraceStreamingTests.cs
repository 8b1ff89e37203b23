using System.Globalization;
using DistSim.Failures;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Timing;
using FsCheck.Xunit;

namespace DistSim.Tests.Tracing;

public class TraceStreamingTests
{
    private static readonly FairLossLinkOptions Lossy = new()
    {
        LossProbability = 0.2,
        DuplicateProbability = 0.1,
        Delay = Delay.Exponential(TimeSpan.FromMilliseconds(5)),
    };

    /// <summary>Three nodes gossiping over a lossy network with crashes and restarts: drops, duplicates, timers, faults.</summary>
    private static DistSim.Simulation Gossip(ulong seed, TextWriter? writer, bool? record, int traceLimit = 1_000_000, bool vectorClocks = false)
    {
        var options = new SimulationOptions
        {
            Seed = seed,
            Network = Lossy,
            TimeLimit = TimeSpan.FromSeconds(2),
            TraceWriter = writer,
            TraceLimit = traceLimit,
            VectorClocks = vectorClocks,
            Nemesis = new NemesisOptions { MeanTimeBetweenCrashes = TimeSpan.FromMilliseconds(300), Downtime = Delay.Constant(TimeSpan.FromMilliseconds(50)) },
        };
        if (record is { } r)
        {
            options = options with { RecordTrace = r };
        }

        var sim = new DistSim.Simulation(options);
        for (int i = 0; i < 3; i++)
        {
            sim.AddNode(
                "g" + i.ToString(CultureInfo.InvariantCulture),
                () => new Scripted(
                    onStart: c => c.SetTimer(TimeSpan.FromMilliseconds(c.Random.NextBelow(10))),
                    onTimer: (c, _) =>
                    {
                        c.Send(new NodeId((int)c.Random.NextBelow(3)), new Ping((int)c.Random.NextBelow(1000)));
                        c.SetTimer(TimeSpan.FromMilliseconds(1 + c.Random.NextBelow(20)));
                    }),
                FailureModels.CrashRecover());
        }

        sim.Run();
        return sim;
    }

    private static string Streamed(DistSim.Simulation sim, StringWriter lines)
    {
        var header = new StringWriter(CultureInfo.InvariantCulture);
        sim.Trace.WriteJsonLinesHeader(header);
        return header + lines.ToString();
    }

    [Property(MaxTest = 15)]
    public bool StreamedTrace_WithItsHeader_IsTheInMemoryExport_ByteForByte(ulong seed)
    {
        string memory = Gossip(seed, null, record: true).Trace.ToJsonLines();
        var lines = new StringWriter(CultureInfo.InvariantCulture);
        DistSim.Simulation streamed = Gossip(seed, lines, record: null);

        return Streamed(streamed, lines) == memory && streamed.Trace.Events.Count == 0 && memory.Split('\n').Length > 100;
    }

    [Property(MaxTest = 10)]
    public bool StreamedTrace_CappedByTraceLimit_MatchesTheTruncatedExport(ulong seed)
    {
        string memory = Gossip(seed, null, record: true, traceLimit: 50, vectorClocks: true).Trace.ToJsonLines();
        var lines = new StringWriter(CultureInfo.InvariantCulture);
        DistSim.Simulation streamed = Gossip(seed, lines, record: false, traceLimit: 50, vectorClocks: true);

        return Streamed(streamed, lines) == memory && streamed.Trace.IsTruncated && memory.Contains("\"truncated\":true", StringComparison.Ordinal);
    }

    [Fact]
    public void TraceWriter_KeepsNoEventsUnlessRecordingIsAsked_AndChangesNothingElse()
    {
        var lines = new StringWriter(CultureInfo.InvariantCulture);
        var both = new StringWriter(CultureInfo.InvariantCulture);
        DistSim.Simulation plain = Gossip(7, null, record: null);
        DistSim.Simulation streamed = Gossip(7, lines, record: null);
        DistSim.Simulation recordedToo = Gossip(7, both, record: true);

        Assert.True(plain.Options.RecordTrace);
        Assert.False(streamed.Options.RecordTrace);
        Assert.Empty(streamed.Trace.Events);
        Assert.Equal(plain.Trace.Events.Count, recordedToo.Trace.Events.Count);
        Assert.Equal(plain.Trace.Fingerprint, streamed.Trace.Fingerprint);
        Assert.Equal(lines.ToString(), both.ToString());
        Assert.Equal(plain.Trace.ToJsonLines(), Streamed(recordedToo, both));
    }

    /// <summary>A trace writer that hands every line to the thread pool, as an asynchronous file sink does.</summary>
    private sealed class PoolWriter : StringWriter
    {
        private int _lines;

        public PoolWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public int Lines => Volatile.Read(ref _lines);

        public override void Write(char[] buffer, int index, int count)
        {
            base.Write(buffer, index, count);
            ThreadPool.UnsafeQueueUserWorkItem(_ => Interlocked.Increment(ref _lines), null);
        }
    }

    [Fact]
    public void ATraceWriterThatWorksOnTheThreadPool_IsNotTakenForTheSendingNodesEscape()
    {
        var writer = new PoolWriter();
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 3, TraceWriter = writer, ThrowOnNodeFault = false });
        sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Reading(1.5)))); // streamed from inside a's handler
        sim.AddNode("b", () => new Scripted());

        RunResult result = sim.Run();

        Assert.Null(result.Failure);
        Assert.Equal(RunOutcome.Quiescent, result.Outcome);
        Assert.Contains("\"send\"", writer.ToString(), StringComparison.Ordinal);
        Assert.True(SpinWait.SpinUntil(() => writer.Lines > 0, TimeSpan.FromSeconds(30)), "the writer's work items never ran");
    }

    [Fact]
    public void CultureOfTheHost_DoesNotChangeTheStreamedBytes()
    {
        static string Run()
        {
            var lines = new StringWriter(CultureInfo.InvariantCulture);
            var sim = new DistSim.Simulation(new SimulationOptions { Seed = 3, TraceWriter = lines });
            sim.AddNode("a", () => new Scripted(onStart: c => c.Send(new NodeId(1), new Reading(1.5))));
            sim.AddNode("b", () => new Scripted());
            sim.Run();
            return lines.ToString();
        }

        CultureInfo saved = CultureInfo.CurrentCulture;
        string invariant, german;
        try
        {
            invariant = Run();
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            german = Run();
            Assert.Equal("de-DE", CultureInfo.CurrentCulture.Name); // restored after each line
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        Assert.Contains("Reading { Value = 1.5 }", invariant, StringComparison.Ordinal);
        Assert.Equal(invariant, german);
    }

    [Fact]
    public void AFailingWriter_StopsTheStreamNotTheRun_AndTheHeaderRefusesToPassForAWholeTrace()
    {
        var failing = new FailingWriter(after: 20);
        DistSim.Simulation sim = Gossip(5, failing, record: false);
        DistSim.Simulation reference = Gossip(5, null, record: false);

        Assert.Equal(reference.Trace.Fingerprint, sim.Trace.Fingerprint); // the run went on, unaffected
        Assert.Null(sim.Failure); // and the I/O error was not blamed on node code
        Assert.IsType<IOException>(sim.Trace.WriterFailure);
        Assert.Equal(20, failing.Writes);
        var ex = Assert.Throws<InvalidOperationException>(() => sim.Trace.WriteJsonLinesHeader(new StringWriter(CultureInfo.InvariantCulture)));
        Assert.Contains("incomplete", ex.Message, StringComparison.Ordinal);
    }

    private sealed record Reading(double Value);

    private sealed class FailingWriter(int after) : TextWriter
    {
        public int Writes { get; private set; }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char[] buffer, int index, int count)
        {
            if (Writes == after)
            {
                throw new IOException("disk full");
            }

            Writes++;
        }
    }
}

using DistSim.Diagnostics;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Sweeps;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Nodes;

/// <summary>Request/response between async nodes over lossy links: correlation, timeouts, late replies, errors, crashes.</summary>
public class RpcTests
{
    private sealed record Get(string Key);

    private sealed record Boom(bool Fault);

    /// <summary>Answers <see cref="Get"/> with the key's length after <paramref name="thinkMs"/>; <see cref="Boom"/> with an error or a bug.</summary>
    private sealed class Server(double thinkMs) : AsyncNode
    {
        protected override async Task<object?> OnRequestAsync(NodeId from, object request)
        {
            await Delay(TimeSpan.FromMilliseconds(thinkMs));
            return request switch
            {
                Get g => g.Key.Length,
                Boom { Fault: true } => throw new RpcFaultException("no such thing"),
                Boom => throw new InvalidOperationException("server bug"),
                _ => null,
            };
        }
    }

    /// <summary>Makes <paramref name="calls"/> calls one after another; records each outcome with its incarnation and time.</summary>
    private sealed class Client(NodeId server, int calls, double timeoutMs, Func<int, object> request, List<(int Incarnation, double Ms, string Outcome)> log) : AsyncNode
    {
        protected override async Task OnStartAsync()
        {
            for (int i = 0; i < calls; i++)
            {
                string outcome;
                try
                {
                    int length = await CallAsync<int>(server, request(i), TimeSpan.FromMilliseconds(timeoutMs));
                    outcome = "ok:" + length;
                }
                catch (RpcTimeoutException)
                {
                    outcome = "timeout";
                }
                catch (RpcRemoteException e)
                {
                    outcome = "error:" + e.Error;
                }

                log.Add((Context.Incarnation, LocalNow.SinceStart.TotalMilliseconds, outcome));
            }
        }
    }

    private static (Simulation Sim, RunResult Result) Run(
        ulong seed, double thinkMs, double timeoutMs, int calls, List<(int, double, string)> log, double loss = 0, Func<int, object>? request = null, ILink? link = null,
        SchedulingStrategy scheduling = SchedulingStrategy.Fifo)
    {
        var sim = new Simulation(new SimulationOptions
        {
            Seed = seed,
            Scheduling = scheduling,
            RecordTrace = true,
            ThrowOnNodeFault = false,
            Network = new FairLossLinkOptions { LossProbability = loss },
            Link = link ?? global::DistSim.Links.Links.FairLoss,
            TimeLimit = TimeSpan.FromSeconds(60),
        });
        NodeId s = sim.AddNode("server", () => new Server(thinkMs));
        sim.AddNode("client", () => new Client(s, calls, timeoutMs, request ?? (i => new Get(new string('k', i + 1))), log));
        return (sim, sim.Run());
    }

    [Fact]
    public void Calls_GetTheirTypedReplies_InOrder()
    {
        var log = new List<(int, double, string)>();
        (Simulation sim, RunResult result) = Run(1, thinkMs: 2, timeoutMs: 1000, calls: 5, log);

        Assert.Null(result.Failure);
        Assert.Equal(["ok:1", "ok:2", "ok:3", "ok:4", "ok:5"], log.Select(l => l.Item3));
        Assert.Equal((5, 5, 5, 0, 0), (sim.Rpc.Calls, sim.Rpc.Requests, sim.Rpc.Replies, sim.Rpc.TimedOut, sim.Rpc.LateReplies));
        Assert.Equal(5, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver && e.Payload is RpcReply));
    }

    [Fact]
    public void ASlowServer_TimesEveryCallOut_AndItsRepliesAreDroppedAsLate()
    {
        var log = new List<(int, double, string)>();
        (Simulation sim, RunResult result) = Run(2, thinkMs: 50, timeoutMs: 20, calls: 4, log);

        Assert.Null(result.Failure);
        Assert.Equal(["timeout", "timeout", "timeout", "timeout"], log.Select(l => l.Item3));
        Assert.Equal(4, sim.Rpc.TimedOut);
        Assert.Equal(4, sim.Rpc.LateReplies); // every reply came, after its call had given up
        Assert.Equal(0, sim.Rpc.Replies);
        Assert.Equal(4, sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver && e.Payload is RpcReply)); // delivered, then dropped by the caller
    }

    [Property(MaxTest = 30)]
    public void OverALossyLink_EveryCallEndsOnce_AndTheCountersAddUp(ulong seed, byte lossPercent)
    {
        double loss = (lossPercent % 70) / 100.0;
        var log = new List<(int, double, string)>();
        (Simulation sim, RunResult result) = Run(seed, thinkMs: 1, timeoutMs: 15, calls: 20, log, loss);

        Assert.Null(result.Failure);
        Assert.Equal(20, log.Count);
        RpcCounters c = sim.Rpc;
        Assert.Equal(c.Calls, c.Replies + c.TimedOut);
        Assert.Equal(log.Count(l => l.Item3 == "timeout"), c.TimedOut);
        long repliesDelivered = sim.Trace.Events.Count(e => e.Kind == TraceEventKind.Deliver && e.Payload is RpcReply);
        Assert.Equal(repliesDelivered, c.Replies + c.LateReplies);
        Assert.True(loss > 0 || c.TimedOut == 0);
    }

    [Fact]
    public void AnRpcFault_IsTheCallersRemoteError_ButAnyOtherServerException_FailsTheRun()
    {
        var log = new List<(int, double, string)>();
        (_, RunResult ok) = Run(3, 1, 100, 1, log, request: _ => new Boom(Fault: true));
        Assert.Null(ok.Failure);
        Assert.Equal(["error:no such thing"], log.Select(l => l.Item3));

        log.Clear();
        (_, RunResult bug) = Run(3, 1, 100, 1, log, request: _ => new Boom(Fault: false));
        SimulationFailureException failure = Assert.IsType<SimulationFailureException>(bug.Failure);
        Assert.Equal("server", failure.NodeName);
        Assert.Equal("server bug", failure.InnerException!.Message);
        Assert.Empty(log);
    }

    [Fact]
    public void Calls_WorkOverTheAuthenticatedLink()
    {
        var log = new List<(int, double, string)>();
        (_, RunResult result) = Run(4, 1, 1000, 3, log, link: global::DistSim.Links.Links.Authenticated());

        Assert.Null(result.Failure);
        Assert.Equal(["ok:1", "ok:2", "ok:3"], log.Select(l => l.Item3));
    }

    [Fact]
    public void ACallersCrash_AbandonsItsCall_TheReplyToTheNextIncarnationIsLate()
    {
        var log = new List<(int, double, string)>();
        var sim = new Simulation(new SimulationOptions { Seed = 9, RecordTrace = true, ThrowOnNodeFault = false, TimeLimit = TimeSpan.FromSeconds(5) });
        NodeId s = sim.AddNode("server", () => new Server(30));
        NodeId c = sim.AddNode("client", () => new Client(s, 1, 1000, _ => new Get("abc"), log), DistSim.Failures.FailureModels.CrashRecover());
        sim.At(global::DistSim.Time.SimTime.FromSeconds(0.010), () => sim.CrashFor(c, TimeSpan.FromMilliseconds(5)));
        RunResult result = sim.Run();

        Assert.Null(result.Failure);
        Assert.Equal([(2, "ok:3")], log.Select(l => (l.Item1, l.Item3))); // incarnation 1's call never resumed
        Assert.Equal(2, sim.Rpc.Calls);
        Assert.Equal(1, sim.Rpc.LateReplies); // incarnation 1's reply reached incarnation 2
        Assert.Equal(1, sim.Rpc.Replies);
    }

    private static ulong Fingerprint(ulong seed, SchedulingStrategy scheduling)
    {
        var log = new List<(int, double, string)>();
        return Run(seed, thinkMs: 1, timeoutMs: 8, calls: 15, log, loss: 0.2, scheduling: scheduling).Result.Fingerprint;
    }

    /// <summary>Both orderings of same-instant events: FIFO (continuations in the queue's lane) and random tie-break (in the heap).</summary>
    [Theory]
    [InlineData(SchedulingStrategy.Fifo)]
    [InlineData(SchedulingStrategy.RandomTieBreak)]
    public void AsyncRuns_AreIdentical_ForAnyDegreeOfSweepParallelism(SchedulingStrategy scheduling)
    {
        var one = new List<(ulong, ulong)>();
        var two = new List<(ulong, ulong)>();
        SeedSweep.Run(new SeedSweepOptions { FirstSeed = 100, Count = 200, Parallelism = 1 }, s => Fingerprint(s, scheduling), (s, f) => one.Add((s, f)), TestContext.Current.CancellationToken);
        SeedSweep.Run(new SeedSweepOptions { FirstSeed = 100, Count = 200, Parallelism = 2 }, s => Fingerprint(s, scheduling), (s, f) => two.Add((s, f)), TestContext.Current.CancellationToken);

        Assert.Equal(one, two);
        Assert.True(one.Select(x => x.Item2).Distinct().Count() > 150); // the seed matters: runs differ
    }
}

using DistSim.Checking;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Checking;

public class HistoryTests
{
    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock
    {
        public long Now { get; set; }

        public long Read() => Now;
    }

    [Fact]
    public void Outcomes_BecomeOperations_FailedOnesDropped_UnknownAndOpenOnesPending()
    {
        var clock = new ManualClock();
        var history = new History<RegisterInput<int>, int>(clock.Read);
        OperationId write = history.Invoke(0, RegisterInput<int>.Write(1));
        clock.Now = 3;
        OperationId read = history.Invoke(1, RegisterInput<int>.Read);
        OperationId refused = history.Invoke(2, RegisterInput<int>.Write(7));
        clock.Now = 5;
        history.Ok(write, 0);
        history.Fail(refused);
        clock.Now = 8;
        history.Ok(read, 1);
        OperationId lost = history.Invoke(0, RegisterInput<int>.Write(2));
        clock.Now = 9;
        history.Info(lost);
        OperationId again = history.Invoke(0, RegisterInput<int>.Read); // after an unknown outcome the client moves on
        OperationId open = history.Invoke(3, RegisterInput<int>.Write(4));

        Assert.Equal([1, 2, 3, 4, 5, 6], new[] { write, read, refused, lost, again, open }.Select(i => i.Value));
        Assert.Equal(6, history.Count);
        Assert.Equal(2, history.OpenCount);
        Assert.Equal(
            [OperationOutcome.Ok, OperationOutcome.Ok, OperationOutcome.Fail, OperationOutcome.Info, OperationOutcome.Open, OperationOutcome.Open],
            new[] { write, read, refused, lost, again, open }.Select(history.OutcomeOf));
        Assert.Equal(
            [
                new(0, 0, 5, RegisterInput<int>.Write(1), 0),
                new(1, 3, 8, RegisterInput<int>.Read, 1),
                new(0, 8, long.MaxValue, RegisterInput<int>.Write(2), 0),
                new(0, 9, long.MaxValue, RegisterInput<int>.Read, 0),
                new Operation<RegisterInput<int>, int>(3, 9, long.MaxValue, RegisterInput<int>.Write(4), 0),
            ],
            history.ToOperations());
        Assert.True(Linearizability.Check(history.ToOperations(), new RegisterModel<int>(0)));
    }

    [Fact]
    public void ToOperations_IsASnapshot()
    {
        var history = new History<int, int>(() => 0);
        OperationId id = history.Invoke(0, 1);
        IReadOnlyList<Operation<int, int>> before = history.ToOperations();
        history.Ok(id, 2);
        Assert.True(before[0].IsPending);
        Assert.False(history.ToOperations()[0].IsPending);
    }

    [Fact]
    public void InvokingWhileTheClientsOperationIsOpen_IsRefusedNamingClientAndOperation()
    {
        var history = new History<RegisterInput<int>, int>(() => 4);
        history.Invoke(7, RegisterInput<int>.Write(1));
        var ex = Assert.Throws<ArgumentException>(() => history.Invoke(7, RegisterInput<int>.Read));
        Assert.Equal("client", ex.ParamName);
        Assert.Contains("client 7 still has operation #1 (write(1), invoked at 4) open", ex.Message, StringComparison.Ordinal);
        history.Invoke(8, RegisterInput<int>.Read); // another client may
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CompletingAnOperationThatWasNeverInvoked_IsRefusedNamingTheId(bool fromAnotherHistory)
    {
        var history = new History<int, int>(() => 0);
        history.Invoke(0, 1);
        OperationId bogus = fromAnotherHistory ? NextId(history) : default;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => history.Ok(bogus, 0));
        Assert.Equal("id", ex.ParamName);
        Assert.Equal(bogus, ex.ActualValue);
        Assert.Contains("names no operation of this history (1 invoked)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => history.Fail(bogus));
        Assert.Throws<ArgumentOutOfRangeException>(() => history.Info(bogus));
    }

    /// <summary>An id from another history, beyond this one's count.</summary>
    private static OperationId NextId(History<int, int> history)
    {
        var other = new History<int, int>(() => 0);
        OperationId id = default;
        for (int i = 0; i <= history.Count; i++)
        {
            id = other.Invoke(i, 0);
        }

        return id;
    }

    [Fact]
    public void CompletingTwice_IsRefusedSayingHowAndWhenItCompleted()
    {
        var clock = new ManualClock { Now = 2 };
        var history = new History<int, int>(clock.Read);
        OperationId id = history.Invoke(5, 1);
        clock.Now = 6;
        history.Ok(id, 3);
        var ex = Assert.Throws<ArgumentException>(() => history.Info(id));
        Assert.Equal("id", ex.ParamName);
        Assert.Contains("operation #1 (client 5, 1) is already completed (Ok at 6)", ex.Message, StringComparison.Ordinal);
        OperationId failed = history.Invoke(5, 2);
        history.Fail(failed);
        Assert.Contains("already completed (Fail)", Assert.Throws<ArgumentException>(() => history.Ok(failed, 0)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadClocksAndInputs_AreRefused()
    {
        Assert.Equal("clock", Assert.Throws<ArgumentNullException>(() => new History<int, int>((Func<long>)null!)).ParamName);
        Assert.Equal("simulation", Assert.Throws<ArgumentNullException>(() => new History<int, int>((DistSim.Simulation)null!)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => new History<string, int>(() => 0).Invoke(0, null!)).ParamName);

        var clock = new ManualClock { Now = 10 };
        var history = new History<int, int>(clock.Read);
        OperationId id = history.Invoke(0, 1);
        clock.Now = 9;
        var back = Assert.Throws<InvalidOperationException>(() => history.Ok(id, 0));
        Assert.Contains("went back from 10 to 9", back.Message, StringComparison.Ordinal);
        clock.Now = long.MaxValue;
        Assert.Throws<InvalidOperationException>(() => history.Ok(id, 0));
    }

    private sealed record Request(int Seq, RegisterInput<int> Op);

    private sealed record Reply(int Seq, int Value);

    /// <summary>Holds one register; answers every request at once.</summary>
    private sealed class RegisterServer : Node
    {
        private int _value;

        public override void OnMessage(NodeId from, object message)
        {
            if (message is Request r)
            {
                _value = r.Op.Kind == RegisterOperation.Write ? r.Op.Value : _value;
                Send(from, new Reply(r.Seq, _value));
            }
        }
    }

    /// <summary>Calls the server one operation at a time, gives up after a timeout (unknown outcome), and logs what it sees in the history.</summary>
    private sealed class RegisterClient(NodeId server, History<RegisterInput<int>, int> history, int count) : Node
    {
        private int _seq;
        private OperationId _open;
        private TimerId _timeout;

        public List<(OperationId Id, int Seq, long RequestMessage, SimTime LocalCall)> Calls { get; } = [];

        public override void OnStart() => SetTimer(TimeSpan.FromMilliseconds(1 + Random.NextBelow(5)), "next");

        public override void OnTimer(TimerId timer, object? state)
        {
            if (state is "timeout")
            {
                history.Info(_open);
                _open = default;
            }

            if (_seq < count)
            {
                CallNext();
            }
        }

        public override void OnMessage(NodeId from, object message)
        {
            if (message is Reply reply && _open != default && reply.Seq == _seq)
            {
                CancelTimer(_timeout);
                history.Ok(_open, reply.Value);
                _open = default;
                SetTimer(TimeSpan.FromMilliseconds(Random.NextBelow(3)), "next");
            }
        }

        private void CallNext()
        {
            _seq++;
            RegisterInput<int> op = Random.NextBelow(2) == 0 ? RegisterInput<int>.Read : RegisterInput<int>.Write((Id.Value * 100) + _seq);
            _open = history.Invoke(Id, op);
            long message = Send(server, new Request(_seq, op));
            Calls.Add((_open, _seq, message, LocalNow));
            _timeout = SetTimer(TimeSpan.FromMilliseconds(40), "timeout");
        }
    }

    [Fact(DisplayName = "History in a simulation with skewed, drifting clocks and loss: times are the trace's true times, never the nodes' clocks")]
    public void RecordedTimes_AreTheTracesVirtualTimes_NotTheNodesClocks()
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = 11,
            Timing = TimingModels.Synchronous(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(1), drift: 0.05, clockSkew: TimeSpan.FromMilliseconds(200)),
            Network = new FairLossLinkOptions { LossProbability = 0.2 },
            TimeLimit = TimeSpan.FromHours(1),
        });
        var history = new History<RegisterInput<int>, int>(sim);
        NodeId server = sim.AddNode("server", () => new RegisterServer());
        NodeId[] clients = [.. Enumerable.Range(0, 3).Select(i => sim.AddNode($"client{i}", () => new RegisterClient(server, history, 30)))];
        sim.Run();

        IReadOnlyList<TraceEvent> trace = sim.Trace.Events;
        var sentAt = trace.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time.Ticks);
        IReadOnlyList<Operation<RegisterInput<int>, int>> ops = history.ToOperations();
        Assert.Equal(90, history.Count);
        int ok = 0, unknown = 0, skewed = 0;
        foreach (NodeId c in clients)
        {
            foreach ((OperationId id, int seq, long message, SimTime local) in sim.GetNode<RegisterClient>(c).Calls)
            {
                Operation<RegisterInput<int>, int> op = ops[id.Value - 1];
                Assert.Equal(sentAt[message], op.Call); // the call is when the request left, in true time
                skewed += local.Ticks != op.Call ? 1 : 0;
                if (history.OutcomeOf(id) == OperationOutcome.Ok)
                {
                    ok++;
                    long delivered = trace.First(e => e.Kind == TraceEventKind.Deliver && e.Node == c && e.Payload is Reply r && r.Seq == seq).Time.Ticks;
                    Assert.Equal(delivered, op.Return);
                }
                else
                {
                    unknown++;
                    Assert.Equal(OperationOutcome.Info, history.OutcomeOf(id));
                    Assert.True(op.IsPending);
                }
            }
        }

        // Both branches ran, the nodes' clocks really disagreed with true time, and a correct server is linearizable.
        Assert.True(ok > 40 && unknown > 5, $"ok {ok}, unknown {unknown}");
        Assert.True(skewed > 80, $"only {skewed} calls saw a local clock off true time");
        var result = Linearizability.Analyze(ops, new RegisterModel<int>(0), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(LinearizabilityVerdict.Linearizable, result.Verdict);
    }
}

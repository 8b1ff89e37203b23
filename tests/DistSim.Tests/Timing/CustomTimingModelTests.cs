using DistSim.Diagnostics;
using DistSim.Links;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Testing;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;
using DistSim.Tracing;

namespace DistSim.Tests.Timing;

/// <summary>Timing models written by users, through the public extension point: <see cref="TimingModel.GetDelayCore"/>.</summary>
public class CustomTimingModelTests
{
    private static readonly NodeId A = new(0), B = new(1);

    /// <summary>A model that answers with whatever the test says, and remembers what it was shown.</summary>
    private sealed class ScriptedModel(Func<DelayContext, TimeSpan> delay, TimeSpan? bound = null, SimTime? gst = null) : TimingModel("scripted")
    {
        public List<(SimTime Now, TimeSpan Link, object? Message, SimTime? Gst, NodeId From, NodeId To)> Seen { get; } = [];

        public override TimeSpan? DelayBound => bound;

        protected override SimTime? ChooseGst(RandomStream stream) => gst;

        protected override TimeSpan GetDelayCore(DelayContext context)
        {
            Seen.Add((context.Now, context.LinkDelay, context.Message, context.Gst, context.From, context.To));
            return delay(context);
        }
    }

    /// <summary>The partially synchronous model, rewritten with the public API only.</summary>
    private sealed class PublicPartialModel(TimeSpan delta, Delay before, TimeSpan gstMax) : TimingModel("public-partial")
    {
        public override TimeSpan? DelayBound => delta;

        protected override SimTime? ChooseGst(RandomStream stream) => new SimTime((long)stream.NextBelow((ulong)gstMax.Ticks + 1));

        protected override TimeSpan GetDelayCore(DelayContext context)
        {
            TimeSpan asynchronous = context.LinkDelay + context.Sample(before); // always one draw, as the built-in
            SimTime gst = context.Gst!.Value;
            if (context.Now >= gst)
            {
                return context.LinkDelay < delta ? context.LinkDelay : delta;
            }

            TimeSpan latest = gst + delta - context.Now;
            return asynchronous < latest ? asynchronous : latest;
        }
    }

    /// <summary>A sends <paramref name="count"/> pings to B, one per millisecond.</summary>
    private static DistSim.Simulation Pings(TimingModel model, int count = 20, ILink? link = null, int? capacity = null, ulong seed = 1)
    {
        var sim = new DistSim.Simulation(new SimulationOptions
        {
            Seed = seed,
            Timing = model,
            Link = link ?? global::DistSim.Links.Links.FairLoss,
            Network = new FairLossLinkOptions { Delay = Delay.Constant(TimeSpan.FromMilliseconds(2)), Capacity = capacity },
        });
        sim.AddNode("A", () => new Sender(B, count, TimeSpan.FromMilliseconds(1)));
        sim.AddNode("B", () => new Receiver());
        return sim;
    }

    [Fact]
    public void AUsersModel_GivesEachPacketItsDelay_AndSeesThePacket()
    {
        var model = new ScriptedModel(c => c.LinkDelay + TimeSpan.FromMilliseconds(5));
        DistSim.Simulation sim = Pings(model, 10);
        sim.Run();

        var sent = sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Send).ToDictionary(e => e.MessageId, e => e.Time);
        Assert.All(sim.Trace.Events.Where(e => e.Kind == TraceEventKind.Deliver), d => Assert.Equal(TimeSpan.FromMilliseconds(7), d.Time - sent[d.MessageId]));
        Assert.Equal(10, model.Seen.Count);
        Assert.All(model.Seen, s => Assert.Equal((TimeSpan.FromMilliseconds(2), A, B), (s.Link, s.From, s.To)));
        Assert.Equal(Enumerable.Range(0, 10), model.Seen.Select(s => ((Ping)s.Message!).Seq));
        Assert.All(model.Seen, s => Assert.Null(s.Gst));
        Assert.Null(sim.Gst);
    }

    [Fact]
    public void OverTheReliableLink_TheModelSeesTheMessageInsideTheFrame_AndNoneInAnAck()
    {
        var model = new ScriptedModel(c => c.LinkDelay);
        DistSim.Simulation sim = Pings(model, 5, global::DistSim.Links.Links.Reliable());
        sim.Run();

        Assert.Equal(5, sim.GetNode<Receiver>(B).Received.Count);
        Assert.Equal(Enumerable.Range(0, 5), model.Seen.Where(s => s.From == A).Select(s => ((Ping)s.Message!).Seq).Distinct());
        Assert.Contains(model.Seen, s => s.From == B && s.Message is null); // acknowledgements carry no message
    }

    [Fact]
    public void AModelsGst_IsTheRunsGst_AndWhatTheModelIsShown()
    {
        var model = new ScriptedModel(c => c.LinkDelay, gst: SimTime.FromSeconds(2));
        DistSim.Simulation sim = Pings(model, 3);
        sim.Run();

        Assert.Equal(SimTime.FromSeconds(2), sim.Gst);
        Assert.All(model.Seen, s => Assert.Equal(SimTime.FromSeconds(2), s.Gst));
    }

    [Fact(DisplayName = "The partially synchronous model rewritten with the public API gives the built-in's trace, draw for draw")]
    public void PublicApi_ReproducesTheBuiltInModel_DrawForDraw()
    {
        foreach (ulong seed in new ulong[] { 1, 2, 3 })
        {
            TimeSpan delta = TimeSpan.FromMilliseconds(4);
            Delay before = Delay.Pareto(TimeSpan.FromMilliseconds(3), 1.3);
            var builtIn = new DistSim.Simulation(new SimulationOptions
            {
                Seed = seed, Timing = TimingModels.PartiallySynchronous(delta, before, gstMax: TimeSpan.FromMilliseconds(300)),
                Network = new FairLossLinkOptions { Delay = Delay.Exponential(TimeSpan.FromMilliseconds(2)), LossProbability = 0.1 },
            });
            var rewritten = new DistSim.Simulation(builtIn.Options with { Timing = new PublicPartialModel(delta, before, TimeSpan.FromMilliseconds(300)) });
            foreach (DistSim.Simulation sim in new[] { builtIn, rewritten })
            {
                sim.AddNode("A", () => new Sender(B, 400, TimeSpan.FromMilliseconds(1)));
                sim.AddNode("B", () => new Sender(A, 400, TimeSpan.FromMilliseconds(1)));
                sim.Run();
            }

            Assert.Equal(builtIn.Gst, rewritten.Gst);
            Assert.Equal(builtIn.Trace.Fingerprint, rewritten.Trace.Fingerprint);
        }
    }

    public static TheoryData<string, Func<DelayContext, TimeSpan>, TimeSpan?, string> Misbehaviours => new()
    {
        { "negative", _ => TimeSpan.FromMilliseconds(-1), null, "returned a negative delay: -00:00:00.0010000" },
        { "overflow", _ => TimeSpan.MaxValue, null, "returned a delay that overflows virtual time" },
        { "beyond its bound", c => c.LinkDelay + TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5), "returned a delay beyond its own DelayBound: 00:00:00.0120000" },
    };

    [Theory(DisplayName = "A model's bad answer fails the run cleanly: the error names the model and the value, and nothing is left in flight")]
    [MemberData(nameof(Misbehaviours))]
    public void ABadDelay_FailsTheRun_NamingTheModelAndTheValue(string what, Func<DelayContext, TimeSpan> delay, TimeSpan? bound, string message)
    {
        DistSim.Simulation sim = Pings(new ScriptedModel(delay, bound), capacity: 4);

        var ex = Assert.Throws<SimulationFailureException>(() => sim.Run());

        var inner = Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Contains("timing model 'scripted'", inner.Message, StringComparison.Ordinal);
        Assert.Contains(message, inner.Message, StringComparison.Ordinal);
        Assert.Contains("node #0 to node #1", inner.Message, StringComparison.Ordinal);
        Assert.Equal(new NodeId(0), ex.Node);
        Assert.Equal(0, sim.Messages.InFlight); // nothing scheduled
        Assert.Equal(0, sim.Network.Rich(sim.Network.PairIndex(0, 1)).InFlight); // no place of the capacity taken
        Assert.DoesNotContain(sim.Trace.Events, e => e.Kind == TraceEventKind.Deliver);
        _ = what;
    }

    [Fact]
    public void AModelThatThrows_FailsTheRun_EvenIfTheNodeCatchesIt()
    {
        var model = new ScriptedModel(_ => throw new FormatException("bad latency table"));
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 1, Timing = model, ThrowOnNodeFault = false });
        bool caught = false;
        sim.AddNode("A", () => new Scripted(onStart: c =>
        {
            try
            {
                c.Send(B, new Ping(1));
            }
            catch (FormatException)
            {
                caught = true; // swallowed by the node: the run must fail all the same
            }
        }));
        sim.AddNode("B", () => new Receiver());

        RunResult result = sim.Run();

        Assert.True(caught);
        Assert.Equal(RunOutcome.NodeFaulted, result.Outcome);
        Assert.IsType<FormatException>(sim.Failure!.InnerException);
    }

    [Fact]
    public void GetDelay_ChecksTheAnswer_OutsideASimulation_Too()
    {
        var model = new ScriptedModel(_ => TimeSpan.FromTicks(-5));
        var stream = new RandomStream(1);

        var ex = Assert.Throws<InvalidOperationException>(() => model.GetDelay(new DelayContext(SimTime.Zero, TimeSpan.Zero, new Ping(0), null, stream)));
        Assert.Contains("-5 ticks", ex.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A DelayContext draws from its stream exactly as the stream itself would")]
    public void DelayContext_DrawsFromItsStream_OneDrawEach()
    {
        var a = new RandomStream(9);
        var b = new RandomStream(9);
        Delay pareto = Delay.Pareto(TimeSpan.FromMilliseconds(1), 1.5);
        var context = new DelayContext(SimTime.FromSeconds(1), TimeSpan.FromMilliseconds(3), new Ping(1), SimTime.FromSeconds(2), a, A, B);

        Assert.Equal(b.NextUInt64(), context.NextUInt64());
        Assert.Equal(b.NextUnitDouble(), context.NextUnitDouble());
        Assert.Equal(b.NextOpenUnitDouble(), context.NextOpenUnitDouble());
        Assert.Equal(b.NextBelow(17), context.NextBelow(17));
        Assert.Equal(pareto.Sample(b), context.Sample(pareto));
        Assert.Equal(b.NextUInt64(), a.NextUInt64()); // the same position afterwards
        Assert.Equal((SimTime.FromSeconds(1), TimeSpan.FromMilliseconds(3), SimTime.FromSeconds(2)), (context.Now, context.LinkDelay, context.Gst));
        Assert.Equal(new Ping(1), context.Message);
        Assert.Equal("linkDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new DelayContext(SimTime.Zero, TimeSpan.FromTicks(-1), new Ping(0), null, a)).ParamName);
    }

    [Fact]
    public void BuiltInModels_AnswerThroughThePublicEntry_AsInARun()
    {
        TimingModel sync = TimingModels.Synchronous(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(1));
        var stream = new RandomStream(1);
        TimeSpan Delay(TimingModel m, double linkMs) =>
            m.GetDelay(new DelayContext(SimTime.Zero, TimeSpan.FromMilliseconds(linkMs), new Ping(0), null, stream));

        Assert.Equal(TimeSpan.FromMilliseconds(5), Delay(sync, 9));
        Assert.Equal(TimeSpan.FromMilliseconds(1), Delay(sync, 0.5));
        Assert.Equal(TimeSpan.FromMilliseconds(3), Delay(TimingModels.Unbounded, 3));
        Assert.Equal(TimeSpan.FromMilliseconds(5), sync.DelayBound);
        Assert.Null(TimingModels.Unbounded.DelayBound);
        Assert.Null(TimingModels.Asynchronous(global::DistSim.Timing.Delay.Exponential(TimeSpan.FromMilliseconds(1))).DelayBound);
    }

    [Fact]
    public void TheConstructor_RefusesBadBounds_NamingThem()
    {
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => new RenamedModel(" ", 0)).ParamName);
        Assert.Equal("driftBound", Assert.Throws<ArgumentOutOfRangeException>(() => new RenamedModel("x", 0.5)).ParamName);
        Assert.Equal("clockSkew", Assert.Throws<ArgumentOutOfRangeException>(() => new RenamedModel("x", 0, TimeSpan.FromTicks(-1))).ParamName);
    }

    private sealed class RenamedModel(string name, double drift, TimeSpan skew = default) : TimingModel(name, drift, skew)
    {
        protected override TimeSpan GetDelayCore(DelayContext context) => context.LinkDelay;
    }

    [Fact]
    public void EmpiricalDelay_DrawsOnlyTheSamples_EachEquallyOften()
    {
        Delay d = Delay.Empirical([TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(1)]);
        var stream = new RandomStream(3);
        const int n = 40_000;
        List<TimeSpan> draws = Enumerable.Range(0, n).Select(_ => d.Sample(stream)).ToList();

        Assert.Equal((TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(2)), (d.Minimum, d.Maximum, d.Mean));
        Assert.All(draws, x => Assert.Contains(x, new[] { TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(4) }));
        Rates.AssertWithin(draws.Count(x => x == TimeSpan.FromMilliseconds(1)), n, 0.5, 0.999); // the repeated sample: twice as likely
        Rates.AssertWithin(draws.Count(x => x == TimeSpan.FromMilliseconds(4)), n, 0.25, 0.999);
        Assert.Equal("samples", Assert.Throws<ArgumentException>(() => Delay.Empirical([])).ParamName);
        Assert.Equal("samples", Assert.Throws<ArgumentOutOfRangeException>(() => Delay.Empirical([TimeSpan.FromTicks(-1)])).ParamName);
    }
}

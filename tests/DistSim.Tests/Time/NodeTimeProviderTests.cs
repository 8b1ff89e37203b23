using DistSim.Nodes;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Tests.Time;

public class NodeTimeProviderTests
{
    /// <summary>"Library" code written against TimeProvider only: it knows nothing of DistSim.</summary>
    private sealed class PollingCache(TimeProvider time)
    {
        private ITimer? _timer;

        public List<DateTimeOffset> Refreshes { get; } = [];

        public void Start() => _timer = time.CreateTimer(_ => Refreshes.Add(time.GetUtcNow()), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));

        public void Slow() => _timer!.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        public void Stop() => _timer!.Dispose();
    }

    private sealed class CacheNode : Node
    {
        private NodeTimeProvider? _time;

        public PollingCache? Cache { get; private set; }

        public override void OnStart()
        {
            _time = new NodeTimeProvider(Context);
            Cache = new PollingCache(_time);
            Cache.Start();
        }

        public override void OnTimer(TimerId timer, object? state) => _time!.OnTimer(timer, state);
    }

    [Fact]
    public void CodeWrittenAgainstTimeProvider_RunsOnVirtualTime()
    {
        DistSim.Simulation sim = Sims.Create(1);
        NodeId n = sim.AddNode("n", () => new CacheNode());
        sim.RunUntil(SimTime.FromSeconds(0.35));
        PollingCache cache = sim.GetNode<CacheNode>(n).Cache!;

        Assert.Equal(
            [NodeTimeProvider.Epoch.AddMilliseconds(100), NodeTimeProvider.Epoch.AddMilliseconds(200), NodeTimeProvider.Epoch.AddMilliseconds(300)],
            cache.Refreshes);

        sim.At<CacheNode>(sim.Now, n, node => node.Cache!.Slow()); // now 1 s apart, from 0.35 s (inside the node, as a node acts)
        sim.RunUntil(SimTime.FromSeconds(2.4));
        Assert.Equal(NodeTimeProvider.Epoch.AddMilliseconds(1350), cache.Refreshes[3]);
        Assert.Equal(NodeTimeProvider.Epoch.AddMilliseconds(2350), cache.Refreshes[4]);

        sim.At<CacheNode>(sim.Now, n, node => node.Cache!.Stop());
        sim.RunUntil(SimTime.FromSeconds(10));
        Assert.Equal(5, cache.Refreshes.Count);
    }

    [Fact]
    public void TheProviderReadsTheNodesDriftingClock()
    {
        var sim = new DistSim.Simulation(new SimulationOptions { Seed = 3, Timing = TimingModels.Synchronous(TimeSpan.FromMilliseconds(5), drift: 0.01) });
        NodeId n = sim.AddNode("n", () => new CacheNode());
        sim.RunUntil(SimTime.FromSeconds(1));

        Assert.Equal(sim.LocalNowOf(n).Ticks, new NodeTimeProvider(ProbeContext.Of(sim, n)).GetTimestamp());
        // 100 ms of *local* time apart (each period rounds up to a whole tick of true time, so allow a tick per period)
        Assert.All(sim.GetNode<CacheNode>(n).Cache!.Refreshes.Select((r, i) => (r, i)), x =>
            Assert.InRange((x.r - NodeTimeProvider.Epoch.AddMilliseconds(100 * (x.i + 1))).Ticks, 0, x.i + 1));
        Assert.NotEqual(0, sim.DriftOf(n));
    }

    [Fact(DisplayName = "As System.Threading.Timer: a negative due time or period other than InfiniteTimeSpan is refused, not turned into zero")]
    public void NegativeTimes_AreRefused()
    {
        Exception? due = null, period = null;
        bool infiniteOk = false;
        DistSim.Simulation sim = Sims.Create(1);
        sim.AddNode("n", () => new Scripted(onStart: c =>
        {
            var time = new NodeTimeProvider(c);
            due = Record.Exception(() => time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(-5), Timeout.InfiniteTimeSpan));
            period = Record.Exception(() => time.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromSeconds(-5)));
            using ITimer never = time.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            infiniteOk = true;
        }));
        sim.Run();
        Assert.Equal("dueTime", Assert.IsType<ArgumentOutOfRangeException>(due).ParamName);
        Assert.Equal("period", Assert.IsType<ArgumentOutOfRangeException>(period).ParamName);
        Assert.True(infiniteOk);
    }
}

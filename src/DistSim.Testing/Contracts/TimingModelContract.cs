using System.Globalization;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Time;
using DistSim.Timing;
using Xunit;

namespace DistSim.Testing.Contracts;

/// <summary>
/// The contract every <see cref="TimingModel"/> must keep, as xunit tests a test class inherits: derive from it,
/// override <see cref="CreateModel"/>, and the tests run for your model.
/// <code>
/// public sealed class MyModelContract : TimingModelContract
/// {
///     protected override TimingModel CreateModel() => new MyModel(TimeSpan.FromMilliseconds(5));
/// }
/// </code>
/// </summary>
/// <remarks>
/// <para>What it checks: delays are never negative; the same seed gives the same delays and the same trace (also when
/// one model object serves several runs, as it does in a sweep); the bound the model declares
/// (<see cref="TimingModel.DelayBound"/>: arrival by max(send, GST) + Δ) holds for every sampled delay and every packet of
/// a run; GST is a function of the seed; and runs with the model complete without failure, every message delivered.
/// Samples come from <see cref="TimingModel.GetDelay"/> with a <see cref="DelayContext"/> over a seeded stream; runs are
/// four nodes sending to each other every 50 ms for <see cref="SendingFor"/> over a lossless link whose delay is
/// <see cref="LinkDelay"/>, for each of <see cref="Seeds"/>.</para>
/// <para>The built-in models are held to the same contract in DistSim's own tests. See
/// <c>docs/guides/custom-models.md</c>.</para>
/// </remarks>
public abstract class TimingModelContract
{
    /// <summary>Makes the model under test. Called several times; each call should give an equal model.</summary>
    protected abstract TimingModel CreateModel();

    /// <summary>The seeds of the runs and of the sampled streams. Default 1 to 5.</summary>
    protected virtual IReadOnlyList<ulong> Seeds => [1, 2, 3, 4, 5];

    /// <summary>The link's own delay in the runs and the samples (what the model composes with). Default exponential, mean 5 ms.</summary>
    protected virtual Delay LinkDelay => Delay.Exponential(TimeSpan.FromMilliseconds(5));

    /// <summary>How long the nodes of a run keep sending, and the span of the sampled send times; long enough to pass the model's GST. Default 12 s.</summary>
    protected virtual TimeSpan SendingFor => TimeSpan.FromSeconds(12);

    /// <summary>Delays sampled per seed. Default 2,000.</summary>
    protected virtual int SamplesPerSeed => 2_000;

    /// <summary>The model has a name and clock bounds in range.</summary>
    [Fact]
    public void Model_HasANameAndClockBoundsInRange()
    {
        TimingModel model = Create();
        Assert.False(string.IsNullOrWhiteSpace(model.Name), "the model's Name is empty");
        Assert.InRange(model.DriftBound, 0, 0.5 - 1e-12);
        Assert.True(model.ClockSkew >= TimeSpan.Zero, $"ClockSkew {model.ClockSkew} is negative");
        Assert.True(model.DelayBound is null || model.DelayBound >= TimeSpan.Zero, $"DelayBound {model.DelayBound} is negative");
        Assert.True(model.StepBound is null || model.StepBound > TimeSpan.Zero, $"StepBound {model.StepBound} is not positive");
    }

    /// <summary>No sampled delay is negative.</summary>
    [Fact]
    public void Delays_AreNeverNegative()
    {
        foreach (ulong seed in Seeds)
        {
            foreach (Drawn s in Sample(Create(), seed))
            {
                Assert.True(s.Delay >= TimeSpan.Zero, $"seed {seed}: a delay of {s.Delay} for a packet sent at {s.Now}");
            }
        }
    }

    /// <summary>When the model declares a bound Δ, every sampled delay and every packet of a run arrives by max(send, GST) + Δ.</summary>
    [Fact]
    public void Delays_KeepTheDeclaredBound()
    {
        TimingModel model = Create();
        if (model.DelayBound is not { } delta)
        {
            return; // the model promises no bound: nothing to hold it to
        }

        foreach (ulong seed in Seeds)
        {
            foreach (Drawn s in Sample(model, seed))
            {
                SimTime by = Later(s.Now, s.Gst) + delta;
                Assert.True(s.Now + s.Delay <= by, $"seed {seed}: a packet sent at {s.Now} arrives at {s.Now + s.Delay}, after max(send, GST {s.Gst}) + Δ = {by}");
            }

            Simulation sim = Run(model, seed);
            foreach ((SimTime sent, SimTime delivered) in ChatterRun.Flights(sim))
            {
                SimTime by = Later(sent, sim.Gst) + delta;
                Assert.True(delivered <= by, $"seed {seed}: a message sent at {sent} was delivered at {delivered}, after max(send, GST {sim.Gst}) + Δ = {by}");
            }
        }
    }

    /// <summary>Two models from <see cref="CreateModel"/>, and one model asked twice, give the same delays for the same stream.</summary>
    [Fact]
    public void SameSeed_SameDelays()
    {
        TimingModel first = Create(), second = Create();
        foreach (ulong seed in Seeds)
        {
            List<TimeSpan> a = Sample(first, seed).Select(s => s.Delay).ToList();
            Assert.Equal(a, Sample(second, seed).Select(s => s.Delay).ToList());
            Assert.Equal(a, Sample(first, seed).Select(s => s.Delay).ToList()); // a model keeps no state between calls
        }
    }

    /// <summary>The same seed gives the same trace and GST: with a fresh model, and with one model reused across runs.</summary>
    [Fact]
    public void SameSeed_SameTrace()
    {
        TimingModel shared = Create();
        foreach (ulong seed in Seeds)
        {
            Simulation a = Run(shared, seed);
            Simulation b = Run(Create(), seed);
            Simulation c = Run(shared, seed);
            Assert.Equal(a.Gst, b.Gst);
            Assert.True(a.Trace.Fingerprint == b.Trace.Fingerprint, $"seed {seed}: two models from CreateModel gave different traces");
            Assert.True(a.Trace.Fingerprint == c.Trace.Fingerprint, $"seed {seed}: the same model gave a different trace when run again (does it keep state or draw from elsewhere?)");
        }
    }

    /// <summary>Runs with the model end quiescent, without failure, with every message delivered and the counters consistent.</summary>
    [Fact]
    public void Runs_CompleteWithoutFailure()
    {
        TimingModel model = Create();
        int rounds = Rounds;
        foreach (ulong seed in Seeds)
        {
            Simulation sim = Run(model, seed);
            Assert.True(sim.Failure is null, $"seed {seed}: the run failed: {sim.Failure?.Message}");
            long expected = (long)ChatterRun.NodeCount * (ChatterRun.NodeCount - 1) * rounds;
            Assert.Equal(expected, sim.Messages.Sent);
            Assert.Equal(expected, sim.Messages.Delivered);
            Assert.Equal(0, sim.Messages.Dropped);
            Assert.Equal(0, sim.Messages.InFlight);
            Assert.Equal(0, sim.PendingEvents);
            Assert.All(ChatterRun.Flights(sim), f => Assert.True(f.Delivered >= f.Sent, $"seed {seed}: delivered at {f.Delivered} before it was sent at {f.Sent}"));
        }
    }

    private int Rounds => (int)Math.Max(1, SendingFor.Ticks / ChatterRun.Interval.Ticks);

    private TimingModel Create() => CreateModel() ?? throw new InvalidOperationException($"{GetType().Name}.CreateModel returned null");

    private Simulation Run(TimingModel model, ulong seed) => ChatterRun.Run(seed, model, LinkDelay, Rounds);

    private static SimTime Later(SimTime sent, SimTime? gst) => gst is { } g && g > sent ? g : sent;

    /// <summary>
    /// <see cref="SamplesPerSeed"/> delays from <paramref name="model"/>: send times spread over twice
    /// <see cref="SendingFor"/>, link delays from <see cref="LinkDelay"/>, GST as the model chooses it for the seed.
    /// </summary>
    private List<Drawn> Sample(TimingModel model, ulong seed)
    {
        SimTime? gst = new Simulation(new SimulationOptions { Seed = seed, Timing = model }).Gst;
        var stream = new RandomStream(StreamSeed.Derive(seed, "contract:timing"));
        var links = new RandomStream(StreamSeed.Derive(seed, "contract:link"));
        Delay link = LinkDelay;
        int count = SamplesPerSeed;
        long step = Math.Max(1, 2 * SendingFor.Ticks / count);
        var samples = new List<Drawn>(count);
        for (int i = 0; i < count; i++)
        {
            var now = new SimTime(i * step);
            var from = new NodeId(i % ChatterRun.NodeCount);
            var to = new NodeId((i + 1) % ChatterRun.NodeCount);
            TimeSpan delay = model.GetDelay(new DelayContext(now, link.Sample(links), new ContractPing(from.Value, i), gst, stream, from, to));
            samples.Add(new Drawn(now, gst, delay));
        }

        return samples;
    }

    private readonly record struct Drawn(SimTime Now, SimTime? Gst, TimeSpan Delay)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Now} +{Delay}");
    }
}

using DistSim.Testing.Contracts;
using DistSim.Time;
using DistSim.Timing;

namespace DistSim.Tests.Testing.Contracts;

// Every built-in timing model is held to the contract a user's model inherits (the doc example's contract is in
// Examples/CustomModelExamples.cs).

public sealed class UnboundedModelContract : TimingModelContract
{
    protected override TimingModel CreateModel() => TimingModels.Unbounded;
}

public sealed class SynchronousModelContract : TimingModelContract
{
    protected override TimingModel CreateModel() =>
        TimingModels.Synchronous(TimeSpan.FromMilliseconds(8), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(50), drift: 1e-3, clockSkew: TimeSpan.FromMilliseconds(3));
}

public sealed class AsynchronousModelContract : TimingModelContract
{
    protected override TimingModel CreateModel() =>
        TimingModels.Asynchronous(Delay.Pareto(TimeSpan.FromMilliseconds(2), 1.5), holdProbability: 0.01, drift: 1e-4);
}

public sealed class PartiallySynchronousDrawnGstContract : TimingModelContract
{
    protected override TimingModel CreateModel() =>
        TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(10), Delay.Pareto(TimeSpan.FromMilliseconds(20), 1.2), gstMax: TimeSpan.FromSeconds(8));
}

public sealed class PartiallySynchronousFixedGstContract : TimingModelContract
{
    protected override TimingModel CreateModel() =>
        TimingModels.PartiallySynchronous(TimeSpan.FromMilliseconds(5), Delay.Exponential(TimeSpan.FromMilliseconds(40)), SimTime.FromSeconds(3));
}

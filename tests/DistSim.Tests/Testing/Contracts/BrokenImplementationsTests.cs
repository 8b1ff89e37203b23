using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Testing.Contracts;
using DistSim.Timing;

namespace DistSim.Tests.Testing.Contracts;

/// <summary>
/// The contracts catch what they are for: each deliberately broken model or behaviour below makes the contract methods
/// named fail, run directly here (the broken contract classes are not public, so the test runner does not pick them up).
/// </summary>
public class BrokenImplementationsTests
{
    private sealed class NegativeDelayModel() : TimingModel("negative")
    {
        protected override TimeSpan GetDelayCore(DelayContext context) => context.LinkDelay - TimeSpan.FromMilliseconds(20);
    }

    /// <summary>Keeps a counter in a field: the same packet gets another delay the second time.</summary>
    private sealed class StatefulModel() : TimingModel("stateful")
    {
        private long _calls;

        protected override TimeSpan GetDelayCore(DelayContext context) => context.LinkDelay + TimeSpan.FromTicks(++_calls % 7);
    }

    /// <summary>Declares Δ = 2 ms and does not keep it.</summary>
    private sealed class BoundBreakingModel() : TimingModel("bound-breaking")
    {
        public override TimeSpan? DelayBound => TimeSpan.FromMilliseconds(2);

        protected override TimeSpan GetDelayCore(DelayContext context) => context.LinkDelay;
    }

    private sealed class NegativeDelayContract : TimingModelContract
    {
        protected override TimingModel CreateModel() => new NegativeDelayModel();
    }

    private sealed class StatefulContract : TimingModelContract
    {
        protected override TimingModel CreateModel() => new StatefulModel();
    }

    private sealed class BoundBreakingContract : TimingModelContract
    {
        protected override TimingModel CreateModel() => new BoundBreakingModel();
    }

    [Fact]
    public void ANegativeDelay_FailsTheTimingContract()
    {
        var contract = new NegativeDelayContract();

        Assert.Contains("negative delay", Assert.ThrowsAny<Exception>(contract.Delays_AreNeverNegative).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(contract.Runs_CompleteWithoutFailure);
        contract.Model_HasANameAndClockBoundsInRange(); // what is right about it still passes
    }

    [Fact]
    public void AModelWithState_FailsTheDeterminismChecks()
    {
        var contract = new StatefulContract();

        Assert.ThrowsAny<Exception>(contract.SameSeed_SameDelays);
        Assert.Contains("when run again", Assert.ThrowsAny<Exception>(contract.SameSeed_SameTrace).Message, StringComparison.Ordinal);
        contract.Delays_AreNeverNegative();
    }

    [Fact]
    public void ABrokenBound_FailsTheBoundCheck()
    {
        var contract = new BoundBreakingContract();

        Assert.Contains("DelayBound", Assert.ThrowsAny<Exception>(contract.Delays_KeepTheDeclaredBound).Message, StringComparison.Ordinal);
    }

    /// <summary>Lies to odd peers without recording it.</summary>
    private sealed class UntracedLie : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext context, NodeId to, object message) =>
            context.Send(to, to.Value % 2 == 1 ? "a lie" : message);
    }

    /// <summary>Decides from a counter shared by every instance and run (static state): not a function of the seed.</summary>
    private sealed class SharedCounterBehavior : ByzantineBehavior
    {
        private static int s_calls; // determinism-ok: the deliberate bug under test

        protected override void OnSend(ByzantineSendContext context, NodeId to, object message)
        {
            if (Interlocked.Increment(ref s_calls) % 7 == 0)
            {
                context.RecordFault(FaultKinds.Silence, "dropped on a whim");
                return;
            }

            context.Send(to, message);
        }
    }

    private sealed class ThrowingBehavior : ByzantineBehavior
    {
        protected override void OnSend(ByzantineSendContext context, NodeId to, object message) => throw new InvalidCastException("bug in the behaviour");
    }

    private sealed class UntracedLieContract : ByzantineBehaviorContract
    {
        protected override ByzantineBehavior CreateBehavior() => new UntracedLie();
    }

    private sealed class SharedCounterContract : ByzantineBehaviorContract
    {
        protected override ByzantineBehavior CreateBehavior() => new SharedCounterBehavior();
    }

    private sealed class ThrowingContract : ByzantineBehaviorContract
    {
        protected override ByzantineBehavior CreateBehavior() => new ThrowingBehavior();
    }

    [Fact]
    public void AnUntracedLie_FailsTheByzantineContract()
    {
        var contract = new UntracedLieContract();

        Assert.Contains("without recording the deviation", Assert.ThrowsAny<Exception>(contract.EveryDeviation_IsTraced).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(contract.Runs_KeepTheSimulationsInvariants);
    }

    [Fact]
    public void ABehaviourWithSharedState_FailsTheDeterminismCheck()
    {
        var contract = new SharedCounterContract();

        Assert.Contains("two runs gave different traces", Assert.ThrowsAny<Exception>(contract.SameSeed_SameTrace).Message, StringComparison.Ordinal);
        contract.EveryDeviation_IsTraced(); // its deviations are recorded: that part holds
    }

    [Fact]
    public void ABehaviourThatThrows_FailsTheRuns()
    {
        var contract = new ThrowingContract();

        Assert.Contains("bug in the behaviour", Assert.ThrowsAny<Exception>(contract.Runs_KeepTheSimulationsInvariants).Message, StringComparison.Ordinal);
    }

    private sealed class InvalidModelContract : FailureModelContract
    {
        protected override FailureModel CreateModel() => FailureModels.Omission() with { SendOmissionProbability = 1.5 };
    }

    [Fact]
    public void AnInvalidFailureModel_FailsTheFailureModelContract()
    {
        var contract = new InvalidModelContract();

        Assert.Equal("SendOmissionProbability", Assert.ThrowsAny<ArgumentException>(contract.Model_IsValid_AndWithinTheChain).ParamName);
    }
}

using DistSim.Failures;
using DistSim.Testing.Contracts;

namespace DistSim.Tests.Testing.Contracts;

// Every built-in Byzantine behaviour is held to the contract a user's behaviour inherits (the doc example's contract
// is in Examples/CustomModelExamples.cs).

public sealed class TamperBehaviorContract : ByzantineBehaviorContract
{
    protected override ByzantineBehavior CreateBehavior() => ByzantineBehavior.Tamper();
}

public sealed class EquivocateBehaviorContract : ByzantineBehaviorContract
{
    protected override ByzantineBehavior CreateBehavior() => ByzantineBehavior.Equivocate();
}

public sealed class ReplayBehaviorContract : ByzantineBehaviorContract
{
    protected override ByzantineBehavior CreateBehavior() => ByzantineBehavior.Replay(0.5);
}

public sealed class ForgeBehaviorContract : ByzantineBehaviorContract
{
    protected override ByzantineBehavior CreateBehavior() => ByzantineBehavior.Forge();
}

public sealed class SilentBehaviorContract : ByzantineBehaviorContract
{
    protected override ByzantineBehavior CreateBehavior() => ByzantineBehavior.Silent();
}

public sealed class RandomMixBehaviorContract : ByzantineBehaviorContract
{
    protected override ByzantineBehavior CreateBehavior() => ByzantineBehavior.RandomMix();
}

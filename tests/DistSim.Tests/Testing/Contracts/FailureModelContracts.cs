using DistSim.Failures;
using DistSim.Testing.Contracts;

namespace DistSim.Tests.Testing.Contracts;

// Every built-in failure model, and models of the user's making, are held to the failure-model contract.

public sealed class NoFailureModelContract : FailureModelContract
{
    protected override FailureModel CreateModel() => FailureModels.None;
}

public sealed class CrashStopModelContract : FailureModelContract
{
    protected override FailureModel CreateModel() => FailureModels.CrashStop;
}

public sealed class CrashRecoverModelContract : FailureModelContract
{
    protected override FailureModel CreateModel() => FailureModels.CrashRecover(tornWrites: true);
}

public sealed class OmissionModelContract : FailureModelContract
{
    protected override FailureModel CreateModel() => FailureModels.Omission(sendOmission: 0.2, receiveOmission: 0.05);
}

public sealed class ByzantineModelContract : FailureModelContract
{
    protected override FailureModel CreateModel() => FailureModels.Byzantine;
}

public sealed class LossyByzantineModelContract : FailureModelContract
{
    protected override FailureModel CreateModel() => FailureModels.Byzantine with { SendOmissionProbability = 0.1, ReceiveOmissionProbability = 0.3 };
}

/// <summary>A model of the user's own making: a node that may crash for good and lie, nothing else.</summary>
public sealed class CrashingLiarModelContract : FailureModelContract
{
    protected override FailureModel CreateModel() => new("crashing-liar", FaultKinds.Stop | FaultKinds.Lie);
}

namespace DistSim.Failures;

/// <summary>The built-in failure models, a strict chain: crash-stop ⊂ crash-recover ⊂ omission ⊂ Byzantine.</summary>
public static class FailureModels
{
    /// <summary>A correct node: no fault may be injected.</summary>
    public static FailureModel None { get; } = new("none", FaultKinds.None);

    /// <summary>Crash-stop {Stop}: the node may stop for good.</summary>
    public static FailureModel CrashStop { get; } = new("crash-stop", FaultKinds.Stop);

    /// <summary>Crash-recover {Stop, Restart}: the node may stop and start again with only its flushed storage.</summary>
    /// <param name="tornWrites">At a crash, tear the last unflushed write instead of losing it whole.</param>
    public static FailureModel CrashRecover(bool tornWrites = false) =>
        new FailureModel("crash-recover", FaultKinds.CrashRecover) { TornWrites = tornWrites };

    /// <summary>
    /// Omission {Stop, Restart, DropSend, DropReceive}: besides crashing, the node's packets vanish with
    /// <paramref name="sendOmission"/>, and packets to it with <paramref name="receiveOmission"/>,
    /// while the node keeps running. 0 and 1 included: a node that cannot send, a black hole.
    /// </summary>
    /// <param name="sendOmission">Probability that a packet the node sends vanishes.</param>
    /// <param name="receiveOmission">Probability that a packet sent to the node vanishes.</param>
    public static FailureModel Omission(double sendOmission = 0, double receiveOmission = 0)
    {
        var model = new FailureModel("omission", FaultKinds.Omission)
        {
            SendOmissionProbability = sendOmission,
            ReceiveOmissionProbability = receiveOmission,
        };
        model.Validate();
        return model;
    }

    /// <summary>Byzantine {everything}: the node may do anything its links and keys allow.</summary>
    public static FailureModel Byzantine { get; } = new("byzantine", FaultKinds.Byzantine);

    /// <summary>The chain from the weakest to the strongest model.</summary>
    public static IReadOnlyList<FailureModel> Chain { get; } = [None, CrashStop, CrashRecover(), Omission(), Byzantine];
}

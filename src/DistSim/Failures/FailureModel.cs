namespace DistSim.Failures;

/// <summary>
/// What can go wrong with one node: the set of fault behaviours it may produce, and the parameters of
/// the ones that act on their own (omission probabilities, torn writes). Set per node with
/// <see cref="Simulation.AddNode(string, Func{Nodes.Node}, FailureModel?)"/>; the default is
/// <see cref="FailureModels.None"/>, a correct node. Faults outside a node's model are refused.
/// </summary>
/// <remarks>Immutable. See <c>docs/concepts/failures.md</c>.</remarks>
public sealed record FailureModel
{
    /// <summary>
    /// A failure model of your own: a name and the set of fault behaviours it allows. The built-in chain is in
    /// <see cref="FailureModels"/>; a variant of one of them is usually simpler with <c>with</c>
    /// (<c>FailureModels.Byzantine with { SendOmissionProbability = 0.1 }</c>). The omission probabilities and torn writes
    /// are set with their init properties and checked by <see cref="Validate"/> when the model is given to a node.
    /// </summary>
    /// <param name="name">The model's name (for reports and errors), not empty.</param>
    /// <param name="allowed">
    /// The fault behaviours it allows: any combination of <see cref="FaultKinds"/>, except <see cref="FaultKinds.Restart"/>
    /// without <see cref="FaultKinds.Stop"/> (a node that never stops cannot restart).
    /// </param>
    /// <exception cref="ArgumentException">An argument is invalid; the exception names it and its value.</exception>
    public FailureModel(string name, FaultKinds allowed)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"name must be a non-empty model name, got \"{name}\"", nameof(name));
        }

        if ((allowed & ~FaultKinds.Byzantine) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(allowed), allowed, $"holds bits that are no fault behaviour (0x{(int)(allowed & ~FaultKinds.Byzantine):x})");
        }

        if ((allowed & FaultKinds.Restart) != 0 && (allowed & FaultKinds.Stop) == 0)
        {
            throw new ArgumentException($"allowed ({allowed.Describe()}) has Restart without Stop: a node that never stops cannot restart", nameof(allowed));
        }

        Name = name;
        Allowed = allowed;
    }

    /// <summary>The model's name, e.g. <c>crash-recover</c>.</summary>
    public string Name { get; }

    /// <summary>The fault behaviours this model may produce.</summary>
    public FaultKinds Allowed { get; }

    /// <summary>Probability in [0, 1] that a packet the node sends vanishes (omission models).</summary>
    public double SendOmissionProbability { get; init; }

    /// <summary>Probability in [0, 1] that a packet sent to the node vanishes (omission models).</summary>
    public double ReceiveOmissionProbability { get; init; }

    /// <summary>At a crash, the last unflushed write to durable storage is torn (partly applied) rather than lost.</summary>
    public bool TornWrites { get; init; }

    /// <summary>Whether this model may produce <paramref name="kinds"/> (all of them).</summary>
    /// <param name="kinds">Fault behaviours.</param>
    public bool Allows(FaultKinds kinds) => (Allowed & kinds) == kinds;

    /// <summary>Whether every behaviour of this model is also one of <paramref name="other"/>'s.</summary>
    /// <param name="other">Another model.</param>
    public bool IsSubsetOf(FailureModel other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Allows(Allowed);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        Check(SendOmissionProbability, nameof(SendOmissionProbability));
        Check(ReceiveOmissionProbability, nameof(ReceiveOmissionProbability));
        if (SendOmissionProbability > 0 && !Allows(FaultKinds.DropSend))
        {
            throw new ArgumentOutOfRangeException(nameof(SendOmissionProbability), SendOmissionProbability, $"the {Name} model does not allow DropSend");
        }

        if (ReceiveOmissionProbability > 0 && !Allows(FaultKinds.DropReceive))
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveOmissionProbability), ReceiveOmissionProbability, $"the {Name} model does not allow DropReceive");
        }

        if (TornWrites && !Allows(FaultKinds.Restart))
        {
            throw new ArgumentException($"TornWrites: the {Name} model never restarts, so a torn write could not be observed", nameof(TornWrites));
        }
    }

    /// <summary>The name and the allowed behaviours.</summary>
    public override string ToString() => $"{Name} {{{Allowed.Describe()}}}";

    private static void Check(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(name, p, "must be in [0, 1]");
        }
    }
}

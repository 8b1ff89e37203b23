using DistSim.Security;

namespace DistSim.Samples.ByzantineGenerals;

/// <summary>The two orders; <see cref="Retreat"/> is the default when there is no majority or no message.</summary>
public enum Order
{
    /// <summary>Retreat (the default).</summary>
    Retreat,

    /// <summary>Attack.</summary>
    Attack,
}

/// <summary>An oral message of OM(m): "<c>Path[^1]</c> says that <c>Path[^2]</c> says … that the commander said <see cref="Value"/>".</summary>
/// <param name="Value">The order relayed.</param>
/// <param name="Path">The chain of generals, commander first, sender last.</param>
public sealed record OralOrder(Order Value, int[] Path)
{
    /// <summary>Readable in traces: the path as <c>0&gt;2&gt;1</c>.</summary>
    public override string ToString() => $"OralOrder {{ Value = {Value}, Path = {string.Join('>', Path)} }}";
}

/// <summary>What each signature of a signed message signs: the order and the signers so far, itself included.</summary>
/// <param name="Value">The order.</param>
/// <param name="Signers">The signers up to this one.</param>
public sealed record SignedPayload(Order Value, int[] Signers);

/// <summary>A signed message of SM(m): the order and a chain of signatures, commander first.</summary>
/// <param name="Value">The order.</param>
/// <param name="Signers">Who signed, in order.</param>
/// <param name="Signatures">Signature k signs <see cref="SignedPayload"/>(Value, Signers[0..k]).</param>
public sealed record SignedOrder(Order Value, int[] Signers, Signature[] Signatures)
{
    /// <summary>Readable in traces.</summary>
    public override string ToString() => $"SignedOrder {{ Value = {Value}, Signers = {string.Join('>', Signers)} }}";
}

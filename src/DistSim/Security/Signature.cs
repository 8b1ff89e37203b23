using DistSim.Nodes;

namespace DistSim.Security;

/// <summary>
/// A signature from the ideal signing service: made by <see cref="Signer"/> with its own key, checkable
/// by anyone with <see cref="INodeContext.Verify"/>. No node can make a signature for another node.
/// </summary>
/// <param name="Signer">The node whose key made it.</param>
/// <param name="Value">HMAC-SHA256 of the message's canonical encoding under the signer's key (32 bytes).</param>
public sealed record Signature(NodeId Signer, byte[] Value)
{
    /// <summary>The signer and the first bytes of the value.</summary>
    public override string ToString() => $"Signature {{ Signer = {Signer}, Value = {Convert.ToHexString(Value, 0, Math.Min(4, Value.Length))}… }}";
}

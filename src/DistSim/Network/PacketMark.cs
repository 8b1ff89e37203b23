namespace DistSim.Network;

/// <summary>
/// Ground truth the simulator keeps about a packet that an in-transit adversary touched. Nodes and links
/// never see it; the trace does, so a test can tell whether an attack reached the application.
/// The numeric values are part of the fingerprint: never renumber.
/// </summary>
[Flags]
public enum PacketMark : byte
{
    /// <summary>An honest packet.</summary>
    None = 0,

    /// <summary>Modified in flight.</summary>
    Tampered = 1,

    /// <summary>Injected by the adversary, claiming another sender.</summary>
    Forged = 2,

    /// <summary>A copy of an earlier packet, injected again.</summary>
    Replayed = 4,
}

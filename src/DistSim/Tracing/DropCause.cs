namespace DistSim.Tracing;

/// <summary>Why a packet was dropped. The numeric values are part of the fingerprint: never renumber.</summary>
public enum DropCause : byte
{
    /// <summary>Not a drop.</summary>
    None = 0,

    /// <summary>The fair-loss network lost it (its loss probability).</summary>
    Loss = 1,

    /// <summary>The receiver had not started yet when the packet arrived.</summary>
    ReceiverNotStarted = 2,

    /// <summary>The link's receiver dropped it: its sequence number lay beyond the receive window.</summary>
    OutOfWindow = 3,

    /// <summary>A partition or cut held on the path at some time while the packet was on the wire.</summary>
    Partition = 4,

    /// <summary>The path already had its capacity of packets in flight.</summary>
    Capacity = 5,

    /// <summary>The sender or the receiver was crashed.</summary>
    NodeDown = 6,

    /// <summary>The sender's failure model lost it (send omission).</summary>
    SendOmission = 7,

    /// <summary>The receiver's failure model lost it (receive omission).</summary>
    ReceiveOmission = 8,
}

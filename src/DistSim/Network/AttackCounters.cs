namespace DistSim.Network;

/// <summary>
/// What the in-transit adversary tried and what reached a node, from the simulator's ground truth
/// (<see cref="PacketMark"/>). Counted only when an adversary is configured.
/// </summary>
/// <remarks>
/// A tampered or forged message is <em>accepted</em> when a node's handler receives it. A replay is
/// accepted when it makes a node receive a message a second time (a replayed copy that happens to arrive
/// before its original only delivers the genuine message once, which is no attack). Not thread-safe.
/// </remarks>
public sealed class AttackCounters
{
    // One bit per message id (ids are dense, 1, 2, 3, …): 125 KB per million messages, instead of a hash set entry each.
    private ulong[] _delivered = new ulong[64];

    /// <summary>Packets the adversary modified.</summary>
    public long TamperAttempts { get; internal set; }

    /// <summary>Packets the adversary forged.</summary>
    public long ForgeAttempts { get; internal set; }

    /// <summary>Packets the adversary replayed.</summary>
    public long ReplayAttempts { get; internal set; }

    /// <summary>Tampered messages a node received.</summary>
    public long TamperedAccepted { get; internal set; }

    /// <summary>Forged messages a node received.</summary>
    public long ForgedAccepted { get; internal set; }

    /// <summary>Replayed packets that made a node receive a message again.</summary>
    public long ReplayedAccepted { get; internal set; }

    /// <summary>All attempts.</summary>
    public long Attempts => TamperAttempts + ForgeAttempts + ReplayAttempts;

    /// <summary>All accepted attacks.</summary>
    public long Accepted => TamperedAccepted + ForgedAccepted + ReplayedAccepted;

    internal void OnDeliver(long messageId, PacketMark mark)
    {
        bool first = MarkDelivered(messageId);
        if (mark.HasFlag(PacketMark.Forged))
        {
            ForgedAccepted++;
        }
        else if (mark.HasFlag(PacketMark.Tampered))
        {
            TamperedAccepted++;
        }
        else if (mark.HasFlag(PacketMark.Replayed) && !first)
        {
            ReplayedAccepted++;
        }
    }

    /// <summary>Marks a message id delivered; true the first time.</summary>
    private bool MarkDelivered(long messageId)
    {
        long word = messageId >> 6;
        if (word >= _delivered.Length)
        {
            Array.Resize(ref _delivered, (int)Math.Max(word + 1, _delivered.Length * 2L));
        }

        ulong bit = 1UL << (int)(messageId & 63);
        bool first = (_delivered[word] & bit) == 0;
        _delivered[word] |= bit;
        return first;
    }
}

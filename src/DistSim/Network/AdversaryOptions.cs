using DistSim.Random;

namespace DistSim.Network;

/// <summary>
/// An in-transit adversary (a man in the middle) on the network. For every data packet a node's link
/// puts on the wire it draws, independently: <see cref="TamperProbability"/> — modify the packet's
/// message in flight; <see cref="ForgeProbability"/> — inject a forged packet claiming another sender;
/// <see cref="ReplayProbability"/> — inject a copy of one of the last <see cref="ReplayMemory"/> packets
/// it saw. It cannot compute a MAC without the key: on the authenticated link its work is rejected.
/// </summary>
/// <remarks>
/// The adversary acts on packets from a session's sender to its receiver (data), not on
/// acknowledgements. Its choices come from its own stream (<c>adversary</c>). Every action is traced
/// (<c>tampered</c>, <c>forged</c>, <c>replayed</c>) and the packet carries a <see cref="PacketMark"/>,
/// so a test can tell from the trace whether an attack reached a node. See <c>docs/concepts/links.md</c>.
/// </remarks>
public sealed record AdversaryOptions
{
    /// <summary>Probability in [0, 1] of modifying a data packet's message in flight.</summary>
    public double TamperProbability { get; init; }

    /// <summary>Probability in [0, 1] of injecting, next to a data packet, a forged one claiming another sender.</summary>
    public double ForgeProbability { get; init; }

    /// <summary>Probability in [0, 1] of injecting, next to a data packet, a copy of an earlier packet.</summary>
    public double ReplayProbability { get; init; }

    /// <summary>
    /// How to modify an application message (return null to leave it alone). Default:
    /// <see cref="MessageTampering.ChangeOneField"/>.
    /// </summary>
    public Func<object, RandomStream, object?> Tamper { get; init; } = MessageTampering.ChangeOneField;

    /// <summary>How many recent data packets the adversary remembers for replay (≥ 1). Default 64.</summary>
    public int ReplayMemory { get; init; } = 64;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid property and its value.</summary>
    public void Validate()
    {
        Check(TamperProbability, nameof(TamperProbability));
        Check(ForgeProbability, nameof(ForgeProbability));
        Check(ReplayProbability, nameof(ReplayProbability));
        if (Tamper is null)
        {
            throw new ArgumentNullException(nameof(Tamper), "must be a function");
        }

        if (ReplayMemory is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(ReplayMemory), ReplayMemory, "must be in [1, 1000000]");
        }
    }

    private static void Check(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(name, p, "must be in [0, 1]");
        }
    }
}

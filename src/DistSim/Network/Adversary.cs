using DistSim.Links;
using DistSim.Random;

namespace DistSim.Network;

/// <summary>The in-transit adversary at work: its decisions, its memory of packets, its frame surgery.</summary>
internal sealed class Adversary
{
    private readonly AdversaryOptions _options;
    private readonly Chance _tamper;
    private readonly Chance _forge;
    private readonly Chance _replay;
    private readonly Seen[] _memory;
    private int _remembered;
    private int _next;

    public Adversary(AdversaryOptions options, RandomStream stream)
    {
        _options = options;
        _tamper = new Chance(options.TamperProbability);
        _forge = new Chance(options.ForgeProbability);
        _replay = new Chance(options.ReplayProbability);
        _memory = new Seen[options.ReplayMemory];
        Stream = stream;
    }

    public RandomStream Stream { get; }

    /// <summary>Three draws, always: tamper, forge, replay.</summary>
    public (bool Tamper, bool Forge, bool Replay) Decide() => (_tamper.Happens(Stream), _forge.Happens(Stream), _replay.Happens(Stream));

    public void Remember(int pairIndex, int from, int to, long messageId, object frame)
    {
        _memory[_next] = new Seen(pairIndex, from, to, messageId, frame);
        _next = (_next + 1) % _memory.Length;
        _remembered = Math.Min(_remembered + 1, _memory.Length);
    }

    public Seen? PickRemembered() => _remembered == 0 ? null : _memory[(int)Stream.NextBelow((ulong)_remembered)];

    /// <summary>
    /// The frame with its application message modified, or null if the message cannot be. An authenticated
    /// frame keeps its old MAC: the adversary has no key to compute a new one.
    /// </summary>
    public object? TamperFrame(object frame) => frame switch
    {
        AuthenticatedFrame a => TamperFrame(a.Frame) is { } inner ? a with { Frame = inner } : null,
        DataFrame d => CallTamper(d.Message) is { } m ? d with { Message = m } : null,
        AckFrame => null,
        _ => CallTamper(frame),
    };

    /// <summary>
    /// The user's tamper function, on a copy of the message (so that a function that changes its argument in place
    /// changes nothing the network or the sender holds); its exception says whose it is.
    /// </summary>
    private object? CallTamper(object message)
    {
        object copy = Messages.MessageCopier.DeepCopy(message);
        try
        {
            return _options.Tamper(copy, Stream);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"AdversaryOptions.Tamper threw for a message of type {message.GetType().Name}: {ex.Message} (the adversary's function, not node code)", ex);
        }
    }

    /// <summary>
    /// A forged frame built from one seen on the wire: its message modified (or kept), and, for the
    /// authenticated link, a MAC of random bytes — the best an adversary without the key can do.
    /// </summary>
    public object Forge(object frame)
    {
        object forged = TamperFrame(frame) ?? frame;
        if (forged is AuthenticatedFrame a)
        {
            var mac = new byte[a.Mac.Length];
            Stream.NextBytes(mac);
            forged = a with { Mac = mac };
        }

        return forged;
    }

    /// <summary>A claimed sender other than the receiver (the receiver itself if it is the only node).</summary>
    public int ClaimedSender(int receiver, int nodes)
    {
        if (nodes <= 1)
        {
            return receiver;
        }

        int pick = (int)Stream.NextBelow((ulong)(nodes - 1));
        return pick >= receiver ? pick + 1 : pick;
    }

    public sealed record Seen(int PairIndex, int From, int To, long MessageId, object Frame);
}

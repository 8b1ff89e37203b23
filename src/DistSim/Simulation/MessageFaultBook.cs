using DistSim.Failures;
using DistSim.Nodes;

namespace DistSim;

/// <summary>
/// The message faults of a run: numbers every packet put on the wire per direction (from 1), remembers which number a
/// packet in flight has, and at each random decision (send omission, the channel's loss and duplication, receive
/// omission) either writes down what the draw decided (recording) or replaces it by what a fault schedule lists
/// (scripting). Only built when one of the two is asked for: a run without them pays one null check per packet.
/// </summary>
internal sealed class MessageFaultBook(Simulation simulation, bool record, Exploration.ExplorationRun? explore = null)
{
    private readonly Dictionary<long, long> _sent = [];
    private readonly Dictionary<long, (long Number, bool Copy)> _inFlight = [];
    private HashSet<(int From, int To, long Packet, MessageFaultKind Kind, bool Copy)>? _script;

    /// <summary>Whether a schedule decides the faults (else the draws do).</summary>
    public bool Scripted => _script is not null;

    /// <summary>Whether decided faults are written down.</summary>
    public bool Records { get; } = record;

    /// <summary>
    /// Adds the message faults of <paramref name="schedule"/> to the ones that happen (a second schedule that scripts
    /// messages adds its faults to the first's). Those of a replayed schedule (<paramref name="logged"/>) are written down
    /// when they happen, like drawn ones; a test's own script is not: it is applied again by the test on a replay.
    /// </summary>
    public void Script(FaultSchedule schedule, bool logged)
    {
        _script ??= [];
        foreach (Fault fault in schedule.Faults)
        {
            if (fault is MessageFault m)
            {
                var key = (m.From.Value, m.To.Value, m.Packet, m.Kind, m.Copy);
                _script.Add(key);
                if (!logged)
                {
                    (_unlogged ??= []).Add(key);
                }
            }
        }
    }

    private HashSet<(int From, int To, long Packet, MessageFaultKind Kind, bool Copy)>? _unlogged;

    /// <summary>A packet that will never arrive (it waited at a node that crashed): its number is forgotten.</summary>
    public void Forget(long packetId) => _inFlight.Remove(packetId);

    /// <summary>The number of the packet now put on the wire from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public long Next(int from, int to)
    {
        long key = ((long)from << 32) | (uint)to;
        _sent.TryGetValue(key, out long n);
        _sent[key] = ++n;
        return n;
    }

    /// <summary>Remembers the number of a packet put in flight (for a receive omission on its arrival).</summary>
    public void Track(long packetId, long number, bool copy) => _inFlight[packetId] = (number, copy);

    /// <summary>The number of an arriving packet, if it was numbered (injected packets are not); forgets it.</summary>
    public bool Arrived(long packetId, out long number, out bool copy)
    {
        if (_inFlight.Remove(packetId, out (long Number, bool Copy) entry))
        {
            (number, copy) = entry;
            return true;
        }

        number = 0;
        copy = false;
        return false;
    }

    /// <summary>Whether the fault happens to this packet: the schedule's word when scripted, else the draw's; written down if it happens and the book records.</summary>
    public bool Decide(MessageFaultKind kind, int from, int to, long number, bool copy, bool drawn)
    {
        bool happens = explore is not null ? kind == MessageFaultKind.Loss && explore.DecideDrop(from, to, number) // the search loses what it chooses to, nothing else
            : _script is { } script ? script.Contains((from, to, number, kind, copy))
            : drawn;
        if (happens && Records && _unlogged?.Contains((from, to, number, kind, copy)) != true)
        {
            simulation.LogFault(new MessageFault(simulation.Now, new NodeId(from), new NodeId(to), number, kind, copy));
        }

        return happens;
    }

    /// <summary>The channel's fate for a packet: the draw's, or the schedule's when scripted (lost if listed lost, else twice if listed duplicated, else once).</summary>
    public Network.PacketFate Fate(int from, int to, long number, Network.PacketFate drawn)
    {
        if (Decide(MessageFaultKind.Loss, from, to, number, copy: false, drawn == Network.PacketFate.Lost))
        {
            return Network.PacketFate.Lost;
        }

        return Decide(MessageFaultKind.Duplicate, from, to, number, copy: false, drawn == Network.PacketFate.Twice) ? Network.PacketFate.Twice : Network.PacketFate.Once;
    }
}

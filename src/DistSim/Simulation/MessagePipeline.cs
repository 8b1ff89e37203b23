using DistSim.Failures;
using DistSim.Links;
using DistSim.Messages;
using DistSim.Network;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Tracing;

namespace DistSim;

/// <summary>
/// The message pipeline of DESIGN.md, one stage after another in the order a message travels: <see cref="Send"/>
/// (snapshot, trace, the pair's link) → <see cref="Transmit"/> (the sender's failure model, the adversary, the pair's
/// channel: loss, duplication, delay) → <see cref="SchedulePacket"/> (partition, capacity, the timing model, the event
/// queue) → <see cref="Arrive"/> (partition, the receiver's failure model, the link) → <see cref="Deliver"/> (trace,
/// the node's handler). Each stage decides one thing; the state it decides from is the pair table
/// (<see cref="SimNetwork"/>), the node table and the counters here. The simulation owns the clock, the queue and the
/// trace; this type owns the message and packet numbering and what happens to each packet.
/// </summary>
internal sealed class MessagePipeline
{
    private readonly Simulation _simulation;
    private readonly NodeTable _nodes;
    private readonly SimNetwork _network;
    private readonly Adversary? _adversary;
    private readonly Timing.TimingModel _timing;
    private readonly long _gst; // TimingModel.NoGst when the model has none
    private readonly bool _isolate;
    private readonly bool _vectorClocks;
    private long _messageIds;
    private long _packetIds;
    private readonly TypeMemo<CopyPlan> _copyPlans = new(); // the plans of the last few message types copied
    private FramePool? _carrierPool;
    private bool _carriersDecided;

    /// <summary>The run's message faults, when they are recorded or scripted; null otherwise.</summary>
    internal MessageFaultBook? Book;

    public MessagePipeline(Simulation simulation, NodeTable nodes, SimNetwork network, Adversary? adversary, Timing.TimingModel timing, Time.SimTime? gst, SimulationOptions options)
    {
        _simulation = simulation;
        _nodes = nodes;
        _network = network;
        _adversary = adversary;
        _timing = timing;
        _gst = gst?.Ticks ?? Timing.TimingModel.NoGst;
        _isolate = options.IsolateMessages;
        _vectorClocks = options.VectorClocks;
    }

    /// <summary>Message counts so far.</summary>
    public MessageCounters Messages { get; } = new();

    /// <summary>What the in-transit adversary tried and what got through.</summary>
    public AttackCounters Attacks { get; } = new();

    private long Now => _simulation.NowTicks;

    /// <summary>
    /// Whether the built-in reliable links may send their frames as pooled carriers (on by default; a test turns it off,
    /// before the first send, to check that a run is the same without).
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after a session already asked for the pool.</exception>
    internal bool FrameCarriers
    {
        get;
        set
        {
            if (_carriersDecided)
            {
                throw new InvalidOperationException("FrameCarriers is decided at the first link session: set it before the first send");
            }

            field = value;
        }
    } = true;

    /// <summary>
    /// The pool of frame carriers (<see cref="FrameCarrier"/>), made on first use; null when frames must travel as
    /// records: with an in-transit adversary (it tampers with, remembers and replays frames) or with carriers turned off.
    /// Decided once, at the first session that asks.
    /// </summary>
    internal FramePool? CarrierPool
    {
        get
        {
            if (!_carriersDecided)
            {
                _carriersDecided = true;
                _carrierPool = FrameCarriers && _adversary is null ? new FramePool() : null;
            }

            return _carrierPool;
        }
    }

    internal long Send(int from, NodeId to, object message)
    {
        if (to.Value >= _nodes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"is not a node of this simulation ({_nodes.Count} nodes)");
        }

        ArgumentNullException.ThrowIfNull(message);
        message = Snapshot(message); // what the receivers will see is what was sent now (and it refuses what cannot be sent)

        long id = ++_messageIds;
        Messages.Sent++;
        _simulation.RecordEvent(TraceEventKind.Send, from, to.Value, id, 0, 0, DropCause.None, message, clock: _vectorClocks ? _simulation.StampMessage(from, id) : null);

        // Failure model, sender side: a correct node sends what it sends (crash, omission and Byzantine
        // behaviour act here). Then the link protocol of the pair takes the message: the fair-loss link is no
        // protocol (the kernel puts the message on the wire itself); any other link has a session.
        // A refusal here (the backlog limit) leaves the send above traced; the run fails even if the node swallows it.
        int pair = _network.PairIndex(from, to.Value);
        if (_network.IsFairLoss(pair))
        {
            if (++_network.Pairs[pair].Sent == 0)
            {
                _network.Rich(pair).SentHigh += 1L << 32;
            }

            Transmit(pair, reverse: false, id, message, TransmitKind.First);
        }
        else if (_network.ReliableRowOf(pair, create: true, out ReliableTable? table, out int row))
        {
            table!.Send(row, id, message); // a built-in reliable link: its session is a row of the link's table
        }
        else
        {
            _network.Rich(pair).Session.Send(id, message);
        }

        return id;
    }

    /// <summary>
    /// A link session puts one packet on the wire: the adversary (if any) may tamper with it or inject
    /// packets beside it, then the fair-loss channel of its direction decides its fate.
    /// </summary>
    internal void Transmit(int session, bool reverse, long messageId, object frame, TransmitKind kind)
    {
        ref PairState state = ref _network.Pairs[session];
        int from = reverse ? state.To : state.From;
        int to = reverse ? state.From : state.To;
        long packet = ++_packetIds;
        Messages.Packets++;
        if (kind == TransmitKind.Retransmit)
        {
            _simulation.RecordEvent(TraceEventKind.Retransmit, from, to, messageId, packet, 0, DropCause.None, frame);
        }
        else if (kind == TransmitKind.Ack)
        {
            _simulation.RecordEvent(TraceEventKind.AckSent, from, to, messageId, packet, 0, DropCause.None, frame);
        }

        // Failure model, sender side: a crashed node sends nothing; an omitting one loses packets.
        NodeRecord sender = _nodes[from];
        MessageFaultBook? book = Book;
        long number = book?.Next(from, to) ?? 0;
        bool omitted = sender.Up && sender.Model.SendOmissionProbability > 0 && new Chance(sender.Model.SendOmissionProbability).Happens(sender.Faults);
        if (book is not null && sender.Up)
        {
            omitted = book.Decide(MessageFaultKind.SendOmission, from, to, number, copy: false, omitted);
        }

        if (!sender.Up || omitted)
        {
            Messages.Dropped++;
            _simulation.RecordEvent(TraceEventKind.Drop, from, to, messageId, packet, 0, sender.Up ? DropCause.SendOmission : DropCause.NodeDown, frame);
            return;
        }

        object wire = frame;
        PacketMark mark = PacketMark.None;
        (bool Tamper, bool Forge, bool Replay) attack = default;
        if (_adversary is not null && !reverse)
        {
            attack = _adversary.Decide();
            if (attack.Tamper && _adversary.TamperFrame(frame) is { } tampered)
            {
                wire = tampered;
                mark = PacketMark.Tampered;
                Attacks.TamperAttempts++;
                _simulation.RecordEvent(TraceEventKind.Tampered, from, to, messageId, packet, 0, DropCause.None, wire, mark);
            }
        }

        int path = reverse ? _network.ReverseIndex(session, from, to) : session; // the pair of this direction: its channel
        ChannelConfig channel = _network.ChannelOf(path);
        PacketFate fate = channel.Decide(ref _network.Pairs[path].Channel);
        if (book is not null)
        {
            fate = book.Fate(from, to, number, fate);
        }

        switch (fate)
        {
            case PacketFate.Lost:
                Messages.Dropped++;
                _simulation.RecordEvent(TraceEventKind.Drop, from, to, messageId, packet, 0, DropCause.Loss, wire, mark);
                break;
            case PacketFate.Once:
                if (SchedulePacket(path, channel.SampleDelayTicks(ref _network.Pairs[path].Channel), session, messageId, packet, wire, mark))
                {
                    book?.Track(packet, number, copy: false);
                }

                break;
            case PacketFate.Twice:
                if (SchedulePacket(path, channel.SampleDelayTicks(ref _network.Pairs[path].Channel), session, messageId, packet, wire, mark))
                {
                    book?.Track(packet, number, copy: false);
                }

                long copy = ++_packetIds;
                Messages.Packets++;
                Messages.Duplicated++;
                _simulation.RecordEvent(TraceEventKind.Duplicate, from, to, messageId, copy, 0, DropCause.None, wire, mark);
                if (SchedulePacket(path, channel.SampleDelayTicks(ref _network.Pairs[path].Channel), session, messageId, copy, wire, mark))
                {
                    book?.Track(copy, number, copy: true);
                }

                break;
        }

        if (_adversary is not null && !reverse)
        {
            InjectAttacks(attack.Forge, attack.Replay, to, frame);
            _adversary.Remember(session, from, to, messageId, frame);
        }
    }

    /// <summary>The adversary's injections next to a data packet: a forgery claiming another sender, a replay of an old packet.</summary>
    private void InjectAttacks(bool forge, bool replay, int to, object frame)
    {
        Adversary adversary = _adversary!;
        if (forge)
        {
            int claimed = adversary.ClaimedSender(to, _nodes.Count);
            int forgedPair = _network.PairIndex(claimed, to);
            object forged = adversary.Forge(frame);
            long message = ++_messageIds; // a message no node sent
            long packet = ++_packetIds;
            Messages.Packets++;
            Attacks.ForgeAttempts++;
            _simulation.RecordEvent(TraceEventKind.Forged, claimed, to, message, packet, 0, DropCause.None, forged, PacketMark.Forged);
            SchedulePacket(forgedPair, _network.ChannelOf(forgedPair).Options.Delay.SampleTicks(adversary.Stream), forgedPair, message, packet, forged, PacketMark.Forged);
        }

        if (replay && adversary.PickRemembered() is { } old)
        {
            long packet = ++_packetIds;
            Messages.Packets++;
            Attacks.ReplayAttempts++;
            _simulation.RecordEvent(TraceEventKind.Replayed, old.From, old.To, old.MessageId, packet, 0, DropCause.None, old.Frame, PacketMark.Replayed);
            SchedulePacket(old.PairIndex, _network.ChannelOf(old.PairIndex).Options.Delay.SampleTicks(adversary.Stream), old.PairIndex, old.MessageId, packet, old.Frame, PacketMark.Replayed);
        }
    }

    /// <summary>
    /// A Byzantine node (<paramref name="forger"/>) sends a packet claiming <paramref name="claimed"/> as its
    /// sender, framed as the (claimed → to) link would frame it — without its key: on the authenticated link
    /// the MAC is random bytes, so the packet is rejected.
    /// </summary>
    internal void SendForged(int forger, NodeId claimed, NodeId to, object message)
    {
        _simulation.RequireNode(claimed, nameof(claimed));
        _simulation.RequireNode(to, nameof(to));
        ArgumentNullException.ThrowIfNull(message);
        message = Snapshot(message);

        int index = _network.PairIndex(claimed.Value, to.Value);
        RandomStream random = _nodes[forger].Random;
        (long senderIncarnation, long receiverIncarnation) = (0L, 0L); // in the clear on the wire
        if (!_network.IsFairLoss(index))
        {
            if (_network.ReliableRowOf(index, create: true, out ReliableTable? table, out int row))
            {
                (senderIncarnation, receiverIncarnation) = table!.Incarnations(row);
            }
            else if (_network.Rich(index).Session is ReliableSession session)
            {
                (senderIncarnation, receiverIncarnation) = session.Incarnations;
            }
        }

        object frame = _network.LinkOf(index) switch
        {
            AuthenticatedLink => new AuthenticatedFrame(
                new DataFrame(senderIncarnation, receiverIncarnation, 1 + (long)random.NextBelow(64), message), RandomBytes(random, 32)),
            ReliableLink => new DataFrame(senderIncarnation, receiverIncarnation, 1 + (long)random.NextBelow(64), message),
            _ => message,
        };
        long id = ++_messageIds;
        long packet = ++_packetIds;
        Messages.Packets++;
        _simulation.RecordEvent(TraceEventKind.Forged, claimed.Value, to.Value, id, packet, 0, DropCause.None, frame, PacketMark.Forged);
        SchedulePacket(index, _network.ChannelOf(index).SampleDelayTicks(ref _network.Pairs[index].Channel), index, id, packet, frame, PacketMark.Forged);
    }

    private static byte[] RandomBytes(RandomStream random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A link session hands a message to its receiving node.</summary>
    internal void Deliver(in LinkPacket packet, object message)
    {
        int node = packet.To.Value;
        Messages.Delivered++;
        if (_adversary is not null)
        {
            Attacks.OnDeliver(packet.MessageId, packet.Mark);
        }

        _simulation.RecordEvent(TraceEventKind.Deliver, node, packet.From.Value, packet.MessageId, packet.PacketId, 0, DropCause.None, message, packet.Mark,
            _vectorClocks ? _simulation.MergeMessage(node, packet.MessageId) : null);
        _simulation.InvokeMessage(node, packet.From.Value, packet.MessageId, packet.PacketId, _isolate ? MessageCopier.DeepCopy(message, _copyPlans) : message); // its own copy
    }

    /// <summary>
    /// The message as the network carries it: with isolation on (the default) a deep copy taken now, so the
    /// sender's later changes do not travel (a deeply immutable message is itself, at the cost of a cached
    /// lookup). A message that cannot be copied faithfully is refused here with a
    /// <see cref="MessageEncodingException"/> naming its type and member.
    /// </summary>
    private object Snapshot(object message) => _isolate ? MessageCopier.DeepCopy(message, _copyPlans) : message;

    /// <summary>A link session reports what it did with a packet or message.</summary>
    internal void RecordLinkVerdict(int from, int to, LinkVerdict verdict, long messageId, in LinkPacket packet)
    {
        switch (verdict)
        {
            case LinkVerdict.Acknowledged:
                _simulation.RecordEvent(TraceEventKind.Acknowledged, from, to, messageId, 0, 0, DropCause.None, null);
                break;
            case LinkVerdict.Abandoned:
                _simulation.RecordEvent(TraceEventKind.Abandoned, from, to, messageId, 0, 0, DropCause.None, null);
                break;
            case LinkVerdict.DuplicateSuppressed or LinkVerdict.Rejected or LinkVerdict.Stale or LinkVerdict.Handshake:
                TraceEventKind kind = verdict switch
                {
                    LinkVerdict.DuplicateSuppressed => TraceEventKind.DuplicateSuppressed,
                    LinkVerdict.Rejected => TraceEventKind.Rejected,
                    LinkVerdict.Stale => TraceEventKind.Stale,
                    _ => TraceEventKind.Handshake,
                };
                _simulation.RecordEvent(kind, packet.To.Value, packet.From.Value, messageId, packet.PacketId, 0, DropCause.None, packet.Frame, packet.Mark);
                break;
            case LinkVerdict.OutOfWindow:
                Messages.Received--; // it reached the link, which dropped it: counted as a drop, not as received
                Messages.Dropped++;
                _simulation.RecordEvent(TraceEventKind.Drop, packet.From.Value, packet.To.Value, messageId, packet.PacketId, 0,
                    DropCause.OutOfWindow, packet.Frame, packet.Mark);
                break;
        }
    }

    /// <summary>
    /// Puts one packet in flight on the pair <paramref name="path"/> (its direction), unless a partition cuts the
    /// path or the path is at capacity. Its delay was drawn by the caller, always, so that a drop does not
    /// shift the channel's stream (the timing model composes here).
    /// </summary>
    private bool SchedulePacket(int path, long delayTicks, int session, long message, long packet, object frame, PacketMark mark)
    {
        ref PairState state = ref _network.Pairs[path];
        int from = state.From, to = state.To;
        if (_network.IsCutNow(from, to))
        {
            Messages.Dropped++;
            _simulation.RecordEvent(TraceEventKind.Drop, from, to, message, packet, 0, DropCause.Partition, frame, mark);
            return false;
        }

        int? capacity = _network.ChannelOf(path).Capacity;
        if (capacity is int limit && _network.Rich(path).InFlight >= limit)
        {
            Messages.Dropped++;
            _simulation.RecordEvent(TraceEventKind.Drop, from, to, message, packet, 0, DropCause.Capacity, frame, mark);
            return false;
        }

        if (!ReferenceEquals(_timing, global::DistSim.Timing.TimingModels.Unbounded))
        {
            // The timing model composes with the link. A derived model's answer is checked there; if it throws, nothing
            // below has happened yet: no place taken, nothing in flight, the queue untouched (the run fails).
            delayTicks = _timing.DelayTicks(Now, delayTicks, frame, ref state.Channel, _gst, from, to);
        }

        bool counted = false;
        if (capacity is not null)
        {
            _network.Rich(path).InFlight++;
            counted = true; // its arrival gives the place back
        }

        Messages.InFlight++;
        if (_carrierPool is not null)
        {
            FramePool.Hold(frame); // this copy holds its carrier until it arrives
        }

        int epoch = _network.PartitionEpoch;
        _network.PacketSent(epoch);
        _simulation.Schedule(
            Simulation.SaturatingAdd(Now, delayTicks),
            new ScheduledEvent(EventKind.Packet, to, from, session, message, packet, frame, mark, epoch, counted));
        return true;
    }

    /// <summary>A packet is no longer on the wire (it arrived, or was lost with the paused machine that held it): its place is given back.</summary>
    internal void LeaveFlight(in ScheduledEvent e)
    {
        Messages.InFlight--;
        _network.PacketLeft(e.Epoch);
        if (e.Counted)
        {
            _network.Rich(_network.PairIndex(e.Peer, e.Node)).InFlight--;
        }
    }

    /// <summary>
    /// A channel gained a capacity while packets were on its path: they count from now on (their arrival gives their
    /// place back), so the capacity sees every packet in flight, whenever it was set.
    /// </summary>
    internal int CountInFlight(int from, int to) => _simulation.MarkPacketsInFlight(from, to);

    /// <summary>A packet reaches its destination: the receiver side of the pipeline, then the link (session); then its copy lets its carrier go.</summary>
    internal void Arrive(in ScheduledEvent e)
    {
        ArriveAt(e);
        _carrierPool?.Release(e.Payload); // not in a finally: if a link or plug-in threw, the run fails, and a carrier left held is only garbage
    }

    /// <summary>A packet that sat in the buffer of a paused machine that went down: its copy lets its carrier go.</summary>
    internal void Discard(in ScheduledEvent e) => _carrierPool?.Release(e.Payload);

    private void ArriveAt(in ScheduledEvent e)
    {
        bool cut = _network.WasCutSince(e.Epoch, e.Peer, e.Node); // before it leaves the wire: that may release the epochs it asks about
        LeaveFlight(e);
        long number = 0;
        bool copy = false;
        bool numbered = Book is { } book && book.Arrived(e.Packet, out number, out copy);

        if (cut)
        {
            Messages.Dropped++;
            _simulation.RecordEvent(TraceEventKind.Drop, e.Peer, e.Node, e.Id, e.Packet, 0, DropCause.Partition, e.Payload, e.Mark);
            return;
        }

        // Failure model, receiver side: a crashed node hears nothing; an omitting one loses packets.
        NodeRecord receiver = _nodes[e.Node];
        DropCause cause = !receiver.Up ? DropCause.NodeDown
            : receiver.Instance is null ? DropCause.ReceiverNotStarted
            : ReceiveOmitted(receiver, e, numbered, number, copy) ? DropCause.ReceiveOmission
            : DropCause.None;
        if (cause != DropCause.None)
        {
            Messages.Dropped++;
            _simulation.RecordEvent(TraceEventKind.Drop, e.Peer, e.Node, e.Id, e.Packet, 0, cause, e.Payload, e.Mark);
            return;
        }

        Messages.Received++;
        var packet = new LinkPacket(new NodeId(e.Peer), new NodeId(e.Node), e.Id, e.Packet, e.Payload!, e.Mark);
        if (_network.IsFairLoss(e.Slot))
        {
            if (++_network.Pairs[e.Slot].Delivered == 0)
            {
                _network.Rich(e.Slot).DeliveredHigh += 1L << 32;
            }

            Deliver(packet, packet.Frame); // the fair-loss link delivers whatever arrives (never a carrier: see below)
            return;
        }

        if (_network.ReliableRowOf(e.Slot, create: true, out ReliableTable? table, out int row))
        {
            table!.OnPacket(row, packet); // a built-in reliable link's own session: carriers and all
            return;
        }

        // A session of a user's link that wraps a built-in one (and hands it the host) gets carriers made by the built-in
        // session under it: it sees the record (built once per carrier use), and passes it on.
        ILinkSession session = _network.Rich(e.Slot).Session;
        session.OnPacket(session is ReliableSession ? packet : packet with { Frame = FrameCarrier.Observe(packet.Frame) });
    }

    /// <summary>Whether the receiver's failure model omits the arriving packet: the draw, or the fault schedule's word for a numbered packet.</summary>
    private bool ReceiveOmitted(NodeRecord receiver, in ScheduledEvent e, bool numbered, long number, bool copy)
    {
        bool drawn = receiver.Model.ReceiveOmissionProbability > 0 && new Chance(receiver.Model.ReceiveOmissionProbability).Happens(receiver.Faults);
        return numbered ? Book!.Decide(MessageFaultKind.ReceiveOmission, e.Peer, e.Node, number, copy, drawn) : drawn;
    }
}

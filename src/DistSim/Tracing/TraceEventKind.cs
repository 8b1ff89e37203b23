namespace DistSim.Tracing;

/// <summary>What happened in one trace event. The numeric values are part of the fingerprint: never renumber.</summary>
public enum TraceEventKind : byte
{
    /// <summary>A node was created from its factory and its start handler ran.</summary>
    NodeStarted = 1,

    /// <summary>A node sent a message (before the network decided its fate).</summary>
    Send = 2,

    /// <summary>A packet was dropped; <see cref="TraceEvent.Cause"/> says why.</summary>
    Drop = 3,

    /// <summary>The network duplicated a message: one more packet of it is in flight.</summary>
    Duplicate = 4,

    /// <summary>A packet was delivered to its receiver's message handler.</summary>
    Deliver = 5,

    /// <summary>A node set a timer.</summary>
    TimerSet = 6,

    /// <summary>A timer fired and its node's timer handler ran.</summary>
    TimerFired = 7,

    /// <summary>A node cancelled a pending timer.</summary>
    TimerCancelled = 8,

    /// <summary>A node's handler threw; the run stopped.</summary>
    NodeFaulted = 9,

    /// <summary>A link sent a data packet again (no acknowledgement in time).</summary>
    Retransmit = 10,

    /// <summary>A link's receiver sent an acknowledgement packet.</summary>
    AckSent = 11,

    /// <summary>A link's sender learned that a message was delivered.</summary>
    Acknowledged = 12,

    /// <summary>A link's receiver recognised a packet as already delivered and did not hand it up again.</summary>
    DuplicateSuppressed = 13,

    /// <summary>A link's receiver discarded a packet whose authentication code did not verify.</summary>
    Rejected = 14,

    /// <summary>A link's sender gave up a message after its retransmission limit.</summary>
    Abandoned = 15,

    /// <summary>The in-transit adversary modified a packet (payload: the modified frame).</summary>
    Tampered = 16,

    /// <summary>The in-transit adversary injected a packet claiming <c>Node</c> as its sender.</summary>
    Forged = 17,

    /// <summary>The in-transit adversary injected a copy of an earlier packet.</summary>
    Replayed = 18,

    /// <summary>The network was partitioned, a direction cut or a node isolated (payload: a description).</summary>
    Partition = 19,

    /// <summary>Every partition, cut and isolation was removed.</summary>
    Heal = 20,

    /// <summary>A node crashed (payload: its failure model's name).</summary>
    Crash = 21,

    /// <summary>A crashed node was restarted; its recovery follows as a <see cref="NodeStarted"/> event with payload <c>recover</c>.</summary>
    Restart = 22,

    /// <summary>At a crash, the node's last unflushed storage write was torn (payload: what landed).</summary>
    TornWrite = 23,

    /// <summary>A Byzantine node deviated from its protocol (timer field: the <see cref="Failures.FaultKinds"/>; payload: what it did).</summary>
    Byzantine = 24,

    /// <summary>A node was paused: it handles nothing until resumed.</summary>
    Pause = 25,

    /// <summary>A paused node resumed (payload: how many events had waited).</summary>
    Resume = 26,

    /// <summary>A node's clock was stepped (payload: the jump).</summary>
    ClockStep = 27,

    /// <summary>
    /// A link end discarded a packet of an old incarnation (sent before a restart of either end, or a replay of one):
    /// <c>Node</c> is the end that discarded it (the receiver for data, the sender for acknowledgements); payload: the frame.
    /// </summary>
    Stale = 28,

    /// <summary>
    /// A link's sender learned the receiver's incarnation and started a stream (first contact, or a restart of either
    /// end); payload: the frame that told it.
    /// </summary>
    Handshake = 29,

    /// <summary>
    /// Node code resumed after an <c>await</c>: a continuation the node's synchronization context queued ran as an event
    /// of its own. <c>Timer</c> holds the incarnation it belongs to (a continuation of an earlier incarnation never runs).
    /// </summary>
    Continued = 30,
}

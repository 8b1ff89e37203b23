namespace DistSim.Samples.Bench;

/// <summary>
/// A bare baseline: the same logical work as the DistSim side of a workload, written as a competent engineer would
/// write it by hand for that workload alone. Built untimed; <see cref="Run"/> is what is measured, once.
/// </summary>
public abstract class BareLoop
{
    /// <summary>What the loop did, counted as it went, so tests can check it did the same work as DistSim.</summary>
    public BareCounts Counts { get; } = new();

    /// <summary>The number of queue pops a bare loop makes per call of its inner method (see <see cref="Run"/>).</summary>
    protected const int ChunkSize = 256;

    /// <summary>
    /// Runs the loop to its end; call once. A bare loop runs in chunks of <see cref="ChunkSize"/> queue pops per
    /// call so that, like the kernel's per-event methods, its body is called often enough (more than 30 times in a
    /// warm-up of 8,000 pops) for the JIT to tier it up with profile-guided optimisation; one long call would run
    /// on-stack-replacement code and flatter DistSim (a BenchmarkDotNet run with 4,096 pops per call measured the
    /// bare ring at twice its tiered time).
    /// </summary>
    public abstract void Run();
}

/// <summary>Counts of a bare loop's work: queue operations, events and, for the message workloads, packets and MACs.</summary>
public sealed class BareCounts
{
    /// <summary>Entries popped from the queue: the bare loop's events.</summary>
    public long Pops { get; set; }

    /// <summary>Entries pushed into the queue.</summary>
    public long Pushes { get; set; }

    /// <summary>Messages handed to a node (ring, all-to-all).</summary>
    public long Deliveries { get; set; }

    /// <summary>Data packets sent (one per message: the network loses nothing).</summary>
    public long DataPackets { get; set; }

    /// <summary>Acknowledgement packets sent (reliable and authenticated baselines).</summary>
    public long Acks { get; set; }

    /// <summary>Acknowledgements received by their sender (reliable and authenticated baselines).</summary>
    public long AcksReceived { get; set; }

    /// <summary>HMAC-SHA256 tags computed by senders (authenticated baseline: one per data packet and one per ack).</summary>
    public long MacsComputed { get; set; }

    /// <summary>HMAC-SHA256 tags recomputed and compared by receivers.</summary>
    public long MacsVerified { get; set; }

    /// <summary>The virtual time of the last event, in ticks (a checksum of the run: the same in every round).</summary>
    public long EndTime { get; set; }
}

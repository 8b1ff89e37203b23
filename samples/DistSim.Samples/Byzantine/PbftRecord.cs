using DistSim.Checking;

namespace DistSim.Samples.Byzantine;

/// <summary>What a sweep keeps of one PBFT run.</summary>
/// <param name="Violations">Agreement violations among honest replicas.</param>
/// <param name="FirstViolation">The first in words; null if none.</param>
/// <param name="Linearizable">Whether the clients' history is linearizable.</param>
/// <param name="Operations">Operations invoked.</param>
/// <param name="Completed">Operations answered.</param>
/// <param name="Faulty">The faulty replicas and their behaviours, e.g. <c>r0:silent</c>.</param>
/// <param name="ViewChanges">View-change messages honest replicas sent.</param>
/// <param name="NewViews">New-view messages honest primaries sent.</param>
/// <param name="HighestView">The highest view an honest replica entered.</param>
/// <param name="ExecutedAfterViewChange">Executions by honest replicas in a view above 0.</param>
/// <param name="Rejections">Messages honest nodes rejected at the protocol level (signature or certificate).</param>
/// <param name="LinkRejections">Packets the authenticated link rejected (forged frames), from the trace.</param>
/// <param name="ByzantineEvents">Byzantine events in the trace.</param>
/// <param name="MessagesSent">Messages the nodes' code sent.</param>
/// <param name="StableCheckpoints">Checkpoints that became stable at honest replicas.</param>
/// <param name="StateTransfers">States honest replicas installed from others.</param>
/// <param name="MaxLogSlots">The most log slots an honest replica held at once.</param>
/// <param name="Violation">A node fault or limit that stopped the run; null if none.</param>
public sealed record PbftRecord(
    int Violations,
    string? FirstViolation,
    bool Linearizable,
    int Operations,
    int Completed,
    string Faulty,
    int ViewChanges,
    int NewViews,
    long HighestView,
    int ExecutedAfterViewChange,
    long Rejections,
    int LinkRejections,
    int ByzantineEvents,
    long MessagesSent,
    int StableCheckpoints,
    int StateTransfers,
    int MaxLogSlots,
    string? Violation)
{
    /// <summary>Whether agreement or linearizability broke.</summary>
    public bool Bad => Violations > 0 || !Linearizable;

    /// <summary>The record of a finished run.</summary>
    /// <param name="r">The run.</param>
    public static PbftRecord Of(PbftRun r)
    {
        ArgumentNullException.ThrowIfNull(r);
        PbftObserver o = r.Observer;
        var events = r.Simulation.Trace.Events;
        return new(
            o.Violations,
            o.FirstViolation,
            r.Verdict.Verdict != LinearizabilityVerdict.NotLinearizable,
            r.History.Count,
            r.Completed,
            string.Join(" ", r.Behaviors.Select(kv => Invariant($"r{kv.Key}:{PbftBehaviors.Name(kv.Value)}"))),
            o.ViewChangesSent,
            o.NewViewsSent,
            o.HighestView,
            o.ExecutedAfterViewChange,
            o.Rejections,
            events.Count(e => e.Kind == Tracing.TraceEventKind.Rejected),
            events.Count(e => e.Kind == Tracing.TraceEventKind.Byzantine),
            o.MessagesSent,
            o.StableCheckpoints,
            o.StateTransfers,
            o.MaxLogSlots,
            r.Simulation.Failure is { } f ? f.Message.Split('\n')[0] : null);
    }
}

using System.Runtime.CompilerServices;
using DistSim.Diagnostics;
using DistSim.Nodes;

namespace DistSim;

/// <summary>
/// Misuse guards: one simulation belongs to one thread at a time, a run cannot be re-entered, and a
/// node acts only from inside its own handlers. Every guard fails with an
/// <see cref="InvalidOperationException"/> that names the call and the node and says what to do.
/// </summary>
/// <remarks>
/// A public call claims the simulation for its thread for its duration (one interlocked exchange;
/// nested calls on the same thread, e.g. <see cref="Crash"/> from a <see cref="At(Time.SimTime, Action)"/> action during a
/// run, share the claim), so two threads using one simulation at once are detected rather than
/// corrupting the queue. A node action (send, timer, storage) costs two compares on the hot path: the
/// calling thread is the one running the simulation, and the node's context is the one whose handler
/// runs. A call from another thread (<c>Task.Run</c>, a continuation on the thread pool) throws at
/// the call and also fails the run, so it cannot pass unnoticed. See <c>docs/concepts/reliability.md</c>.
/// </remarks>
public sealed partial class Simulation
{
    private int _ownerThread;
    private int _lastThread;
    private bool _running;
    private NodeContext? _active;
    private PendingFailure? _pending;

    /// <summary>
    /// Claims the simulation for this thread until the claim is disposed (<c>using</c>), for a call that changes
    /// it: refused from inside a node handler too, since node code acts only through its context (a node that
    /// could crash, partition or reschedule the world from its handler would be an oracle no real node has).
    /// </summary>
    internal ThreadClaim Claim(string member)
    {
        bool entered = Enter(member);
        if (_active is { } active)
        {
            Exit(entered);
            throw Misuse(active.Name, new InvalidOperationException(
                $"node {active.Name} called Simulation.{member} from its handler: node code acts only through its context " +
                "(Send, timers, storage). Script faults, partitions and clock steps from the test: Simulation.At, a FaultSchedule, or between steps."));
        }

        return new ThreadClaim(this, entered);
    }

    /// <summary>A draw from node <paramref name="node"/>'s own stream: only inside that node's handler, on the simulation's thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckNodeRandom(int node)
    {
        if (_active is { } active && active.NodeIndex == node && Environment.CurrentManagedThreadId == _ownerThread)
        {
            return;
        }

        RefuseNodeRandom(node);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RefuseNodeRandom(int node)
    {
        if (IsForeignThread(out int owner))
        {
            ThrowForeign(_nodes[node].Name, "Random", owner, OnRawThread.Return);
            return; // a raw thread (no task to carry an exception): reported, the run fails; throwing would end the process
        }

        throw Misuse(_nodes[node].Name, new InvalidOperationException(
            $"node {_nodes[node].Name}'s random stream was drawn from {(_active is { } other ? $"node {other.Name}'s handler" : "outside its handlers")}: " +
            "a node's stream may be used only inside that node's own handlers (a draw from elsewhere would shift what the node draws next). " +
            "Do not keep Context.Random past a handler for use elsewhere."));
    }

    /// <summary>Claims the simulation for this thread; returns true when this call took the claim (and must release it).</summary>
    private bool Enter(string member)
    {
        int me = Environment.CurrentManagedThreadId;
        int previous = Interlocked.CompareExchange(ref _ownerThread, me, 0);
        if (previous == 0)
        {
            _lastThread = me;
            return true;
        }

        if (previous != me)
        {
            throw new InvalidOperationException(
                $"Simulation.{member} was called on thread {me} while thread {previous} is using this simulation. " +
                "A simulation is single-threaded: use it from one thread at a time; run many seeds in parallel with one simulation each.");
        }

        return false;
    }

    internal void Exit(bool entered)
    {
        if (entered)
        {
            Volatile.Write(ref _ownerThread, 0);
        }
    }

    /// <summary>
    /// Claims the simulation for a run call (Run, RunUntil, Step): refused from another thread, and from inside the
    /// run itself (a node handler or an At action: a run cannot be re-entered).
    /// </summary>
    private ThreadClaim ClaimRun(string member)
    {
        bool entered = Enter(member);
        if (_running)
        {
            Exit(entered);
            string where = _active is { } active ? $"node {active.Name}'s handler" : "a Simulation.At action or a link callback";
            throw Misuse(_active?.Name, new InvalidOperationException(
                $"Simulation.{member} was called from inside the run ({where}): a run cannot be re-entered. " +
                "Schedule further work with Simulation.At, or call Run again after this one returns."));
        }

        return new ThreadClaim(this, entered);
    }

    /// <summary>Checks a read: no other thread may be using the simulation at the same time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckThread(string member)
    {
        int owner = Volatile.Read(ref _ownerThread);
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
        {
            ThrowForeignThread(member, owner);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowForeignThread(string member, int owner) =>
        throw new InvalidOperationException(
            $"Simulation.{member} was called on thread {Environment.CurrentManagedThreadId} while thread {owner} is running this simulation. " +
            "Read a simulation between runs, or from its own thread.");

    /// <summary>
    /// A node action's guard, on the hot path: the calling thread runs the simulation and the context is the
    /// one whose handler runs. Otherwise throws; the context's exception filter (<see cref="Refused"/>) makes the
    /// refusal fail the run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CheckNodeAction(NodeContext context, string action)
    {
        if (!ReferenceEquals(_active, context) || Environment.CurrentManagedThreadId != _ownerThread)
        {
            ThrowNodeAction(context, action);
        }
    }

    /// <summary>Whether <paramref name="context"/>'s handler runs now, on this thread (no exception either way).</summary>
    internal bool IsInHandlerOf(NodeContext context) => ReferenceEquals(_active, context) && Environment.CurrentManagedThreadId == Volatile.Read(ref _ownerThread);

    /// <summary>
    /// Storage of node <paramref name="node"/>: from its own handlers during a run, or from the simulation's user between
    /// steps. Returns false for a call from a raw thread (reported: the run fails; the call must do nothing, as an exception
    /// there would end the process); throws for every other misuse.
    /// </summary>
    internal bool CheckStorageAccess(int node, string action)
    {
        int owner = Volatile.Read(ref _ownerThread);
        if (owner != 0 && owner != Environment.CurrentManagedThreadId)
        {
            try
            {
                ThrowForeign(_nodes[node].Name, $"Storage.{action}", owner, OnRawThread.Neutral); // between runs any one thread may inspect storage
            }
            catch (ForeignThreadRefusal)
            {
                return false;
            }
        }

        if (_active is { } active && active.NodeIndex != node)
        {
            throw Misuse(active.Name, new InvalidOperationException(
                $"node {active.Name} called Storage.{action} on the storage of node {_nodes[node].Name}: a node may use only its own storage " +
                "(no shared disks). Send the other node a message instead."));
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowNodeAction(NodeContext context, string action)
    {
        if (IsForeignThread(out int owner))
        {
            ThrowForeign(context.Name, action, owner, OnRawThread.Neutral);
        }

        NodeRecord record = _nodes[context.NodeIndex];
        if (context.Incarnation != record.Incarnation || !record.Up)
        {
            throw new InvalidOperationException(
                $"node {context.Name} (incarnation {context.Incarnation}) called {action}, but that incarnation is gone " +
                $"(the node {(record.Up ? $"runs incarnation {record.Incarnation}" : "is down")}): nothing of a crashed incarnation may act. " +
                "Do not keep references to a node object or its context past a crash.");
        }

        string where = _active is { } active ? $"node {active.Name}'s handler" : _running ? "a Simulation.At action or a link callback" : "outside any handler";
        throw new InvalidOperationException(
            $"node {context.Name} called {action} from {where}: a node acts only from inside its own handlers " +
            "(OnStart, OnRecover, OnMessage, OnTimer). To make a node act from a test, use Simulation.At<TNode>(time, node, action).");
    }

    /// <summary>
    /// True when the calling thread is not the simulation's: another thread runs it now, or none does and the
    /// caller is not the thread that used it last (a thread-pool task that outlived a run).
    /// </summary>
    private bool IsForeignThread(out int owner)
    {
        owner = Volatile.Read(ref _ownerThread);
        int me = Environment.CurrentManagedThreadId;
        return owner != 0 ? owner != me : Volatile.Read(ref _lastThread) is int last && last != 0 && last != me;
    }

    /// <summary>
    /// A node action from another thread: reported (the run fails when its run call ends, at the event the escaped code
    /// came from when that is known) and refused. Inside a task the refusal is thrown (the task carries it); on a raw
    /// thread — a thread-pool work item, a timer callback, a thread of its own — an exception would end the process, so
    /// the context's actions answer neutrally and a draw goes ahead (<paramref name="raw"/>); storage still refuses.
    /// </summary>
    private void ThrowForeign(string node, string action, int owner, OnRawThread raw = OnRawThread.Throw)
    {
        var ex = new InvalidOperationException(
            $"node {node} called {action} on thread {Environment.CurrentManagedThreadId}, not on the simulation's thread" +
            (owner == 0 ? " (no run is in progress)" : $" ({owner})") +
            ": node code must not use Task.Run, threads, or await anything that resumes on the thread pool (Task.Delay without the node's " +
            "TimeProvider, ConfigureAwait(false), real I/O). The run is failed.");
        ReportForeign(ex, node, "a call from outside the simulation's thread");
        switch (raw)
        {
            case OnRawThread.Return when Task.CurrentId is null:
                return;
            case OnRawThread.Neutral when Task.CurrentId is null:
                throw new ForeignThreadRefusal(ex);
            default:
                throw ex;
        }
    }

    /// <summary>What a guard does on a raw foreign thread (no task to carry an exception): see <see cref="ThrowForeign"/>.</summary>
    private enum OnRawThread
    {
        /// <summary>Throw all the same.</summary>
        Throw,

        /// <summary>Throw <see cref="ForeignThreadRefusal"/>, which the node's context turns into a neutral answer.</summary>
        Neutral,

        /// <summary>Return: the call goes ahead on a throwaway basis (a draw from the node's stream; the run fails anyway).</summary>
        Return,
    }

    /// <summary>
    /// Keeps the first report from another thread (never throws: the caller may be a thread-pool or finalizer thread). The
    /// run fails when its current run call ends — not at whichever event the report happens to reach — and the failure
    /// names the event and time the escaped code came from, when its async scope says so.
    /// </summary>
    private void ReportForeign(Exception ex, string node, string description, Origin? known = null)
    {
        EventAlias? scope = AsyncScope.Value; // the event whose code started what runs here, when the execution context came along
        var report = new PendingFailure(ex, node, description, known?.EventIndex ?? scope?.EventIndex, known?.Time ?? scope?.Time);
        Interlocked.CompareExchange(ref _foreign, report, null);
    }

    private PendingFailure? _foreign;

    /// <summary>
    /// The exception filter of every node action (<see cref="NodeContext"/>): whatever a context call throws during a
    /// run — an unencodable message, a full backlog, an unknown receiver, a dead incarnation, a call from outside the
    /// node's handlers — is kept, so the run fails after the current event even if the node catches it. Returns false:
    /// the exception goes on to the node unchanged.
    /// </summary>
    internal bool Refused(int node, Exception ex)
    {
        Misuse(_nodes[node].Name, ex);
        return false;
    }

    /// <summary>
    /// A misuse detected during a run: returned to be thrown where it happened, and kept so that the run fails after
    /// the current event even if the caller catches it. Between runs it is only thrown (test code sees it at once).
    /// </summary>
    private Exception Misuse(string? node, Exception ex)
    {
        if (_running)
        {
            Interlocked.CompareExchange(ref _pending, new PendingFailure(ex, node, "a refused call (the caller may have caught the exception; the run fails anyway)"), null);
        }

        return ex;
    }

    /// <summary>Turns a recorded misuse (swallowed by its caller) into the run's failure, on the simulation's thread.</summary>
    private void SurfacePendingFailure() => Surface(Volatile.Read(ref _pending));

    /// <summary>Turns a report from another thread into the run's failure (at the end of a run call, or when read between runs).</summary>
    private void SurfaceForeignFailure() => Surface(Volatile.Read(ref _foreign), traced: true);

    private void Surface(PendingFailure? pending, bool traced = false)
    {
        if (pending is not null && _failure is null)
        {
            NodeId? node = pending.Node is { } name && _nodes.TryFind(name, out int i) ? new NodeId(i) : null;
            if (traced && node is { } n)
            {
                // Traced like the end-of-run verdicts, so a run's trace does not depend on which detection came first.
                FailNode(n.Value, pending.Time ?? _loop.Now, pending.EventIndex ?? _trace.Count - 1, pending.Description, pending.Exception);
                return;
            }

            _failure = new SimulationFailureException(
                Seed, pending.Time is { } t ? new Time.SimTime(t) : CurrentTime, node, pending.Node ?? "simulation", pending.EventIndex ?? _trace.Count - 1,
                pending.Description, _trace, pending.Exception);
        }
    }

    /// <summary>A misuse kept for the run's failure: published whole, so a foreign thread's record is never seen half-written.</summary>
    private sealed record PendingFailure(Exception Exception, string? Node, string Description, long? EventIndex = null, long? Time = null);
}

/// <summary>A node action refused on a raw foreign thread: the context answers with a neutral value instead of letting it end the process.</summary>
internal sealed class ForeignThreadRefusal(Exception reported) : InvalidOperationException(reported.Message, reported);

/// <summary>A thread claim on a simulation for the duration of one public call.</summary>
internal readonly ref struct ThreadClaim(Simulation simulation, bool entered)
{
    public void Dispose() => simulation.Exit(entered);
}

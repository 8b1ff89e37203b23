using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace DistSim.Analyzers;

/// <summary>
/// The rules of the DistSim determinism analyzer: their ids and descriptors. Every rule is a warning about node code
/// (a class derived from <c>DistSim.Nodes.Node</c>, and code of the same project it calls) that makes a run depend on
/// something other than its seed. See <c>docs/concepts/analyzers.md</c>.
/// </summary>
public static class DeterminismRules
{
    /// <summary>The category of every rule.</summary>
    public const string Category = "DistSim.Determinism";

    /// <summary>DSIM001: the wall clock (<c>DateTime.Now</c>, <c>DateTime.UtcNow</c>, <c>DateTime.Today</c>, <c>DateTimeOffset.Now</c>, <c>DateTimeOffset.UtcNow</c>, <c>TimeProvider.System</c>).</summary> // determinism-ok: the analyzer's own docs name the hazard it flags
    public const string WallClockId = "DSIM001";

    /// <summary>DSIM002: any use of <c>System.Diagnostics.Stopwatch</c>.</summary>
    public const string StopwatchId = "DSIM002";

    /// <summary>DSIM003: <c>Environment.TickCount</c> and <c>Environment.TickCount64</c>.</summary> // determinism-ok: the analyzer's own docs name the hazard it flags
    public const string TickCountId = "DSIM003";

    /// <summary>DSIM004: unseeded randomness (<c>new Random()</c>, <c>Random.Shared</c>, <c>RandomNumberGenerator</c>).</summary> // determinism-ok: the analyzer's own docs name the hazard it flags
    public const string UnseededRandomId = "DSIM004";

    /// <summary>DSIM005: <c>Guid.NewGuid()</c> and <c>Guid.CreateVersion7()</c>.</summary> // determinism-ok: the analyzer's own docs name the hazard it flags
    public const string NewGuidId = "DSIM005";

    /// <summary>DSIM006: code run on another thread (<c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>new Thread</c>, <c>ThreadPool</c>, <c>Parallel</c>, thread-pool timers).</summary>
    public const string ThreadsId = "DSIM006";

    /// <summary>DSIM007: a wait on the machine's clock (<c>Task.Delay</c>, <c>WaitAsync</c>, a timed <c>CancellationTokenSource</c> without a <c>TimeProvider</c>).</summary>
    public const string RealDelayId = "DSIM007";

    /// <summary>DSIM008: <c>ConfigureAwait(false)</c>.</summary>
    public const string ConfigureAwaitId = "DSIM008";

    /// <summary>DSIM009: a per-process randomised hash code (<c>string.GetHashCode</c>, <c>object.GetHashCode</c>, <c>HashCode</c>, …) used as data.</summary>
    public const string HashCodeId = "DSIM009";

    /// <summary>DSIM010: static mutable state declared in or written from node code.</summary>
    public const string StaticStateId = "DSIM010";

    /// <summary>DSIM011: a blocking wait on a task (or a synchronisation primitive) on the simulation's thread (<c>Task.Result</c>, <c>Task.Wait</c>, <c>GetAwaiter().GetResult()</c>, …).</summary>
    public const string BlockingWaitId = "DSIM011";

    /// <summary>The key of a diagnostic property naming the code fix that applies (see the CodeFixes assembly).</summary>
    public const string FixKey = "DistSim.Fix";

    /// <summary>The key of a diagnostic property naming the exact member (e.g. <c>DateTime.UtcNow</c>).</summary> // determinism-ok: the analyzer's own docs name the hazard it flags
    public const string MemberKey = "DistSim.Member";

    private const string Docs = "See docs/concepts/analyzers.md in the DistSim repository.";

    /// <summary>DSIM001.</summary>
    public static readonly DiagnosticDescriptor WallClock = Make(
        WallClockId,
        "Wall clock read in node code",
        "'{0}' reads the machine's wall clock; read the node's local clock instead: LocalNow (INodeContext.LocalNow, a SimTime), " +
        "or a DistSim.Time.NodeTimeProvider for code written against TimeProvider{1}",
        "The wall clock differs from run to run, so a decision based on it cannot be replayed from the seed. A node's time is its local clock, LocalNow.");

    /// <summary>DSIM002.</summary>
    public static readonly DiagnosticDescriptor Stopwatch = Make(
        StopwatchId,
        "Stopwatch used in node code",
        "'{0}' measures real elapsed time; measure virtual time instead: subtract two readings of the node's LocalNow " +
        "(SimTime - SimTime is a TimeSpan){1}",
        "A Stopwatch measures how long the machine took, which changes from run to run; virtual time is measured by subtracting LocalNow readings.");

    /// <summary>DSIM003.</summary>
    public static readonly DiagnosticDescriptor TickCount = Make(
        TickCountId,
        "Environment.TickCount read in node code", // determinism-ok: the analyzer names the hazard it flags; nothing here reads it
        "'{0}' reads the machine's uptime; read the node's local clock instead: LocalNow (LocalNow.Ticks counts 100 ns ticks of virtual time){1}",
        "The machine's uptime differs from run to run. A node's time is its local clock, LocalNow.");

    /// <summary>DSIM004.</summary>
    public static readonly DiagnosticDescriptor UnseededRandom = Make(
        UnseededRandomId,
        "Unseeded randomness in node code",
        "'{0}' is not derived from the simulation's seed; draw from the node's own stream instead: Random " +
        "(INodeContext.Random, a seeded DistSim.Random.RandomStream that is a System.Random){1}",
        "Randomness that does not come from the seed makes a run unrepeatable. Every node has its own seeded stream, Random.");

    /// <summary>DSIM005.</summary>
    public static readonly DiagnosticDescriptor NewGuid = Make(
        NewGuidId,
        "Random Guid in node code",
        "'{0}' makes an id from the machine's randomness (and clock); derive ids from the node's Random stream " +
        "(e.g. new Guid(bytes) after Random.NextBytes(bytes)) or from the node's Id and a counter{1}",
        "A Guid from NewGuid differs from run to run, and so does everything keyed or ordered by it.");

    /// <summary>DSIM006.</summary>
    public static readonly DiagnosticDescriptor Threads = Make(
        ThreadsId,
        "Code run on another thread from node code",
        "'{0}' runs code on another thread, outside the simulation's single-threaded event loop; act through messages (Send) " +
        "and timers (SetTimer, OnTimer) instead{1}",
        "Thread scheduling is not controlled by the seed, and node code may act only on the simulation's thread (the context fails the run otherwise).");

    /// <summary>DSIM007.</summary>
    public static readonly DiagnosticDescriptor RealDelay = Make(
        RealDelayId,
        "Wait on the machine's clock in node code",
        "'{0}' waits on the machine's clock and resumes on the thread pool; pass the node's TimeProvider " +
        "(Context.TimeProvider; in an AsyncNode, TimeProvider or Delay(...)), or set a timer with SetTimer{1}",
        "A delay without a TimeProvider runs on real time and completes on a thread-pool thread; with the node's TimeProvider it is a node timer in virtual time, and the await resumes as an event of the node.");

    /// <summary>DSIM008.</summary>
    public static readonly DiagnosticDescriptor ConfigureAwait = Make(
        ConfigureAwaitId,
        "ConfigureAwait(false) in node code",
        "'{0}' lets the continuation resume on any thread, outside the simulation's event loop; remove it, so that the node " +
        "resumes where the simulation runs it{1}",
        "Node code must resume on the simulation's thread; ConfigureAwait(false) gives up the captured context.");

    /// <summary>DSIM009.</summary>
    public static readonly DiagnosticDescriptor HashCode = Make(
        HashCodeId,
        "Randomised hash code used as data in node code",
        "'{0}' is randomised per process (or per object), and its value is used as data; use a stable hash instead " +
        "(e.g. System.IO.Hashing.XxHash64 over the value's bytes, as DistSim.Random.StreamSeed does) or the value itself{1}",
        "string.GetHashCode, object identity hashes and System.HashCode are seeded at random in every process, so a value derived from them differs between runs.");

    /// <summary>DSIM010.</summary>
    public static readonly DiagnosticDescriptor StaticState = Make(
        StaticStateId,
        "Static mutable state in node code",
        "{0} is static mutable state, shared by every simulation in the process (a parallel seed sweep runs many at once) " +
        "and surviving a node's crash; keep it in an instance field, or in the node's Storage if it must survive a crash{1}",
        "Statics are shared between the simulations of a sweep and outlive a crashed node, so one run's state leaks into another.");

    /// <summary>DSIM011. Its message takes the replacement as a second argument (see <see cref="Hazard.Advice"/>).</summary>
    public static readonly DiagnosticDescriptor BlockingWait = Make(
        BlockingWaitId,
        "Blocking wait on a task in node code",
        "'{0}' blocks the simulation's thread; the event that would complete what it waits for can never run while it blocks " +
        "(the run deadlocks; a timed wait only times out). Use {1} instead{2}",
        "Node code runs on the simulation's single thread, and a task (or a semaphore, an event) in node code is completed by a later event of the same simulation: blocking the thread on it until then waits for ever.");

    /// <summary>Every rule, in id order.</summary>
    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        WallClock, Stopwatch, TickCount, UnseededRandom, NewGuid, Threads, RealDelay, ConfigureAwait, HashCode, StaticState, BlockingWait);

    /// <summary>
    /// The same rules, for code reached from node code by calls: reported at the end of the compilation, so tagged
    /// <see cref="WellKnownDiagnosticTags.CompilationEnd"/> (an editor computes them in full-solution analysis, and
    /// offers no code fix for them). Same ids, titles and messages.
    /// </summary>
    public static ImmutableArray<DiagnosticDescriptor> AllReached { get; } = All.Select(Reached).ToImmutableArray();

    /// <summary>The CompilationEnd twin of <paramref name="rule"/> (see <see cref="AllReached"/>).</summary>
    public static DiagnosticDescriptor ReachedTwin(DiagnosticDescriptor rule) => AllReached[All.IndexOf(rule)];

    private static DiagnosticDescriptor Make(string id, string title, string message, string description) => new(
        id,
        title,
        message,
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: description + " " + Docs);

    private static DiagnosticDescriptor Reached(DiagnosticDescriptor rule) => new(
        rule.Id,
        rule.Title,
        rule.MessageFormat,
        rule.Category,
        rule.DefaultSeverity,
        rule.IsEnabledByDefault,
        rule.Description,
        customTags: WellKnownDiagnosticTags.CompilationEnd);
}

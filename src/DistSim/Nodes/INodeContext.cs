using DistSim.Random;
using DistSim.Security;
using DistSim.Storage;
using DistSim.Time;
using Microsoft.Extensions.Logging;

namespace DistSim.Nodes;

/// <summary>
/// Everything a node may use to act on the world. A node must reach time, randomness, the network
/// and logging only through its context, never through statics, so that a run is a pure function of
/// its seed (see <c>docs/concepts/nodes.md</c>).
/// </summary>
/// <remarks>Not thread-safe: a context is used only from its node's handlers, on the simulation's thread.</remarks>
public interface INodeContext
{
    /// <summary>This node's id.</summary>
    NodeId Id { get; }

    /// <summary>This node's name, its stable identity (e.g. <c>A1</c>).</summary>
    string Name { get; }

    /// <summary>Ids of every node in the simulation, in id order (including this one).</summary>
    IReadOnlyList<NodeId> Nodes { get; }

    /// <summary>
    /// The node's local clock. Under the default timing it equals the simulation's true time; later
    /// timing models give it skew and drift, so it is named differently from <c>Simulation.Now</c>.
    /// </summary>
    SimTime LocalNow { get; }

    /// <summary>This node's own random stream (named <c>node:&lt;name&gt;</c>).</summary>
    RandomStream Random { get; }

    /// <summary>A logger whose entries carry the virtual time and this node's name.</summary>
    ILogger Logger { get; }

    /// <summary>
    /// The node's durable storage (key-value store and log): it survives a crash, but only what was
    /// flushed. Everything else about the node — every field of its object — is lost at a crash.
    /// </summary>
    DurableStorage Storage { get; }

    /// <summary>Which incarnation of the node this is: 1 for the first object, 2 after the first restart, …</summary>
    int Incarnation { get; }

    /// <summary>
    /// A <see cref="System.TimeProvider"/> on this node's clock whose timers are this node's timers (one per incarnation):
    /// hand it to code written against <see cref="System.TimeProvider"/> — <c>Task.Delay(d, TimeProvider)</c>,
    /// <c>new CancellationTokenSource(d, TimeProvider)</c>, <c>new PeriodicTimer(d, TimeProvider)</c>, timeouts of caches and
    /// retry policies. Its timer callbacks run inside the node, on the simulation's thread; they die with the incarnation.
    /// </summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Signs <paramref name="message"/> with this node's own key (the ideal signing service).</summary>
    /// <param name="message">Any message; its JSON serialisation is what is signed.</param>
    Signature Sign(object message);

    /// <summary>Whether <paramref name="signature"/> is its signer's signature of <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="signature">The signature (null is never valid).</param>
    bool Verify(object message, Signature? signature);

    /// <summary>
    /// Records in the trace that this node deviated from its protocol (a Byzantine node marking its own
    /// lie, equivocation, …): every fault is traced. The node's failure model must allow <paramref name="kind"/>.
    /// </summary>
    /// <param name="kind">The behaviour, e.g. <see cref="Failures.FaultKinds.Lie"/>.</param>
    /// <param name="description">What it did.</param>
    void RecordFault(Failures.FaultKinds kind, string description);

    /// <summary>Sends <paramref name="message"/> to <paramref name="to"/> over the link configured for that pair.</summary>
    /// <param name="to">The receiver; must be a node of this simulation.</param>
    /// <param name="message">The payload, usually a record; never null.</param>
    /// <returns>The id of the message in the trace.</returns>
    long Send(NodeId to, object message);

    /// <summary>Sets a timer that fires after <paramref name="delay"/> of local time.</summary>
    /// <param name="delay">At least zero.</param>
    /// <param name="state">An optional value handed back to <see cref="Node.OnTimer"/>.</param>
    TimerId SetTimer(TimeSpan delay, object? state = null);

    /// <summary>Cancels a pending timer; returns false if it already fired or was cancelled.</summary>
    /// <param name="timer">The timer to cancel.</param>
    bool CancelTimer(TimerId timer);

    /// <summary>
    /// A coverage marker: this point of the protocol was reached, and <paramref name="condition"/> says whether the
    /// situation it names happened (e.g. <c>Sometimes("vote split", votes == n / 2)</c>). Never fails a run; over a sweep
    /// a <see cref="Checking.CoverageReport"/> lists every marker whose condition was never true — a situation the sweep
    /// never explored. Costs a dictionary lookup; not traced (markers never change the run).
    /// </summary>
    /// <param name="name">The situation; the same name from every node and run counts as one marker.</param>
    /// <param name="condition">Whether it happened this time.</param>
    void Sometimes(string name, bool condition = true);

    /// <summary>
    /// Marks a point the protocol must never reach (e.g. two leaders seen in one term): reaching it fails the run after
    /// the current event with <see cref="RunOutcome.PropertyViolated"/>, reported with the seed, the time, the node, the
    /// event and the last events of the trace.
    /// </summary>
    /// <param name="name">What must not happen.</param>
    /// <param name="detail">What was seen (optional), for the report.</param>
    void Unreachable(string name, string? detail = null);

    /// <summary>
    /// A BUGGIFY fault point (after FoundationDB): true when the code here should misbehave on purpose — take the slow
    /// path, drop a cache, shorten a timeout, return an error a real system might return. Always false unless the run
    /// switches Buggify on (<see cref="SimulationOptions.Buggify"/>); then the site is on for the whole run with a seeded
    /// probability (25 % by default) and, when on, fires with <paramref name="chance"/> each time it is reached. With
    /// Buggify on, every site reached appears in the coverage report as the <c>Sometimes</c> marker
    /// <c>buggify &lt;site&gt;</c> (did it ever fire?). Draws only from the site's own stream: adding a site changes no
    /// other draw.
    /// </summary>
    /// <param name="site">The site's name; the same name anywhere is one site.</param>
    /// <param name="chance">The chance it fires when on; null for <see cref="Failures.BuggifyOptions.FireChance"/>.</param>
    /// <returns>Whether to misbehave now. A context of your own (a test double outside any simulation) gets the default: never.</returns>
    bool Buggify(string site, double? chance = null) => false;
}

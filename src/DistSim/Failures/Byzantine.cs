using DistSim.Nodes;

namespace DistSim.Failures;

/// <summary>
/// Built-in Byzantine nodes: an honest node's code run with a <see cref="ByzantineBehavior"/> between it
/// and the network. For anything else, write the adversary yourself: any <see cref="Node"/> class given
/// as the factory of a node with <see cref="FailureModels.Byzantine"/> may do whatever its links and keys
/// allow, and mark its deviations with <see cref="INodeContext.RecordFault"/>.
/// </summary>
public static class Byzantine
{
    /// <summary>A factory for the honest node <paramref name="honest"/> wrapped by <paramref name="behavior"/>.</summary>
    /// <param name="honest">The honest node's factory.</param>
    /// <param name="behavior">What the wrapper does to its sends: one object for every incarnation, so keep it immutable.</param>
    public static Func<Node> Wrap(Func<Node> honest, ByzantineBehavior behavior)
    {
        ArgumentNullException.ThrowIfNull(honest);
        ArgumentNullException.ThrowIfNull(behavior);
        return () => new ByzantineNode(honest(), behavior);
    }

    /// <summary>
    /// A factory for the honest node <paramref name="honest"/> wrapped by a behaviour made anew with every incarnation
    /// (at the start and at each restart, like the node): a behaviour with state of its own (what it sent, whom it lied
    /// to) keeps it per incarnation and per run, never shared between runs of a sweep.
    /// </summary>
    /// <param name="honest">The honest node's factory.</param>
    /// <param name="behavior">Makes the behaviour of one incarnation; must not return null.</param>
    public static Func<Node> Wrap(Func<Node> honest, Func<ByzantineBehavior> behavior)
    {
        ArgumentNullException.ThrowIfNull(honest);
        ArgumentNullException.ThrowIfNull(behavior);
        return () => new ByzantineNode(honest(), behavior() ?? throw new InvalidOperationException("the Byzantine behaviour factory returned null"));
    }

    /// <summary>Runs the inner node against a context whose <c>Send</c> goes through the behaviour.</summary>
    private sealed class ByzantineNode(Node inner, ByzantineBehavior behavior) : Node
    {
        public override void OnStart()
        {
            inner.Attach(new ByzantineNodeContext(Context, behavior));
            inner.OnStart();
        }

        public override void OnRecover()
        {
            inner.Attach(new ByzantineNodeContext(Context, behavior));
            inner.OnRecover();
        }

        public override void OnMessage(NodeId from, object message) => inner.OnMessage(from, message);

        public override void OnTimer(TimerId timer, object? state) => inner.OnTimer(timer, state);
    }
}

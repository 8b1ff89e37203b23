using DistSim.Nodes;

namespace DistSim.Time;

/// <summary>
/// A <see cref="TimeProvider"/> for code running inside a node, so that code written against
/// <see cref="TimeProvider"/> (timeouts, caches, retry policies) runs unchanged in a simulation: time is the
/// node's local clock (<see cref="INodeContext.LocalNow"/>, drift and all) and timers are the node's timers.
/// </summary>
/// <remarks>
/// Every node has one: <see cref="INodeContext.TimeProvider"/>. <see cref="GetUtcNow"/> is <see cref="Epoch"/> plus the local clock; the timestamp counts local ticks of
/// 100 ns. Timer callbacks run inside the node's timer handler, on the simulation's thread. Not thread-safe.
/// </remarks>
/// <param name="context">The node's context.</param>
public sealed class NodeTimeProvider(INodeContext context) : TimeProvider
{
    /// <summary>The wall-clock instant that virtual time zero stands for: 2000-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly INodeContext _context = context ?? throw new ArgumentNullException(nameof(context));

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Epoch + _context.LocalNow.SinceStart;

    /// <inheritdoc />
    public override long GetTimestamp() => _context.LocalNow.Ticks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Runs the callback of a provider timer; false for any other timer of the node. Not needed in a simulation: the
    /// simulation fires a provider's timers itself, inside the node, and never hands them to <see cref="Node.OnTimer"/>.
    /// Kept for code that forwards its timers here.
    /// </summary>
    /// <param name="timer">The node timer that fired.</param>
    /// <param name="state">Its state.</param>
    public bool OnTimer(TimerId timer, object? state)
    {
        if (state is not SimTimer owned || !ReferenceEquals(owned.Provider, this))
        {
            return state is SimTimer;
        }

        owned.Fire(timer);
        return true;
    }

    private sealed class SimTimer(NodeTimeProvider provider, TimerCallback callback, object? state) : KernelTimerState, ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public NodeTimeProvider Provider => provider;

        public TimerId Current { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            // As System.Threading.Timer: Timeout.InfiniteTimeSpan means never (due) or once (period); other negatives are errors.
            if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, "must be >= 0 or Timeout.InfiniteTimeSpan");
            }

            if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(period), period, "must be >= 0 or Timeout.InfiniteTimeSpan");
            }

            provider._context.CancelTimer(Current);
            Current = default;
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Current = provider._context.SetTimer(dueTime, this);
            }

            return true;
        }

        internal override void Fire(TimerId timer)
        {
            if (Current != timer)
            {
                return; // a stale firing (changed or disposed since)
            }

            Current = default;
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                Current = provider._context.SetTimer(_period, this);
            }

            callback(state);
        }

        /// <summary>
        /// Disposes the timer. Never throws: a disposal may come from a finalizer (a <see cref="PeriodicTimer"/> dropped
        /// by a crashed incarnation) or after the incarnation ended, where no node action is allowed. Then the pending
        /// timer is left to fire, and its firing is ignored (it is no longer <see cref="Current"/>).
        /// </summary>
        public void Dispose()
        {
            _disposed = true;
            TimerId timer = Current;
            Current = default;
            if (timer == default)
            {
                return;
            }

            if (provider._context is NodeContext kernel)
            {
                kernel.CancelTimerIfInHandler(timer);
                return;
            }

            try
            {
                provider._context.CancelTimer(timer);
            }
            catch (InvalidOperationException)
            {
                // a context of the user's making that refuses outside its handlers: the firing will be ignored
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>A timer state the simulation fires itself, inside its node, instead of handing it to <see cref="Node.OnTimer"/>.</summary>
internal abstract class KernelTimerState
{
    /// <summary>The timer <paramref name="timer"/> fired; the state decides whether it is still current.</summary>
    internal abstract void Fire(TimerId timer);
}

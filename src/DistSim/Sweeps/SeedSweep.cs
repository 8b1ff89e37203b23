namespace DistSim.Sweeps;

/// <summary>
/// Runs one single-threaded simulation per seed, on as many threads as asked, and hands each result to the caller
/// <b>in seed order, on the caller's thread</b>: what the caller sees is the same for every degree of parallelism.
/// </summary>
/// <remarks>
/// <para>
/// The per-seed function runs on the caller's thread or on one of <see cref="SeedSweepOptions.Parallelism"/> − 1 worker
/// threads (the caller runs seeds too while the next result is not ready, so a sweep on P cores runs P threads, not
/// P + 1): it builds its <see cref="Simulation"/>, runs it and reads what it
/// needs from it, all on that thread, and returns a small result (numbers, a record) rather than the simulation, so
/// a finished run costs the sweep only its result. A <see cref="Simulation"/> claims the thread of each public call;
/// between calls another thread may read it (a finished run's trace, counters and nodes), so returning the
/// simulation itself is allowed too, but then up to <see cref="SeedSweepOptions.EffectiveReorderWindow"/> of them are
/// alive at once.
/// </para>
/// <para>
/// Memory: results that finish before an earlier seed's wait in a bounded reorder window; when it is full the workers
/// pause until the earliest outstanding seed is delivered, so a slow early seed cannot make later results pile up.
/// </para>
/// <para>
/// Errors: an exception thrown for one seed surfaces at that seed's position in the order, to the caller of
/// <see cref="Run{TResult}"/>, with its original stack trace; results of later seeds are not delivered. The earliest
/// failing seed therefore wins, whatever the parallelism. Cancellation stops the sweep before the next delivery
/// and throws <see cref="OperationCanceledException"/>; runs in progress finish first (a simulation cannot be
/// interrupted from another thread), and no worker runs user code after <see cref="Run{TResult}"/> returns or throws.
/// </para>
/// <para>
/// The per-seed function must not share mutable state with other seeds (captured lists, loggers, statics): runs
/// of different seeds execute at the same time. See <c>docs/concepts/sweeps.md</c>.
/// </para>
/// </remarks>
public static class SeedSweep
{
    /// <summary>
    /// Runs <paramref name="run"/> for every seed of <paramref name="options"/> and calls <paramref name="consume"/>
    /// with each seed and result in seed order, on the calling thread.
    /// </summary>
    /// <typeparam name="TResult">What one run yields; keep it small.</typeparam>
    /// <param name="options">The seeds, the parallelism, the reorder window and the progress callback.</param>
    /// <param name="run">Builds and runs one simulation for a seed; called on the caller's thread and on <see cref="SeedSweepOptions.Parallelism"/> − 1 worker threads.</param>
    /// <param name="consume">Receives each seed and its result, in seed order, on the caller's thread.</param>
    /// <param name="cancellationToken">Stops the sweep before its next delivery.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="SeedSweepOptions.Validate"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Run<TResult>(SeedSweepOptions options, Func<ulong, TResult> run, Action<ulong, TResult> consume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(consume);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        if (options.Count == 0)
        {
            return;
        }

        // One engine for every parallelism: with Parallelism 1 it starts no thread and the caller runs each seed, then
        // delivers it, exactly as a plain loop would.
        using var workers = new OrderedWorkers<TResult>(options, run, cancellationToken);
        workers.Deliver(consume);
    }

    /// <summary>
    /// Folds every seed's result into an accumulator, in seed order on the calling thread: the same answer for every
    /// degree of parallelism, even when <paramref name="fold"/> is not associative (a hash chain, a first match).
    /// </summary>
    /// <typeparam name="TResult">What one run yields.</typeparam>
    /// <typeparam name="TAccumulate">The aggregate.</typeparam>
    /// <param name="options">The seeds, the parallelism, the reorder window and the progress callback.</param>
    /// <param name="run">Builds and runs one simulation for a seed; called on the caller's thread and on <see cref="SeedSweepOptions.Parallelism"/> − 1 worker threads.</param>
    /// <param name="seed">The initial aggregate.</param>
    /// <param name="fold">Adds one seed's result to the aggregate.</param>
    /// <param name="cancellationToken">Stops the sweep before its next delivery.</param>
    /// <returns>The aggregate over every seed.</returns>
    public static TAccumulate Aggregate<TResult, TAccumulate>(
        SeedSweepOptions options, Func<ulong, TResult> run, TAccumulate seed, Func<TAccumulate, ulong, TResult, TAccumulate> fold, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fold);
        TAccumulate acc = seed;
        Run(options, run, (s, r) => acc = fold(acc, s, r), cancellationToken);
        return acc;
    }
}

using System.Collections.Concurrent;
using DistSim.Sweeps;

namespace DistSim.Tests.Sweeps;

/// <summary>
/// The sweep engine under stress, over a grid of Parallelism P, ReorderWindow W (P, P + 1, 2P + 1) and Count (1, fewer
/// than P, P, P + 1, several windows), with seed durations that vary by a salt: results and progress in seed order on the
/// caller's thread, never more than P runs at once, the window bound, failures and cancellation from consume, Progress
/// and run surfacing as documented, no run starting after Run returns or throws, and nothing hangs (a timeout fails).
/// </summary>
public class SeedSweepStressTests
{
    private static void WithTimeout(Action body, int seconds = 60)
    {
        var task = Task.Factory.StartNew(body, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(TimeSpan.FromSeconds(seconds)), "sweep did not finish: deadlock / lost wake-up");
    }

    private static void Spin(ulong seed, ulong salt)
    {
        ulong h = (seed * 0x9E3779B97F4A7C15UL) ^ salt;
        int iters = (int)(h % 7) switch { 0 => 200_000, 1 => 20_000, _ => (int)(h % 2000) };
        Thread.SpinWait(iters);
    }

    public static IEnumerable<object[]> Configs()
    {
        foreach (int p in new[] { 2, 3, 5 })
        {
            foreach (int w in new[] { p, p + 1, 2 * p + 1 })
            {
                foreach (int n in new[] { 1, p - 1, p, p + 1, 3 * w + 2 })
                {
                    if (n >= 1)
                    {
                        yield return [p, w, n];
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void SeedSweep_Stress_OrderWindowAndNoHang(int p, int w, int n)
    {
        WithTimeout(() =>
        {
            for (ulong salt = 0; salt < 8; salt++)
            {
                int caller = Environment.CurrentManagedThreadId;
                long consumed = 0;
                int inFlight = 0;
                var violations = new ConcurrentBag<string>();
                var seen = new List<ulong>();
                var progress = new List<long>();
                bool returned = false;
                SeedSweep.Run(
                    new SeedSweepOptions { FirstSeed = 0, Count = n, Parallelism = p, ReorderWindow = w, Progress = sp => progress.Add(sp.Completed) },
                    seed =>
                    {
                        if (Volatile.Read(ref returned)) { violations.Add("run after return"); }
                        int f = Interlocked.Increment(ref inFlight);
                        if (f > p) { violations.Add($"{f} runs at once > P {p}"); }
                        long c = Interlocked.Read(ref consumed);
                        bool onCaller = Environment.CurrentManagedThreadId == caller;
                        // claimed only while i < delivered + window; the consumer count lags by one only off the caller's thread
                        if ((long)seed >= c + w + (onCaller ? 0 : 1)) { violations.Add($"seed {seed} with {c} consumed (caller {onCaller})"); }
                        Spin(seed, salt);
                        Interlocked.Decrement(ref inFlight);
                        return seed;
                    },
                    (seed, r) => { Assert.Equal(caller, Environment.CurrentManagedThreadId); Assert.Equal(seed, r); seen.Add(seed); Interlocked.Increment(ref consumed); });
                Volatile.Write(ref returned, true);
                Assert.Empty(violations);
                Assert.Equal(Enumerable.Range(0, n).Select(i => (ulong)i), seen);
                Assert.Equal(Enumerable.Range(1, n).Select(i => (long)i), progress);
            }
        });
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void SeedSweep_Stress_FailuresCancellationAndNoUserCodeAfterReturn(int p, int w, int n)
    {
        WithTimeout(() =>
        {
            for (int mode = 0; mode < 6; mode++)
            {
                for (ulong salt = 0; salt < 4; salt++)
                {
                    int caller = Environment.CurrentManagedThreadId;
                    ulong at = salt % (ulong)n;
                    using var cts = new CancellationTokenSource();
                    var seen = new List<ulong>();
                    int returned = 0, lateRuns = 0, callerRunsAfterCancel = 0;
                    Exception? thrown = null;
                    try
                    {
                        SeedSweep.Run(
                            new SeedSweepOptions
                            {
                                FirstSeed = 0, Count = n, Parallelism = p, ReorderWindow = w,
                                Progress = sp =>
                                {
                                    if (sp.Completed - 1 == (long)at && mode == 2) { throw new InvalidOperationException("progress"); }
                                    if (sp.Completed - 1 == (long)at && mode == 3) { cts.Cancel(); }
                                },
                            },
                            seed =>
                            {
                                if (Volatile.Read(ref returned) != 0) { Interlocked.Increment(ref lateRuns); }
                                // Cancelled on the caller's own thread (modes 1, 3), the caller claims nothing after it; a run on
                                // a worker (mode 5) can cancel between a claim and its start, as the docs allow.
                                if (mode != 5 && Environment.CurrentManagedThreadId == caller && cts.IsCancellationRequested) { Interlocked.Increment(ref callerRunsAfterCancel); }
                                Spin(seed, salt);
                                if (seed == at && mode == 4) { throw new InvalidOperationException("run " + seed); }
                                if (seed == at && mode == 5) { cts.Cancel(); }
                                return seed;
                            },
                            (seed, _) =>
                            {
                                seen.Add(seed);
                                if (seed == at && mode == 0) { throw new InvalidOperationException("consume"); }
                                if (seed == at && mode == 1) { cts.Cancel(); }
                            },
                            cts.Token);
                    }
                    catch (Exception ex)
                    {
                        thrown = ex;
                    }

                    Volatile.Write(ref returned, 1);
                    Thread.Sleep(1);
                    Assert.Equal(0, Volatile.Read(ref lateRuns));
                    Assert.Equal(0, callerRunsAfterCancel);
                    switch (mode)
                    {
                        case 0: case 2:
                            Assert.IsType<InvalidOperationException>(thrown);
                            Assert.Equal(Enumerable.Range(0, (int)at + 1).Select(i => (ulong)i), seen);
                            break;
                        case 1: case 3:
                            if ((long)at < n - 1) { Assert.IsAssignableFrom<OperationCanceledException>(thrown); }
                            Assert.Equal(Enumerable.Range(0, (int)at + 1).Select(i => (ulong)i), seen);
                            break;
                        case 4:
                            Assert.Equal("run " + at, Assert.IsType<InvalidOperationException>(thrown).Message);
                            Assert.Equal(Enumerable.Range(0, (int)at).Select(i => (ulong)i), seen);
                            break;
                        case 5:
                            Assert.True(thrown is null or OperationCanceledException, thrown?.ToString());
                            Assert.True(seen.Count <= n && seen.SequenceEqual(Enumerable.Range(0, seen.Count).Select(i => (ulong)i)));
                            break;
                    }
                }
            }
        });
    }
}

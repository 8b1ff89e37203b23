using DistSim.Checking;
using DistSim.Failures;
using DistSim.Time;

namespace DistSim.Exploration;

/// <summary>
/// Shrinks a failing <see cref="FaultSchedule"/> to a small one that still fails: delta debugging (ddmin; Zeller and
/// Hildebrandt, TSE 2002) over its faults, then shorter pauses, downtimes and partitions, then faults moved later, and
/// last a pass that drops any single fault it can, so the result is 1-minimal: removing any one of its faults makes the
/// failure go away. Every candidate is judged by replaying it (the caller's <c>fails</c>), never assumed.
/// </summary>
/// <remarks>
/// The caller replays a candidate the way the failing run was made — same seed, same options, the candidate as
/// <see cref="SimulationOptions.FaultSchedule"/> — and says whether the same failure shows (the same property violated,
/// or a predicate on the finished run). Candidates are cached by their JSON form, so no schedule is replayed twice. See
/// <c>docs/concepts/exploration.md</c>.
/// </remarks>
public static class FaultShrinker
{
    /// <summary>Shrinks <paramref name="failing"/> under <paramref name="fails"/>.</summary>
    /// <param name="failing">A schedule whose replay fails.</param>
    /// <param name="fails">Replays a candidate schedule and says whether it shows the failure.</param>
    /// <param name="options">
    /// The budget, the passes and a cancellation token; default <see cref="ShrinkOptions"/>. A cancelled token stops the
    /// shrink before its next replay as if the budget had run out (it does not throw): see <see cref="ShrinkOptions.CancellationToken"/>.
    /// </param>
    /// <exception cref="ArgumentException">The replay of <paramref name="failing"/> itself does not fail (the replay does not reproduce the run: different seed or options?).</exception>
    public static ShrinkResult Shrink(FaultSchedule failing, Func<FaultSchedule, bool> fails, ShrinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(failing);
        ArgumentNullException.ThrowIfNull(fails);
        options ??= new ShrinkOptions();
        options.Validate();
        var search = new Search(failing, fails, options.MaxReplays, options.CancellationToken);
        bool? original = search.Judge([.. failing.Faults]);
        if (original is null)
        {
            return new ShrinkResult(failing, failing, search.Replays, OneMinimal: false) { Cancelled = true };
        }

        if (original == false)
        {
            throw new ArgumentException("failing: its replay does not fail, so there is nothing to shrink (is the replay made with the run's seed and options?)", nameof(failing));
        }

        List<Fault> current = [.. failing.Faults];
        if (search.Fails([]))
        {
            return new ShrinkResult(failing, failing.With([]), search.Replays, OneMinimal: true);
        }

        current = DeltaDebug(current, search);
        if (options.ShortenDurations)
        {
            current = Shorten(current, search);
        }

        if (options.MoveLater)
        {
            SimTime horizon = options.Horizon ?? failing.FaultsEnd ?? (current.Count > 0 ? current.Max(f => f.At) : SimTime.Zero);
            current = MoveLater(current, search, horizon);
        }

        bool minimal = DropSingles(ref current, search);
        return new ShrinkResult(failing, failing.With(current), search.Replays, minimal) { Cancelled = search.Cancelled };
    }

    /// <summary>
    /// Shrinks a schedule whose replay violates the property <paramref name="property"/> (<see cref="Simulation.Always"/>,
    /// <see cref="Simulation.Eventually"/>, a node's <c>Unreachable</c> marker): a candidate fails when its replay
    /// violates that same property.
    /// </summary>
    /// <param name="failing">A schedule whose replay violates the property.</param>
    /// <param name="replay">Builds and runs the simulation for a candidate schedule (seed and options of the failing run, the candidate as <see cref="SimulationOptions.FaultSchedule"/>).</param>
    /// <param name="property">The property's name.</param>
    /// <param name="options">The budget, the passes and a cancellation token (see <see cref="Shrink"/>).</param>
    public static ShrinkResult ShrinkProperty(FaultSchedule failing, Func<FaultSchedule, Simulation> replay, string property, ShrinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentException.ThrowIfNullOrEmpty(property);
        return Shrink(failing, s => replay(s).Properties.Any(p => p.Name == property && p.Status == PropertyStatus.Violated), options);
    }

    /// <summary>ddmin: the list split in n chunks; keep a chunk that fails alone, else a complement that fails; else split finer.</summary>
    private static List<Fault> DeltaDebug(List<Fault> faults, Search search)
    {
        int n = 2;
        while (faults.Count >= 2)
        {
            List<List<Fault>> chunks = Split(faults, n);
            bool reduced = false;
            foreach (List<Fault> chunk in chunks)
            {
                bool? verdict = search.Judge(chunk);
                if (verdict is null)
                {
                    return faults; // out of budget, or cancelled: the pass ends here
                }

                if (verdict == true)
                {
                    faults = chunk;
                    n = 2;
                    reduced = true;
                    break;
                }
            }

            if (!reduced && n > 2)
            {
                for (int i = 0; i < chunks.Count && !reduced; i++)
                {
                    List<Fault> complement = [.. chunks.Where((_, j) => j != i).SelectMany(c => c)];
                    bool? verdict = search.Judge(complement);
                    if (verdict is null)
                    {
                        return faults;
                    }

                    if (verdict == true)
                    {
                        faults = complement;
                        n = Math.Max(n - 1, 2);
                        reduced = true;
                    }
                }
            }

            if (!reduced)
            {
                if (n >= faults.Count)
                {
                    break;
                }

                n = Math.Min(n * 2, faults.Count);
            }
        }

        return faults;
    }

    private static List<List<Fault>> Split(List<Fault> faults, int n)
    {
        var chunks = new List<List<Fault>>(n);
        int start = 0;
        for (int i = 0; i < n; i++)
        {
            int end = start + ((faults.Count - start) / (n - i));
            chunks.Add(faults.GetRange(start, end - start));
            start = end;
        }

        return chunks;
    }

    /// <summary>Each lasting fault: halve its length while the failure stays.</summary>
    private static List<Fault> Shorten(List<Fault> faults, Search search)
    {
        for (int i = 0; i < faults.Count; i++)
        {
            while (faults[i].Length is { } length && length > TimeSpan.Zero)
            {
                TimeSpan shorter = TimeSpan.FromTicks(length.Ticks / 2);
                List<Fault> candidate = [.. faults];
                candidate[i] = faults[i].WithLength(shorter);
                bool? verdict = search.Judge(candidate);
                if (verdict is null)
                {
                    return faults; // out of budget, or cancelled
                }

                if (verdict == false)
                {
                    break;
                }

                faults = candidate;
            }
        }

        return faults;
    }

    /// <summary>Each timed fault: the latest time up to <paramref name="horizon"/> at which the failure stays (binary search, to 1 ms).</summary>
    private static List<Fault> MoveLater(List<Fault> faults, Search search, SimTime horizon)
    {
        for (int i = 0; i < faults.Count; i++)
        {
            if (!faults[i].IsTimed || faults[i].At >= horizon)
            {
                continue;
            }

            long good = faults[i].At.Ticks, bad = horizon.Ticks + 1;
            while (bad - good > TimeSpan.TicksPerMillisecond)
            {
                long middle = good + ((bad - good) / 2);
                List<Fault> candidate = [.. faults];
                candidate[i] = faults[i].WithAt(new SimTime(middle));
                bool? verdict = search.Judge(candidate);
                if (verdict is null)
                {
                    return faults; // out of budget, or cancelled
                }

                if (verdict == true)
                {
                    good = middle;
                    faults = candidate;
                }
                else
                {
                    bad = middle;
                }
            }
        }

        return faults;
    }

    /// <summary>Drops single faults until none can go; true when every single removal was judged (replayed or cached) and passed.</summary>
    private static bool DropSingles(ref List<Fault> faults, Search search)
    {
        bool dropped = true;
        while (dropped)
        {
            dropped = false;
            bool unjudged = false;
            for (int i = 0; i < faults.Count; i++)
            {
                List<Fault> candidate = [.. faults.Where((_, j) => j != i)];
                bool? verdict = search.Judge(candidate);
                if (verdict == true)
                {
                    faults = candidate;
                    dropped = true;
                    break;
                }

                unjudged |= verdict is null;
            }

            if (!dropped && unjudged)
            {
                return false; // out of budget (or cancelled) before every removal was judged
            }
        }

        return true;
    }

    /// <summary>
    /// Replays candidates under the budget and until cancelled, caching verdicts by the candidate's JSON form. A candidate
    /// judged before is answered from the cache even then, so a pass goes on as far as what is known allows; the first
    /// that would need a replay it may not make ends the pass.
    /// </summary>
    private sealed class Search(FaultSchedule original, Func<FaultSchedule, bool> fails, int budget, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, bool> _verdicts = [];

        public int Replays { get; private set; }

        /// <summary>Whether a candidate went unjudged because the shrink was cancelled (not because the budget ran out).</summary>
        public bool Cancelled { get; private set; }

        public bool Fails(List<Fault> faults) => Judge(faults) == true; // out of budget: an unjudged candidate is never taken

        /// <summary>The candidate's verdict: from the cache, or a replay while the budget lasts; null when it could not be judged.</summary>
        public bool? Judge(List<Fault> faults)
        {
            FaultSchedule candidate = original.With(faults);
            string key = candidate.ToJson();
            if (_verdicts.TryGetValue(key, out bool verdict))
            {
                return verdict;
            }

            if (Replays >= budget)
            {
                return null;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                Cancelled = true;
                return null;
            }

            Replays++;
            verdict = fails(candidate);
            _verdicts[key] = verdict;
            return verdict;
        }
    }
}

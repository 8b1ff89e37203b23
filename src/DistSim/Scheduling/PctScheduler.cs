using System.Globalization;
using DistSim.Random;

namespace DistSim.Scheduling;

/// <summary>PCT with nodes as threads (see <see cref="Schedulers.Pct"/>).</summary>
internal sealed class PctScheduler(int depth, long steps, TimeSpan? postponeLimit) : Scheduler("pct")
{
    public int Depth => depth;

    public long Steps => steps;

    public override TimeSpan? PostponeLimit => postponeLimit;

    protected internal override SchedulerRun Begin(RandomStream random) => new Run(depth, steps, random);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"pct(depth {depth}, steps {steps})");

    private sealed class Run : SchedulerRun
    {
        private readonly RandomStream _random;
        private readonly long[] _changeSteps; // ascending
        private readonly int[] _changeValues; // the priority a node drops to at the change point of the same index: 1 … d − 1
        private ulong[] _priority = new ulong[8]; // per node index: a draw with the top bit set, or a change point's value
        private int _drawn;

        public Run(int depth, long steps, RandomStream random)
        {
            _random = random;
            int changes = depth - 1;

            // d − 1 distinct steps in [0, k), uniformly (Floyd's sampling: exactly d − 1 draws, no rejection).
            var chosen = new SortedSet<long>();
            for (long j = steps - changes; j < steps; j++)
            {
                long t = (long)random.NextBelow((ulong)j + 1);
                chosen.Add(chosen.Contains(t) ? j : t);
            }

            _changeSteps = [.. chosen];

            // Values 1 … d − 1 associated with the change points in a random order (Fisher–Yates: d − 2 draws).
            _changeValues = new int[changes];
            for (int i = 0; i < changes; i++)
            {
                _changeValues[i] = i + 1;
            }

            for (int i = changes - 1; i > 0; i--)
            {
                int j = (int)random.NextBelow((ulong)i + 1);
                (_changeValues[i], _changeValues[j]) = (_changeValues[j], _changeValues[i]);
            }
        }

        public override int Choose(ReadOnlySpan<SchedulingCandidate> candidates, long step)
        {
            int best = Highest(candidates);
            int change = Array.BinarySearch(_changeSteps, step);
            if (change >= 0 && candidates[best].Owner is { } owner)
            {
                _priority[owner.Value] = (ulong)_changeValues[change]; // below every initial priority (those have the top bit set)
                best = Highest(candidates);
            }

            return best;
        }

        /// <summary>The first candidate of the node with the highest priority (a scripted action of the simulation has the lowest).</summary>
        private int Highest(ReadOnlySpan<SchedulingCandidate> candidates)
        {
            int best = 0;
            ulong bestPriority = 0;
            for (int i = 0; i < candidates.Length; i++)
            {
                ulong p = candidates[i].Owner is { } owner ? PriorityOf(owner.Value) : 0;
                if (i == 0 || p > bestPriority)
                {
                    best = i;
                    bestPriority = p;
                }
            }

            return best;
        }

        /// <summary>
        /// A node's priority, drawn the first time a node with this index or a higher one is asked about, in node order: a
        /// node's initial priority does not depend on when it first had an event. Distinct random draws give every
        /// ordering of the nodes the same probability.
        /// </summary>
        private ulong PriorityOf(int node)
        {
            while (_drawn <= node)
            {
                if (_drawn == _priority.Length)
                {
                    Array.Resize(ref _priority, _priority.Length * 2);
                }

                _priority[_drawn++] = _random.NextUInt64() | (1UL << 63);
            }

            return _priority[node];
        }
    }
}

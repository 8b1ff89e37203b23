using System.Globalization;
using DistSim.Random;

namespace DistSim.Scheduling;

/// <summary>Delay-bounded scheduling over FIFO, delays drawn at random (see <see cref="Schedulers.DelayBounding"/>).</summary>
internal sealed class DelayBoundingScheduler(int bound, long steps, TimeSpan? postponeLimit) : Scheduler("delay-bound")
{
    public int Bound => bound;

    public long Steps => steps;

    public override TimeSpan? PostponeLimit => postponeLimit;

    protected internal override SchedulerRun Begin(RandomStream random) => new Run(bound, steps, random);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"delay-bound(bound {bound}, steps {steps})");

    private sealed class Run : SchedulerRun
    {
        private readonly long[] _delays; // ascending, a step once per delay drawn there
        private readonly List<int> _owners = new(8);

        public Run(int bound, long steps, RandomStream random)
        {
            _delays = new long[bound];
            for (int i = 0; i < bound; i++)
            {
                _delays[i] = (long)random.NextBelow((ulong)steps); // one draw per delay
            }

            Array.Sort(_delays);
        }

        public override int Choose(ReadOnlySpan<SchedulingCandidate> candidates, long step)
        {
            int first = Array.BinarySearch(_delays, step);
            if (first < 0)
            {
                return 0; // no delay here: FIFO's choice
            }

            while (first > 0 && _delays[first - 1] == step)
            {
                first--;
            }

            int count = 0;
            while (first + count < _delays.Length && _delays[first + count] == step)
            {
                count++;
            }

            // The nodes with a candidate, in FIFO order of their first candidate (a scripted action counts as one more);
            // each delay skips one of them, round-robin.
            _owners.Clear();
            Span<int> firstIndex = stackalloc int[candidates.Length];
            for (int i = 0; i < candidates.Length; i++)
            {
                int owner = candidates[i].Owner?.Value ?? -1;
                if (!_owners.Contains(owner))
                {
                    firstIndex[_owners.Count] = i;
                    _owners.Add(owner);
                }
            }

            return firstIndex[count % _owners.Count];
        }
    }
}

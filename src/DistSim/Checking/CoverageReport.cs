using System.Globalization;
using System.Text;

namespace DistSim.Checking;

/// <summary>How often one <see cref="PropertyKind.Sometimes"/> or <see cref="PropertyKind.Unreachable"/> property fired over the runs of a sweep.</summary>
/// <param name="Name">The property's name.</param>
/// <param name="Kind"><see cref="PropertyKind.Sometimes"/> or <see cref="PropertyKind.Unreachable"/>.</param>
/// <param name="Runs">In how many runs it was known (registered, or reached at least once).</param>
/// <param name="RunsFired">In how many runs it fired: a <c>Sometimes</c> held at least once; an <c>Unreachable</c> was reached.</param>
/// <param name="Hits">How many times node code reached the marker, over all runs (0 for a predicate registered on the simulation).</param>
/// <param name="FirstSeedFired">The first seed (in the order runs were added) in which it fired; null if it never did.</param>
public sealed record CoverageEntry(string Name, PropertyKind Kind, long Runs, long RunsFired, long Hits, ulong? FirstSeedFired);

/// <summary>
/// Coverage over a sweep: which <see cref="PropertyKind.Sometimes"/> goals never held in any run — a sign that the
/// sweep never explored the situation they describe — and which <see cref="PropertyKind.Unreachable"/> markers were
/// reached. Add each run's <see cref="Simulation.Properties"/> in seed order (e.g. from the consumer of
/// <see cref="Sweeps.SeedSweep.Run{TResult}"/>), then read <see cref="NeverFired"/> and <see cref="Reached"/>.
/// </summary>
/// <remarks>
/// A marker that no run ever reached is unknown to the report unless some run registered it: declare the goals that
/// matter on the simulation (<see cref="Simulation.Sometimes"/> with a predicate, or <see cref="Simulation.ExpectSometimes"/>)
/// so that "never reached" is reported rather than invisible. Not thread-safe: add from one thread.
/// </remarks>
public sealed class CoverageReport
{
    private readonly Dictionary<(string Name, PropertyKind Kind), Counts> _entries = [];

    /// <summary>How many runs were added.</summary>
    public long Runs { get; private set; }

    /// <summary>Every <c>Sometimes</c> and <c>Unreachable</c> property seen, in order of name.</summary>
    public IReadOnlyList<CoverageEntry> Entries =>
        [.. _entries.OrderBy(e => e.Key.Name, StringComparer.Ordinal).ThenBy(e => e.Key.Kind).Select(e => e.Value.ToEntry(e.Key.Name, e.Key.Kind))];

    /// <summary>The <c>Sometimes</c> goals that held in no run.</summary>
    public IReadOnlyList<CoverageEntry> NeverFired => [.. Entries.Where(e => e.Kind == PropertyKind.Sometimes && e.RunsFired == 0)];

    /// <summary>The <c>Unreachable</c> markers that some run reached.</summary>
    public IReadOnlyList<CoverageEntry> Reached => [.. Entries.Where(e => e.Kind == PropertyKind.Unreachable && e.RunsFired > 0)];

    /// <summary>Whether every <c>Sometimes</c> goal held in some run and no <c>Unreachable</c> marker was reached.</summary>
    public bool IsComplete => NeverFired.Count == 0 && Reached.Count == 0;

    /// <summary>Adds one run's properties (only its <c>Sometimes</c> and <c>Unreachable</c> ones count).</summary>
    /// <param name="seed">The run's seed, reported for the first run in which a property fired.</param>
    /// <param name="properties">The run's <see cref="Simulation.Properties"/>.</param>
    public void Add(ulong seed, IEnumerable<PropertyState> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        Runs++;
        foreach (PropertyState p in properties)
        {
            if (p.Kind is not (PropertyKind.Sometimes or PropertyKind.Unreachable))
            {
                continue;
            }

            if (!_entries.TryGetValue((p.Name, p.Kind), out Counts? counts))
            {
                _entries[(p.Name, p.Kind)] = counts = new Counts();
            }

            counts.Runs++;
            counts.Hits += p.Hits;
            bool fired = p.Kind == PropertyKind.Sometimes ? p.Status == PropertyStatus.Satisfied : p.Status == PropertyStatus.Violated || p.Hits > 0;
            if (fired)
            {
                counts.RunsFired++;
                counts.FirstSeed ??= seed;
            }
        }
    }

    /// <summary>The report as text: one line per property, the gaps first.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"coverage over {Runs} runs: ");
        text.Append(IsComplete ? "complete" : $"{NeverFired.Count} sometimes never fired, {Reached.Count} unreachable reached").Append('\n');
        foreach (CoverageEntry e in NeverFired)
        {
            text.Append(CultureInfo.InvariantCulture, $"  NEVER     sometimes   \"{e.Name}\" (known in {e.Runs} runs, reached {e.Hits} times)\n");
        }

        foreach (CoverageEntry e in Reached)
        {
            text.Append(CultureInfo.InvariantCulture, $"  REACHED   unreachable \"{e.Name}\" in {e.RunsFired} runs, first seed {e.FirstSeedFired}\n");
        }

        foreach (CoverageEntry e in Entries.Where(e => e.Kind == PropertyKind.Sometimes && e.RunsFired > 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"  ok        sometimes   \"{e.Name}\" in {e.RunsFired} of {e.Runs} runs\n");
        }

        foreach (CoverageEntry e in Entries.Where(e => e.Kind == PropertyKind.Unreachable && e.RunsFired == 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"  ok        unreachable \"{e.Name}\" never reached\n");
        }

        return text.ToString();
    }

    private sealed class Counts
    {
        public long Runs;
        public long RunsFired;
        public long Hits;
        public ulong? FirstSeed;

        public CoverageEntry ToEntry(string name, PropertyKind kind) => new(name, kind, Runs, RunsFired, Hits, FirstSeed);
    }
}

using System.Globalization;

namespace DistSim.Testing;

/// <summary>
/// The regression-seed file: one <c>test seed</c> pair per line (<c>#</c> starts a comment), read before a check runs
/// its range and appended to when a seed fails. Commit it: every seed that ever failed is re-run first, on every machine.
/// </summary>
internal sealed class RegressionSeeds(string? path)
{
    public const string DefaultFileName = "distsim-regressions.txt";

    private const string Header =
        "# DistSim regression seeds: \"<test> <seed>\" per line. SeedProperty.Check re-runs a test's seeds before its range.\n" +
        "# Added when a seed fails; commit this file so that every machine re-runs them.\n";

    // Tests of one process run in parallel: appends to one file go one at a time.
    private static readonly Lock Gate = new();

    /// <summary>The seeds recorded for <paramref name="test"/>, in file order.</summary>
    public IReadOnlyList<ulong> For(string test)
    {
        if (path is null || !File.Exists(path))
        {
            return [];
        }

        var seeds = new List<ulong>();
        int number = 0;
        foreach (string raw in File.ReadAllLines(path))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int space = line.LastIndexOf(' ');
            if (space <= 0 || !ulong.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
            {
                throw new FormatException($"{path}, line {number}: expected \"<test> <seed>\", found '{raw}'");
            }

            if (line[..space].Trim() == test && !seeds.Contains(seed))
            {
                seeds.Add(seed);
            }
        }

        return seeds;
    }

    /// <summary>Records a failing seed; false when there is no file to write or it is already there.</summary>
    public bool Add(string test, ulong seed)
    {
        if (path is null)
        {
            return false;
        }

        lock (Gate)
        {
            if (For(test).Contains(seed))
            {
                return true;
            }

            bool fresh = !File.Exists(path);
            File.AppendAllText(path, (fresh ? Header : string.Empty) + test + " " + seed.ToString(CultureInfo.InvariantCulture) + "\n");
            return true;
        }
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using DistSim.Sweeps;

namespace DistSim.Testing;

/// <summary>
/// Runs a property of a simulation over a range of seeds, in parallel, and on failure hands back the one line that
/// replays exactly the first failing seed. From a test:
/// <code>
/// [Fact]
/// public void NoTwoLeadersInATerm() => SeedProperty.Check(seed =>
/// {
///     var sim = MyCluster.Build(seed);
///     sim.Always("one leader per term", () => MyCluster.LeadersPerTerm(sim) &lt;= 1);
///     return sim; // fails the seed if the run failed (a node threw, a property was violated)
/// });
/// </code>
/// </summary>
/// <remarks>
/// <para>Order of work: first the test's regression seeds (<see cref="SeedPropertyOptions.RegressionFile"/>), one by
/// one; then the range, on <see cref="SeedPropertyOptions.Parallelism"/> threads with <see cref="SeedSweep"/>. The
/// failure reported is the first failing seed in seed order, whatever the parallelism (the same answer on a laptop and
/// on CI). A failing seed is added to the regression file, so it is re-run first from then on.</para>
/// <para>Environment: <c>DISTSIM_SEED=N</c> runs only seed N (the replay line sets it); <c>DISTSIM_SEED_COUNT=N</c>
/// overrides the number of seeds (explore more overnight, fewer on a laptop).</para>
/// <para>The per-seed function runs on worker threads: it must build its own simulation and share no mutable state
/// with other seeds.</para>
/// </remarks>
public static class SeedProperty
{
    /// <summary>The environment variable that selects one seed to replay.</summary>
    public const string SeedVariable = "DISTSIM_SEED";

    /// <summary>The environment variable that overrides how many seeds are run.</summary>
    public const string CountVariable = "DISTSIM_SEED_COUNT";

    /// <summary>
    /// Runs <paramref name="run"/> for every seed; a seed fails when its simulation's run failed (<see cref="Simulation.Failure"/>:
    /// node code threw, a property was violated) or when <paramref name="run"/> throws (e.g. an assertion on the finished run).
    /// </summary>
    /// <param name="run">Builds and runs one simulation for a seed and returns it (after its own assertions, if any).</param>
    /// <param name="options">Seeds, parallelism, the regression file; null for the defaults.</param>
    /// <param name="callerFile">Filled in by the compiler: the test's source file (the regression file sits beside it).</param>
    /// <param name="callerMember">Filled in by the compiler: the test method's name.</param>
    /// <exception cref="SeedFailureException">A seed failed; its message has the replay line.</exception>
    public static void Check(
        Func<ulong, Simulation> run,
        SeedPropertyOptions? options = null,
        [CallerFilePath] string callerFile = "",
        [CallerMemberName] string callerMember = "")
    {
        ArgumentNullException.ThrowIfNull(run);
        Check(
            seed =>
            {
                Simulation sim = run(seed) ?? throw new InvalidOperationException($"the run for seed {seed} returned no simulation");
                if (sim.Failure is { } failure)
                {
                    throw failure;
                }
            },
            options,
            callerFile,
            callerMember);
    }

    /// <summary>Runs <paramref name="property"/> for every seed; a seed fails when it throws.</summary>
    /// <param name="property">Builds, runs and checks one simulation for a seed; throws (an assertion) when the property fails.</param>
    /// <param name="options">Seeds, parallelism, the regression file; null for the defaults.</param>
    /// <param name="callerFile">Filled in by the compiler: the test's source file (the regression file sits beside it).</param>
    /// <param name="callerMember">Filled in by the compiler: the test method's name.</param>
    /// <exception cref="SeedFailureException">A seed failed; its message has the replay line.</exception>
    public static void Check(
        Action<ulong> property,
        SeedPropertyOptions? options = null,
        [CallerFilePath] string callerFile = "",
        [CallerMemberName] string callerMember = "")
    {
        ArgumentNullException.ThrowIfNull(property);
        options ??= new SeedPropertyOptions();
        options.Validate();
        string test = TestName(callerFile, callerMember);
        string? file = options.RegressionFile ?? DefaultRegressionFile(callerFile);
        var regressions = new RegressionSeeds(file);

        if (Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } only)
        {
            ulong seed = ParseSeed(only);
            if (Run(property, seed) is { } failure)
            {
                throw new SeedFailureException(seed, test, Describe(seed, test, failure, "the seed from " + SeedVariable, file, recorded: false), failure);
            }

            return;
        }

        foreach (ulong seed in regressions.For(test))
        {
            if (Run(property, seed) is { } failure)
            {
                throw new SeedFailureException(seed, test, Describe(seed, test, failure, "a regression seed", file, recorded: true), failure);
            }
        }

        long count = options.Count;
        if (Environment.GetEnvironmentVariable(CountVariable) is { Length: > 0 } countText)
        {
            if (!long.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1)
            {
                throw new ArgumentException($"{CountVariable} must be a whole number >= 1, not '{countText}'", nameof(options));
            }
        }

        var sweep = new SeedSweepOptions { FirstSeed = options.FirstSeed, Count = count, Parallelism = options.Parallelism };
        ulong last = options.FirstSeed + (ulong)(count - 1);
        SeedSweep.Run(sweep, seed => Run(property, seed), (seed, failure) =>
        {
            if (failure is not null)
            {
                // Thrown from the consumer: the sweep stops here, at the first failing seed in seed order.
                string? notRecorded = null;
                bool recorded = false;
                try
                {
                    recorded = options.RecordRegressions && regressions.Add(test, seed);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    notRecorded = $"\nThe seed could not be recorded in {file}: {ex.Message}";
                }

                throw new SeedFailureException(
                    seed, test, Describe(seed, test, failure, $"the first failing seed of {options.FirstSeed}..{last}", file, recorded) + notRecorded, failure);
            }
        });
    }

    private static Exception? Run(Action<ulong> property, ulong seed)
    {
        try
        {
            property(seed);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private static ulong ParseSeed(string text) =>
        ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
            ? seed
            : throw new ArgumentException($"{SeedVariable} must be a seed (a whole number from 0 to {ulong.MaxValue}), not '{text}'", SeedVariable);

    private static string Describe(ulong seed, string test, Exception failure, string which, string? file, bool recorded)
    {
        string replay = ReplayCommand(seed, test);
        string where = file is null
            ? string.Empty
            : recorded ? $"\nRecorded in {file}: it is re-run first from now on (commit the file to keep it)." : string.Empty;
        return $"seed {seed.ToString(CultureInfo.InvariantCulture)} failed ({which}): {failure.GetType().Name}: {failure.Message}\n" +
               $"Replay exactly this seed:\n  {replay}{where}";
    }

    /// <summary>
    /// The command line that re-runs <paramref name="test"/> for <paramref name="seed"/> only: an exact
    /// <c>FullyQualifiedName=</c> filter, so no other test whose name contains this one's runs with the seed.
    /// </summary>
    /// <param name="seed">The seed.</param>
    /// <param name="test">The test's full name (namespace, class, method).</param>
    public static string ReplayCommand(ulong seed, string test) =>
        string.Create(CultureInfo.InvariantCulture, $"{SeedVariable}={seed} dotnet test --filter \"FullyQualifiedName={test}\"");

    /// <summary>The test's full name: from xunit's current test when there is one, else from the source file and member.</summary>
    private static string TestName(string callerFile, string callerMember)
    {
        if (Xunit.TestContext.Current.TestMethod is { } method && Xunit.TestContext.Current.TestClass is { } type)
        {
            return type.TestClassName + "." + method.MethodName;
        }

        return Path.GetFileNameWithoutExtension(callerFile) + "." + callerMember;
    }

    /// <summary>Beside the test's source file, when that file exists here (a source checkout).</summary>
    private static string? DefaultRegressionFile(string callerFile)
    {
        string? directory = string.IsNullOrEmpty(callerFile) ? null : Path.GetDirectoryName(callerFile);
        return directory is not null && Directory.Exists(directory) ? Path.Combine(directory, RegressionSeeds.DefaultFileName) : null;
    }
}

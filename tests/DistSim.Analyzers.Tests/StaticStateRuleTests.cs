namespace DistSim.Analyzers.Tests;

/// <summary>DSIM010: static mutable state declared in or written from node code.</summary>
public class StaticStateRuleTests
{
    [Fact]
    public Task StaticMutable_DeclaredInNode_Flagged() => AnalyzerAssert.Analyzer("""
        public sealed class Stateful : Node
        {
            private static int {|DSIM010:s_count|};
            private static readonly List<int> {|DSIM010:s_log|} = new();
            private static readonly int[] {|DSIM010:s_table|} = { 1, 2 };
            private static readonly System.Random {|DSIM010:s_random|} = new(1);
            [ThreadStatic] private static string? {|DSIM010:t_scratch|};
            public static int {|DSIM010:Total|} { get; set; }
            public static Dictionary<int, int> {|DSIM010:Cache|} { get; } = new();

            public override void OnStart() => s_count++;
        }
        """);

    [Fact]
    public Task ImmutableStatics_NotFlagged() => AnalyzerAssert.Analyzer("""
        using System.Collections.Immutable;
        using System.Collections.Frozen;

        public sealed class Stateless : Node
        {
            private const int Limit = 3;
            private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);
            private static readonly string Name = "x";
            private static readonly ImmutableArray<int> Table = ImmutableArray.Create(1, 2);
            private static readonly IReadOnlyList<int> Order = new[] { 1, 2 };
            private static readonly FrozenSet<int> Known = new[] { 1 }.ToFrozenSet();
            public static int Max => Limit;
            private int _count;

            public override void OnStart() => _count += Limit + Table[0] + Order[0] + Known.Count + (int)Interval.Ticks + Name.Length;
        }

        public static class Config
        {
            public static int Seeds = 10;
            public static readonly List<int> Runs = new();
            public static void Record(int run) { Seeds++; Runs.Add(run); } // not node code
        }
        """);

    [Fact]
    public Task AHelpersOwnStaticInitialization_NotFlagged_ItsLaterWritesAre() => AnalyzerAssert.Analyzer("""
        public static class Table
        {
            private static readonly int[] s_squares;
            private static int s_built = Build();
            private static int s_lookups;

            static Table() { s_squares = new int[8]; for (int i = 0; i < 8; i++) { s_squares[i] = i * i; } }

            private static int Build() => 1;
            public static int Square(int i) { {|DSIM010:s_lookups|}++; return s_squares[i] + s_built; }
        }

        public sealed class Squarer : Node
        {
            public override void OnStart() => Send(Id, Table.Square(3));
        }
        """);

    [Fact]
    public Task WritesFromNode_ToOtherTypesStatics_Flagged_ReadsNot() => AnalyzerAssert.Analyzer("""
        public static class Shared
        {
            public static int Counter;
            public static int Limit = 5;
            public static readonly List<string> Log = new();
            public static readonly int[] Slots = new int[4];
            public static int Total { get; set; }
        }

        public sealed class Writer : Node
        {
            public override void OnStart()
            {
                {|DSIM010:Shared.Counter|}++;
                {|DSIM010:Shared.Counter|} = Shared.Limit;        // reading Limit is fine
                {|DSIM010:Shared.Counter|} += 2;
                Interlocked.Increment(ref {|DSIM010:Shared.Counter|});
                {|DSIM010:Shared.Log|}.Add("started");
                {|DSIM010:Shared.Slots|}[0] = 1;
                {|DSIM010:Shared.Total|} = 3;
                int n = Shared.Log.Count + Shared.Slots[1] + Shared.Total;
                Send(Id, n);
            }
        }
        """);
}

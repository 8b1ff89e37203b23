namespace DistSim.Analyzers.Tests;

/// <summary>DSIM009: randomised hash codes used as data.</summary>
public class HashCodeRuleTests
{
    [Fact]
    public Task RandomHash_UsedAsData_Flagged() => AnalyzerAssert.Analyzer("""
        public sealed record Named(string Name);
        public sealed record Tagged(int Tag);

        public sealed class Hasher : Node
        {
            private int _field;
            private readonly List<int> _seen = new();

            public override void OnMessage(NodeId from, object message)
            {
                string text = message.ToString() ?? "";
                _field = {|DSIM009:text.GetHashCode|}();                      // into a field
                Send(from, {|DSIM009:message.GetHashCode|}());                // into a message
                _seen.Add({|DSIM009:HashCode.Combine|}(1, 2));                // into a collection (HashCode is seeded per process)
                int bucket = {|DSIM009:text.GetHashCode|}(StringComparison.Ordinal) % 8; // arithmetic
                int record = {|DSIM009:new Named(text).GetHashCode|}();         // a record class hashes its EqualityContract
                int tuple = {|DSIM009:(1, 2).GetHashCode|}();                    // tuples use HashCode
                int comparer = {|DSIM009:StringComparer.Ordinal.GetHashCode|}(text);
                if ({|DSIM009:from.ToString().GetHashCode|}() > 0) { Send(from, bucket + record + tuple + comparer); }
            }

            public int Key(object o) => {|DSIM009:o.GetHashCode|}();           // a return
        }
        """);

    [Fact]
    public Task DeterministicHashes_AndHashesInsideGetHashCode_NotFlagged() => AnalyzerAssert.Analyzer("""
        public readonly record struct Point(int X, int Y);

        public sealed class Keyed(string name)
        {
            public string Name { get; } = name;
            public override bool Equals(object? obj) => obj is Keyed k && k.Name == Name;
            public override int GetHashCode() => Name.GetHashCode() ^ HashCode.Combine(Name.Length); // where hashes belong
        }

        public sealed class ByName : IEqualityComparer<Keyed>
        {
            public bool Equals(Keyed? x, Keyed? y) => x?.Name == y?.Name;
            public int GetHashCode(Keyed obj) => obj.Name.GetHashCode();
        }

        public sealed class Hasher : Node
        {
            public override void OnStart()
            {
                int a = 42.GetHashCode();
                int b = 7L.GetHashCode();
                int c = DayOfWeek.Monday.GetHashCode();
                int d = new Point(1, 2).GetHashCode();       // a record struct of ints: deterministic
                int e = new Keyed("k").GetHashCode();       // a hand-written GetHashCode: trusted
                int f = TimeSpan.FromSeconds(1).GetHashCode();
                Id.ToString().GetHashCode();                 // discarded: not data
                _ = Id.ToString().GetHashCode();
                ulong stable = DistSim.Random.StreamSeed.Derive(0UL, "name");   // DistSim's stable hash
                ulong xx = System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes("name"));
                Send(Id, a + b + c + d + e + f + (long)(stable ^ xx));
            }
        }

        public static class Outside
        {
            public static int Hash(string s) => s.GetHashCode();
        }
        """);
}

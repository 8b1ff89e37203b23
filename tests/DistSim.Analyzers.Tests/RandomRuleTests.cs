namespace DistSim.Analyzers.Tests;

/// <summary>DSIM004 (unseeded randomness) and DSIM005 (random Guids).</summary>
public class RandomRuleTests
{
    [Fact]
    public Task UnseededRandom_InNode_Flagged() => AnalyzerAssert.Analyzer("""
        using System.Security.Cryptography;

        public sealed class Dicey : Node
        {
            public override void OnStart()
            {
                System.Random a = {|DSIM004:new System.Random()|};
                System.Random b = {|DSIM004:new()|};
                int c = {|DSIM004:System.Random.Shared|}.Next();
                int d = {|DSIM004:RandomNumberGenerator.GetInt32|}(10);
            }
        }
        """);

    [Fact]
    public Task UnseededRandom_MessageNamesTheNodesStream() => AnalyzerAssert.Analyzer(
        """
        public sealed class Dicey : Node
        {
            public override void OnStart() => Send(Id, {|#0:new System.Random()|}.Next());
        }
        """,
        AnalyzerAssert.Diagnostic("DSIM004").WithMessage(
            "'new Random()' is not derived from the simulation's seed; draw from the node's own stream instead: Random " +
            "(INodeContext.Random, a seeded DistSim.Random.RandomStream that is a System.Random)"));

    [Fact]
    public Task SeededRandomAndTheNodesStream_NotFlagged() => AnalyzerAssert.Analyzer("""
        using DistSim.Random;

        public sealed class Dicey : Node
        {
            public override void OnStart()
            {
                int a = Random.Next(10);
                ulong b = Context.Random.NextUInt64();
                double c = Random.NextUnitDouble();
                var seeded = new System.Random(42); // seeded: repeatable
                var stream = new RandomStream(7UL);
                var named = StreamSeed.Create(1UL, "mine");
                Send(Id, a + (long)b + c + seeded.Next() + (long)stream.NextUInt64() + (long)named.NextUInt64());
            }
        }
        """);

    [Fact]
    public Task UnseededRandom_OutsideNodes_NotFlagged() => AnalyzerAssert.Analyzer("""
        public static class Program
        {
            public static int Main() => new Random().Next() + Random.Shared.Next() + Guid.NewGuid().GetHashCode();
        }
        """);

    [Fact]
    public Task NewGuid_InNode_Flagged_DeterministicGuidNot() => AnalyzerAssert.Analyzer("""
        public sealed class Ids : Node
        {
            public override void OnStart()
            {
                Guid a = {|DSIM005:Guid.NewGuid|}();
                Guid b = {|DSIM005:Guid.CreateVersion7|}();
                Func<Guid> c = {|DSIM005:Guid.NewGuid|};
                var bytes = new byte[16];
                Random.NextBytes(bytes);
                Guid d = new Guid(bytes); // from the node's stream: fine
                Guid e = Guid.Parse("8c7e0e4c-4a5d-4e49-9a55-2f1a3f0b9d11");
                Send(Id, d.ToString() + e);
            }
        }
        """);
}

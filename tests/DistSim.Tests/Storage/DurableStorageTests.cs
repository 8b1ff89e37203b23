using System.Text;
using DistSim.Failures;
using DistSim.Nodes;
using DistSim.Random;
using DistSim.Storage;
using DistSim.Tests.Support;
using DistSim.Time;
using DistSim.Tracing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Storage;

/// <summary>
/// The disk model (an ordered write-back cache: a prefix of the unflushed writes lands at a crash, the
/// boundary write may be torn, the rest is lost) and the no-aliasing rule, as properties over random
/// sequences of writes, reads, mutations of what was read, flushes and crashes.
/// </summary>
public class DurableStorageTests
{
    /// <summary>One operation on a storage: kind 0 put, 1 append, 2 delete, 3 truncate, 4 flush, 5 read and scribble, 6 crash.</summary>
    public sealed record Op(int Kind, int Key, int Length, byte Fill);

    public static Arbitrary<(ulong Seed, Op[] Ops, bool Tear)> Histories() =>
        (from seed in ArbMap.Default.GeneratorFor<ulong>()
         from ops in Gen.ArrayOf(
             from kind in Gen.Frequency((4, Gen.Constant(0)), (4, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)),
                 (2, Gen.Constant(4)), (3, Gen.Constant(5)), (1, Gen.Constant(6)))
             from key in Gen.Choose(0, 4)
             from length in Gen.Choose(0, 12)
             from fill in Gen.Choose(0, 255)
             select new Op(kind, key, length, (byte)fill))
         from tear in ArbMap.Default.GeneratorFor<bool>()
         select (seed, ops, tear)).ToArbitrary();

    /// <summary>A reference model of the storage: the durable state plus the list of pending writes, as values.</summary>
    private sealed class Model
    {
        public SortedDictionary<string, byte[]> Durable { get; private set; } = new(StringComparer.Ordinal);
        public List<byte[]> DurableLog { get; private set; } = [];
        public List<(int Kind, string? Key, byte[] Value, int Length)> Pending { get; } = [];

        public (SortedDictionary<string, byte[]> Kv, List<byte[]> Log) StateAfter(int landed, (int Index, int Keep)? torn)
        {
            var kv = new SortedDictionary<string, byte[]>(Durable, StringComparer.Ordinal);
            var log = new List<byte[]>(DurableLog);
            for (int i = 0; i < landed; i++)
            {
                Apply(Pending[i], kv, log);
            }

            if (torn is { } t)
            {
                (int kind, string? key, byte[] value, int length) = Pending[t.Index];
                Apply((kind, key, value[..t.Keep], length), kv, log);
            }

            return (kv, log);
        }

        public void Settle(SortedDictionary<string, byte[]> kv, List<byte[]> log)
        {
            Durable = kv;
            DurableLog = log;
            Pending.Clear();
        }

        private static void Apply((int Kind, string? Key, byte[] Value, int Length) w, SortedDictionary<string, byte[]> kv, List<byte[]> log)
        {
            switch (w.Kind)
            {
                case 0: kv[w.Key!] = w.Value; break;
                case 1: log.Add(w.Value); break;
                case 2: kv.Remove(w.Key!); break;
                default: log.RemoveRange(w.Length, log.Count - w.Length); break;
            }
        }
    }

    private static bool SameState(DurableStorage s, SortedDictionary<string, byte[]> kv, List<byte[]> log) =>
        s.Keys.SequenceEqual(kv.Keys)
        && kv.All(p => s.TryGet(p.Key, out byte[] v) && v.AsSpan().SequenceEqual(p.Value))
        && s.Log.Count == log.Count
        && s.Log.Zip(log).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    /// <summary>Every candidate state a crash may leave: each prefix, and each prefix followed by each torn length of the boundary write.</summary>
    private static IEnumerable<(int Landed, (int, int)? Torn)> Outcomes(Model model, bool tear)
    {
        for (int landed = 0; landed <= model.Pending.Count; landed++)
        {
            yield return (landed, null);
            if (tear && landed < model.Pending.Count && model.Pending[landed] is { Kind: 0 or 1 } w && w.Value.Length > 0)
            {
                for (int keep = 0; keep < w.Value.Length; keep++)
                {
                    yield return (landed, (landed, keep));
                }
            }
        }
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(DurableStorageTests)])]
    public bool Crash_LeavesAPrefixOfTheUnflushedWrites_AndNothingReadAliasesTheStore((ulong Seed, Op[] Ops, bool Tear) h)
    {
        var storage = new DurableStorage();
        var model = new Model();
        var visibleKv = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var visibleLog = new List<byte[]>();
        RandomStream random = new(h.Seed);
        foreach (Op op in h.Ops)
        {
            string key = "k" + op.Key;
            byte[] value = Enumerable.Repeat(op.Fill, op.Length).ToArray();
            switch (op.Kind)
            {
                case 0:
                    storage.Put(key, value);
                    if (value.Length > 0) // scribbling on what was given changes nothing
                    {
                        value[0] ^= 0xFF;
                    }

                    model.Pending.Add((0, key, Enumerable.Repeat(op.Fill, op.Length).ToArray(), 0));
                    visibleKv[key] = Enumerable.Repeat(op.Fill, op.Length).ToArray();
                    break;
                case 1:
                    storage.Append(value);
                    model.Pending.Add((1, null, (byte[])value.Clone(), 0));
                    visibleLog.Add((byte[])value.Clone());
                    break;
                case 2:
                    storage.Delete(key);
                    model.Pending.Add((2, key, [], 0));
                    visibleKv.Remove(key);
                    break;
                case 3:
                    int length = visibleLog.Count == 0 ? 0 : op.Length % (visibleLog.Count + 1);
                    storage.TruncateLog(length);
                    model.Pending.Add((3, null, [], length));
                    visibleLog.RemoveRange(length, visibleLog.Count - length);
                    break;
                case 4:
                    storage.Flush();
                    (SortedDictionary<string, byte[]> kv, List<byte[]> log) = model.StateAfter(model.Pending.Count, null);
                    model.Settle(kv, log);
                    break;
                case 5:
                    // Hostile reader: scribble over everything handed out, then check nothing changed.
                    foreach (string k in storage.Keys)
                    {
                        storage.TryGet(k, out byte[] got);
                        got.AsSpan().Fill(0xEE);
                    }

                    foreach (byte[] entry in storage.Log)
                    {
                        entry.AsSpan().Fill(0xEE);
                    }

                    if (storage.Log.Count > 0)
                    {
                        storage.Log[0].AsSpan().Fill(0xDD);
                    }

                    break;
                default:
                    storage.Crash(h.Tear, random);
                    (int Landed, (int, int)? Torn)[] candidates = Outcomes(model, h.Tear).ToArray();
                    var match = candidates.Select(c => (c, state: model.StateAfter(c.Landed, c.Torn)))
                        .FirstOrDefault(x => SameState(storage, x.state.Kv, x.state.Log));
                    if (match.state.Kv is null)
                    {
                        return false; // the crash left a state no ordered write-back disk could
                    }

                    model.Settle(match.state.Kv, match.state.Log);
                    visibleKv = new SortedDictionary<string, byte[]>(match.state.Kv, StringComparer.Ordinal);
                    visibleLog = [.. match.state.Log];
                    break;
            }

            if (!SameState(storage, visibleKv, visibleLog))
            {
                return false; // what the node sees is exactly what it wrote
            }
        }

        return true;
    }

    [Fact(DisplayName = "Ordered write-back disk: across seeds a crash persists none, some, all of three unflushed writes, and tears the boundary")]
    public void Crash_EveryOutcomeOccursAcrossSeeds()
    {
        var outcomes = new HashSet<string>();
        for (ulong seed = 0; seed < 400; seed++)
        {
            var storage = new DurableStorage();
            storage.AppendString("flushed");
            storage.Flush();
            storage.AppendString("e1-entry");
            storage.AppendString("e2-entry");
            storage.AppendString("e3-entry");
            string? torn = storage.Crash(tear: true, new RandomStream(seed));
            string[] log = storage.Log.Select(e => Encoding.UTF8.GetString(e)).ToArray();
            Assert.Equal("flushed", log[0]); // a flushed write always survives
            string[] full = ["e1-entry", "e2-entry", "e3-entry"];
            int whole = log.Skip(1).TakeWhile((e, i) => e == full[i]).Count();
            bool tornTail = log.Length > 1 + whole;
            Assert.True(log.Length <= 1 + whole + 1);
            if (tornTail)
            {
                Assert.NotNull(torn);
                Assert.StartsWith(log[^1], full[whole], StringComparison.Ordinal);
                Assert.True(log[^1].Length < full[whole].Length);
            }

            Assert.Equal(storage.WritesPersistedAtCrashes, whole);
            Assert.Equal(3 - whole, storage.WritesLostAtCrashes);
            outcomes.Add(tornTail ? $"{whole}+torn" : $"{whole}");
        }

        // e1 persisted and e2 torn, and every other shape: none, one, two, all three, torn at each boundary.
        Assert.Equal(["0", "0+torn", "1", "1+torn", "2", "2+torn", "3"], outcomes.Order(StringComparer.Ordinal));
    }

    [Fact(DisplayName = "Without torn writes the boundary write is never torn")]
    public void Crash_WithoutTornWrites_NeverTears()
    {
        for (ulong seed = 0; seed < 200; seed++)
        {
            var storage = new DurableStorage();
            storage.PutString("a", "value-a");
            storage.PutString("b", "value-b");
            Assert.Null(storage.Crash(tear: false, new RandomStream(seed)));
            Assert.All(storage.Keys, k => Assert.Equal("value-" + k, storage.GetString(k)));
        }
    }

    private sealed class Writer : Node
    {
        public override void OnStart()
        {
            if (Context.Incarnation == 1)
            {
                Storage.PutString("flushed", "kept");
                Storage.AppendString("entry-1");
                Storage.Flush();
                Storage.PutString("unflushed", "a value that is long enough to be torn");
            }
        }
    }

    [Fact(DisplayName = "Durable storage in a run: what was flushed survives every crash; the unflushed write persists, tears or is lost, each in some seed")]
    public void Simulation_FlushedSurvives_UnflushedVaries()
    {
        var seen = new HashSet<string>();
        for (ulong seed = 1; seed <= 60; seed++)
        {
            DistSim.Simulation sim = Sims.Create(seed);
            NodeId w = sim.AddNode("W", () => new Writer(), FailureModels.CrashRecover(tornWrites: true));
            sim.RunUntil(SimTime.FromSeconds(1));
            Assert.Equal("a value that is long enough to be torn", sim.StorageOf(w).GetString("unflushed")); // visible before the crash
            sim.CrashFor(w, TimeSpan.FromSeconds(1));
            sim.RunUntil(SimTime.FromSeconds(3));

            Assert.Equal("kept", sim.StorageOf(w).GetString("flushed"));
            Assert.Single(sim.StorageOf(w).Log);
            Assert.Equal(2, sim.IncarnationOf(w));
            string? after = sim.StorageOf(w).GetString("unflushed");
            bool tornEvent = sim.Trace.Events.Any(e => e.Kind == TraceEventKind.TornWrite);
            string shape = after is null ? "lost" : after == "a value that is long enough to be torn" ? "persisted" : "torn";
            Assert.Equal(shape == "torn", tornEvent); // the trace says exactly when a write was torn
            if (shape == "torn")
            {
                Assert.StartsWith(after!, "a value that is long enough to be torn", StringComparison.Ordinal);
            }

            seen.Add(shape);
        }

        Assert.Equal(["lost", "persisted", "torn"], seen.Order(StringComparer.Ordinal));
    }

    private sealed class Keeper : Node
    {
        public byte[]? Held { get; private set; }

        public override void OnStart()
        {
            Storage.Put("k", [1, 2, 3]);
            Storage.Flush();
            Storage.TryGet("k", out byte[] held);
            Held = held;
            held[0] = 99; // after the flush: must not "persist"
            Storage.Log.ToList().ForEach(e => e[0] = 99);
        }
    }

    [Fact(DisplayName = "Mutating a value read back after a flush, then crashing, persists nothing")]
    public void Simulation_MutatingAReadValue_DoesNotPersist()
    {
        DistSim.Simulation sim = Sims.Create(3);
        NodeId n = sim.AddNode("n", () => new Keeper(), FailureModels.CrashRecover());
        sim.RunUntil(SimTime.FromSeconds(1));
        sim.Crash(n);
        Assert.True(sim.StorageOf(n).TryGet("k", out byte[] value));
        Assert.Equal([1, 2, 3], value);
        value[1] = 42;
        Assert.True(sim.StorageOf(n).TryGet("k", out byte[] again));
        Assert.Equal([1, 2, 3], again);
    }
}

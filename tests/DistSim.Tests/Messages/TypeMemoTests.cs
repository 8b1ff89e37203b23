using DistSim.Messages;
using DistSim.Nodes;
using DistSim.Tests.Support;
using FsCheck;
using FsCheck.Xunit;

namespace DistSim.Tests.Messages;

/// <summary>A mutable message type with a type argument: each instantiation is a type of its own, with a plan that copies.</summary>
public sealed class Carton<T>
{
    public T? Value { get; set; }

    public List<int> Marks { get; set; } = [];
}

/// <summary>
/// The kernel's memo of the last few types looked up (copy plans per message type, type hashes for the fingerprint): it
/// may forget, never mix up. Checked against a model over random sequences of more types than it keeps, and end to end:
/// a protocol that sends more message types in turn than the memo holds gets every message copied by its own type's plan.
/// (A type hash answered for the wrong type would change pinned fingerprints: the scenario and bench fingerprint tests.)
/// </summary>
public class TypeMemoTests
{
    private static readonly Type[] Pool =
    [
        typeof(int), typeof(long), typeof(string), typeof(byte), typeof(object), typeof(List<int>), typeof(int[]),
        typeof(Carton<int>), typeof(Carton<long>), typeof(Carton<string>), typeof(double), typeof(decimal), typeof(char),
        typeof(Dictionary<int, int>), typeof(HashSet<string>), typeof(Guid), typeof(DateTime), typeof(TimeSpan), typeof(ulong),
        typeof(Carton<Guid>),
    ];

    [Property(MaxTest = 300)]
    public void ItForgets_ButNeverAnswersForAnotherType(int[] picks)
    {
        var memo = new TypeMemo<int>();
        var model = new Dictionary<Type, int>();
        var added = new List<Type>(); // in the order added
        foreach (int pick in picks)
        {
            Type type = Pool[(int)((uint)pick % (uint)Pool.Length)];
            if (memo.TryGet(type, out int value))
            {
                Assert.True(model.TryGetValue(type, out int expected), $"{type} found but never added");
                Assert.Equal(expected, value);
            }
            else
            {
                // A miss: only a type not among the last Capacity added may miss.
                Assert.DoesNotContain(type, added.TakeLast(TypeMemo<int>.Capacity));
                int fresh = model.Count + (added.Count * 1000);
                model[type] = fresh;
                memo.Add(type, fresh);
                added.Add(type);
            }

            Assert.True(memo.TryGet(type, out int now) && now == model[type], $"{type} missed right after its lookup");
        }
    }

    [Fact]
    public void EveryMessage_OfMoreTypesThanTheMemoKeeps_IsCopiedByItsOwnTypesPlan()
    {
        // Fourteen mutable message types in turn, three rounds: the memo (eight entries) replaces entries all along.
        object[] Make(int round) =>
        [
            new Carton<int> { Value = round, Marks = [round] }, new Carton<long> { Value = round, Marks = [round] },
            new Carton<short> { Value = (short)round }, new Carton<byte> { Value = (byte)round }, new Carton<sbyte> { Value = (sbyte)round },
            new Carton<uint> { Value = (uint)round }, new Carton<ulong> { Value = (ulong)round }, new Carton<ushort> { Value = (ushort)round },
            new Carton<double> { Value = round }, new Carton<float> { Value = round }, new Carton<decimal> { Value = round },
            new Carton<char> { Value = (char)('a' + round) }, new Carton<bool> { Value = round % 2 == 0 }, new Carton<string> { Value = "r" + round, Marks = [round, round] },
        ];
        Assert.True(Make(0).Select(m => m.GetType()).Distinct().Count() > TypeMemo<int>.Capacity);

        var sent = new List<object>();
        var received = new List<object>();
        var sim = new Simulation(new SimulationOptions { Seed = 5 });
        sim.AddNode("a", () => new Scripted(onStart: c =>
        {
            for (int round = 0; round < 3; round++)
            {
                foreach (object m in Make(round))
                {
                    sent.Add(m);
                    c.Send(new NodeId(1), m);
                }
            }
        }));
        sim.AddNode("b", () => new Scripted(onMessage: (_, _, m) => received.Add(m)));
        sim.Run();

        Assert.Equal(sent.Count, received.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            object s = sent[i], r = received[i];
            Assert.Equal(s.GetType(), r.GetType()); // delivered in order on a FIFO, loss-free network: each by its own plan
            Assert.NotSame(s, r);
            Assert.True(Same(s, r), $"message {i} ({s.GetType()}) arrived changed");
            List<int> marks = (List<int>)s.GetType().GetProperty("Marks")!.GetValue(s)!;
            Assert.NotSame(marks, r.GetType().GetProperty("Marks")!.GetValue(r)); // a deep copy, not a shallow one
        }
    }

    private static bool Same(object a, object b)
    {
        Type t = a.GetType();
        object? va = t.GetProperty("Value")!.GetValue(a), vb = t.GetProperty("Value")!.GetValue(b);
        var ma = (List<int>)t.GetProperty("Marks")!.GetValue(a)!;
        var mb = (List<int>)t.GetProperty("Marks")!.GetValue(b)!;
        return Equals(va, vb) && ma.SequenceEqual(mb);
    }
}

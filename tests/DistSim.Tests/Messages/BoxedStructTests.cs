using System.Collections;
using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
using DistSim.Messages;
using DistSim.Nodes;
using DistSim.Tests.Support;

namespace DistSim.Tests.Messages;

public interface IBump
{
    int Read();

    void Bump();
}

/// <summary>A non-readonly struct whose only field is readonly: a method can still replace the whole value (<c>this = …</c>).</summary>
public struct Bumper(int value) : IBump
{
    public readonly int Value = value;

    public readonly int Read() => Value;

    public void Bump() => this = new Bumper(Value + 1);
}

/// <summary>The same, declared <c>readonly struct</c>: <c>this</c> is read-only in every member, so a box cannot change.</summary>
public readonly struct FrozenBumper(int value) : IBump
{
    public readonly int Value = value;

    public int Read() => Value;

    public void Bump()
    {
    }
}

public sealed record BumpMessage(IBump C);

/// <summary>A sealed class with a readonly field of the non-readonly struct: C# copies the field before calling a mutating member on it.</summary>
public sealed class HoldsBumper(int value)
{
    public readonly Bumper B = new(value);

    public int BumpAndRead()
    {
        B.Bump(); // on a defensive copy: the field does not change
        return B.Value;
    }
}

public sealed record BumperRecord(Bumper B, int N);

/// <summary>A readonly struct holding a non-readonly struct: in a readonly struct every field is read through a copy as well.</summary>
public readonly struct Wrapper(Bumper inner)
{
    public readonly Bumper Inner = inner;
}

public class BoxedStructTests
{
    [Fact]
    public void BoxedMutableStruct_EachReceiverBumpsItsOwnCopy()
    {
        var sent = new BumpMessage(new Bumper(0));
        BumpMessage snapshot = MessageCopier.DeepCopy(sent);
        BumpMessage first = MessageCopier.DeepCopy(snapshot);
        BumpMessage second = MessageCopier.DeepCopy(snapshot);

        first.C.Bump();
        second.C.Bump();
        sent.C.Bump();

        Assert.Equal((1, 1, 1, 0), (first.C.Read(), second.C.Read(), sent.C.Read(), snapshot.C.Read()));
    }

    [Fact(DisplayName = "Broadcast of a boxed mutable struct: every receiver bumps its own copy, the sender's stays its own")]
    public void Broadcast_BoxedMutableStruct_IsIsolated()
    {
        var seen = new List<int>();
        BumpMessage? sent = null;
        var sim = new Simulation(new SimulationOptions { Seed = 1 });
        sim.AddNode("a", () => new Scripted(onStart: c =>
        {
            sent = new BumpMessage(new Bumper(0));
            c.Send(new NodeId(1), sent);
            c.Send(new NodeId(2), sent);
            sent.C.Bump();
        }));
        for (int i = 0; i < 2; i++)
        {
            sim.AddNode("r" + i, () => new Scripted(onMessage: (_, _, m) =>
            {
                var msg = (BumpMessage)m;
                msg.C.Bump();
                seen.Add(msg.C.Read());
            }));
        }

        sim.Run();

        Assert.Equal([1, 1], seen);
        Assert.Equal(1, sent!.C.Read());
    }

    [Fact]
    public void BoxedMutableStruct_InAnObjectField_IsCopied_AndHasIdentityInTheEncoding()
    {
        object box = new Bumper(5);
        var holder = new Holder { Payload = new object[] { box, box } };

        Holder copy = MessageCopier.DeepCopy(holder);
        var boxes = (object[])copy.Payload!;

        Assert.NotSame(box, boxes[0]);
        Assert.Same(boxes[0], boxes[1]); // one box, shared, as in the original
        ((IBump)boxes[0]).Bump();
        Assert.Equal(5, ((IBump)box).Read());
        Assert.Equal(6, ((IBump)boxes[1]).Read());

        // Two references to one box differ from two equal boxes: bumping one shows through the other.
        var twoBoxes = new Holder { Payload = new object[] { new Bumper(5), new Bumper(5) } };
        Assert.NotEqual(MessageCodec.Encode(holder), MessageCodec.Encode(twoBoxes));
    }

    [Fact]
    public void BoxedReadonlyStruct_IsShared()
    {
        object box = new FrozenBumper(5);

        Assert.Same(box, MessageCopier.DeepCopy(box));
        Assert.Same(box, ((BumpMessage)MessageCopier.DeepCopy(new BumpMessage((IBump)box))).C);
    }

    [Theory]
    [InlineData(typeof(Bumper), false)]
    [InlineData(typeof(FrozenBumper), true)]
    [InlineData(typeof(HoldsBumper), true)]
    [InlineData(typeof(BumperRecord), true)]
    [InlineData(typeof(Wrapper), true)]
    [InlineData(typeof(BumpMessage), false)]
    public void IsDeeplyImmutable_NeedsAReadonlyStructForBoxes_ButAcceptsReadonlyFieldsOfMutableStructs(Type type, bool expected) =>
        Assert.Equal(expected, MessageCopier.IsDeeplyImmutable(type));

    [Fact]
    public void ReadonlyFieldOfAMutableStruct_CannotBeBumped_SoItsHolderIsShared()
    {
        var holder = new HoldsBumper(3);

        Assert.Equal(3, holder.BumpAndRead());
        Assert.Same(holder, MessageCopier.DeepCopy(holder));
    }

    /// <summary>The BCL value types a message commonly holds are readonly structs, so their boxes are shared.</summary>
    [Theory]
    [InlineData(typeof(DateTime))]
    [InlineData(typeof(DateTimeOffset))]
    [InlineData(typeof(TimeSpan))]
    [InlineData(typeof(Guid))]
    [InlineData(typeof(decimal))]
    [InlineData(typeof(DateOnly))]
    [InlineData(typeof(TimeOnly))]
    [InlineData(typeof(Int128))]
    [InlineData(typeof(BigInteger))]
    [InlineData(typeof(Half))]
    [InlineData(typeof(int))]
    [InlineData(typeof(KeyValuePair<string, int>))]
    [InlineData(typeof(Range))]
    [InlineData(typeof(Index))]
    [InlineData(typeof(System.Text.Rune))]
    [InlineData(typeof(Complex))]
    public void BclValueTypes_AreReadonlyStructs_AndImmutable(Type type)
    {
        Assert.True(type.IsPrimitive || type.IsDefined(typeof(IsReadOnlyAttribute), inherit: false), $"{type} is not a readonly struct");
        Assert.True(MessageCopier.IsDeeplyImmutable(type));
        object box = Activator.CreateInstance(type)!;
        Assert.Same(box, MessageCopier.DeepCopy(box));
    }

    [Theory]
    [InlineData(typeof(ValueTuple<int, int>))]
    [InlineData(typeof(DictionaryEntry))]
    [InlineData(typeof(ImmutableArray<int>))]
    public void BclValueTypesThatCanChange_AreNotImmutable(Type type) => Assert.False(MessageCopier.IsDeeplyImmutable(type));
}

using System.Collections.Frozen;
using System.Collections.Immutable;
using DistSim.Messages;

namespace DistSim.Tests.Messages;

public record IntsAndStrings(int A, string B, long C);

public record WithList(int A, List<int> Items);

public record WithObject(int A, object? Payload);

public record WithUnsealed(int A, Leaf L);

public record WithSealed(int A, SealedLeaf L, ImmutableList<string> Tags, Point P);

public record WithArray(int A, int[] Items);

public record WithMutableProperty(int A)
{
    public int B { get; set; }
}

public sealed class SelfReferencing(int value, SelfReferencing? next)
{
    public readonly int Value = value;
    public readonly SelfReferencing? Next = next;
}

public class ImmutabilityTests
{
    [Theory]
    [InlineData(typeof(int), true)]
    [InlineData(typeof(string), true)]
    [InlineData(typeof(Mood), true)]
    [InlineData(typeof(Guid), true)]
    [InlineData(typeof(IntsAndStrings), true)]
    [InlineData(typeof(Leaf), true)]
    [InlineData(typeof(SealedLeaf), true)]
    [InlineData(typeof(Point), true)]
    [InlineData(typeof(WithSealed), true)]
    [InlineData(typeof(Frozen), true)]
    [InlineData(typeof(SelfReferencing), true)]
    [InlineData(typeof(ImmutableList<string>), true)]
    [InlineData(typeof(ImmutableArray<int>), false)] // a view of an array someone may hold (ImmutableCollectionsMarshal): copied
    [InlineData(typeof(FrozenSet<string>), true)]
    [InlineData(typeof(KeyValuePair<string, int>), true)]
    [InlineData(typeof(WithList), false)]
    [InlineData(typeof(WithObject), false)]
    [InlineData(typeof(WithUnsealed), false)]
    [InlineData(typeof(WithArray), false)]
    [InlineData(typeof(WithMutableProperty), false)]
    [InlineData(typeof(ImmutableList<Leaf>), false)]
    [InlineData(typeof(ImmutableList<Counter>), false)]
    [InlineData(typeof(int[]), false)]
    [InlineData(typeof(Pair), false)]
    [InlineData(typeof(Counter), false)]
    [InlineData(typeof(Item), false)]
    [InlineData(typeof(ValueTuple<int, int>), false)]
    [InlineData(typeof(Action), false)]
    [InlineData(typeof(IComparable), false)]
    [InlineData(typeof(List<int>), false)]
    public void IsDeeplyImmutable_FollowsTheRule(Type type, bool expected) => Assert.Equal(expected, MessageCopier.IsDeeplyImmutable(type));

    [Fact]
    public void DeeplyImmutableMessage_IsReturnedAsIs_MutableOneIsCopied()
    {
        var immutable = new IntsAndStrings(1, "a", 2);
        var mutable = new WithList(1, [1, 2]);

        Assert.Same(immutable, MessageCopier.DeepCopy(immutable));
        WithList copy = MessageCopier.DeepCopy(mutable);
        Assert.NotSame(mutable.Items, copy.Items);
        Assert.Equal(mutable.Items, copy.Items);
    }

    [Fact]
    public void BoxedMutableStruct_IsCopied_BoxedImmutableStruct_IsShared()
    {
        object pair = new Pair { X = 1, L = new Leaf(1, "a") };
        object point = new Point(1, 2);

        Assert.NotSame(pair, MessageCopier.DeepCopy(pair));
        Assert.Same(point, MessageCopier.DeepCopy(point));
    }
}

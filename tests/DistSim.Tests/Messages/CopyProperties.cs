using DistSim.Messages;
using FsCheck.Xunit;

namespace DistSim.Tests.Messages;

public class CopyProperties
{
    [Property(MaxTest = 100, Arbitrary = [typeof(MessageGraphs)])]
    public void DeepCopy_EncodesEqual_SharesNoMutableObject_AndKeepsTheSharing(Recipe recipe)
    {
        Item original = recipe.Build();

        Item copy = MessageCopier.DeepCopy(original);

        Assert.NotSame(original, copy);
        Assert.Equal(MessageCodec.Encode(original), MessageCodec.Encode(copy));
        Assert.Empty(GraphChecks.SharedMutable(original, copy));
        Assert.True(GraphChecks.SameSharing(original, copy), "the copy does not share the same objects as the original");
        Assert.Empty(GraphChecks.KeysNotFound(copy));
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(MessageGraphs)])]
    public void MutatingTheCopyAnywhere_LeavesTheOriginal(Recipe recipe, int pick, int variant)
    {
        for (int kind = 0; kind < Mutations.KindCount(recipe.Build(), skipImmutable: true); kind++)
        {
            Item original = recipe.Build();
            byte[] before = MessageCodec.Encode(original);
            Item copy = MessageCopier.DeepCopy(original);

            string where = Mutations.Mutate(copy, kind, pick, (int)((uint)variant % 6), skipImmutable: true);

            Assert.Equal(before, MessageCodec.Encode(original));
            Assert.False(before.AsSpan().SequenceEqual(MessageCodec.Encode(copy)), $"changing {where} in the copy left its encoding unchanged");
        }
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(MessageGraphs)])]
    public void MutatingTheOriginalAnywhere_LeavesTheCopy(Recipe recipe, int pick, int variant)
    {
        for (int kind = 0; kind < Mutations.KindCount(recipe.Build(), skipImmutable: true); kind++)
        {
            Item original = recipe.Build();
            Item copy = MessageCopier.DeepCopy(original);
            byte[] before = MessageCodec.Encode(copy);

            string where = Mutations.Mutate(original, kind, pick, (int)((uint)variant % 6), skipImmutable: true);

            Assert.True(before.AsSpan().SequenceEqual(MessageCodec.Encode(copy)), $"changing {where} in the original changed the copy");
        }
    }

    [Property(MaxTest = 50, Arbitrary = [typeof(MessageGraphs)])]
    public void DeeplyImmutableMessages_AreReturnedAsIs(Frozen message)
    {
        Assert.True(MessageCopier.IsDeeplyImmutable(message.GetType()));
        Assert.Same(message, MessageCopier.DeepCopy(message));
    }

    [Fact]
    public void SharedMutableObject_StaysSharedInTheCopy_ButIsNotTheOriginal()
    {
        var counter = new Counter { Value = 1 };
        var item = new Item(0, null) { Counter = counter, Payload = counter, Chain = new([counter, null, counter]) };

        Item copy = MessageCopier.DeepCopy(item);

        Assert.NotSame(counter, copy.Counter);
        Assert.Same(copy.Counter, copy.Payload);
        Assert.Same(copy.Counter, copy.Chain!.First!.Value);
        Assert.Same(copy.Counter, copy.Chain.Last!.Value);
    }

    [Fact]
    public void ReadonlyAndPrivateFields_AreCopiedToo()
    {
        var item = new Item(7, "secret") { Version = 3 };
        item.Log.Add(5);

        Item copy = MessageCopier.DeepCopy(item);
        copy.Log.Add(6);
        copy.Reveal(8, "other");

        Assert.Equal((7, "secret", 3), (item.Secret, item.Note, copy.Version));
        Assert.Equal([5], item.Log);
        Assert.Equal([5, 6], copy.Log);
    }
}

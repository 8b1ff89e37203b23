using System.Buffers;
using DistSim.Messages;
using FsCheck.Xunit;

namespace DistSim.Tests.Messages;

public class EncodingProperties
{
    /// <summary>For every kind of place in the graph (each field, private ones and those of base classes, each collection's elements), one mutation.</summary>
    [Property(MaxTest = 30, Arbitrary = [typeof(MessageGraphs)])]
    public void AnySingleMutation_ChangesTheEncoding_AndTheUnmutatedCopyEncodesTheSame(Recipe recipe, int pick, int variant)
    {
        Item sample = recipe.Build();
        Assert.Equal(MessageCodec.Encode(sample), MessageCodec.Encode(MessageCopier.DeepCopy(sample)));
        for (int kind = 0; kind < Mutations.KindCount(sample); kind++)
        {
            Item graph = recipe.Build();
            byte[] before = MessageCodec.Encode(graph);

            string where = Mutations.Mutate(graph, kind, pick, (int)((uint)variant % 6));

            Assert.False(before.AsSpan().SequenceEqual(MessageCodec.Encode(graph)), $"changing {where} left the encoding unchanged");
        }
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(MessageGraphs)])]
    public void EqualContents_EncodeEqually_WhateverTheCapacitiesAndHistories(Recipe recipe)
    {
        byte[] first = MessageCodec.Encode(recipe.Build());

        Assert.Equal(first, MessageCodec.Encode(recipe.Build()));
        Assert.Equal(first, MessageCodec.Encode(recipe.Build(variant: true)));
    }

    [Property(MaxTest = 30, Arbitrary = [typeof(MessageGraphs)])]
    public void BufferWriter_GetsTheSameBytesAppended(Recipe recipe)
    {
        Item graph = recipe.Build();
        var output = new ArrayBufferWriter<byte>(1);
        output.Write<byte>([7, 7]);

        MessageCodec.Encode(graph, output);

        Assert.Equal([7, 7, .. MessageCodec.Encode(graph)], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void LargeMessage_StreamsThroughTheBufferWriter_SameBytes()
    {
        var big = new Item(1, "n") { Numbers = Enumerable.Range(0, 50_000).ToArray(), Leaves = [.. Enumerable.Range(0, 3000).Select(i => new Leaf(i, "x" + i))] };
        var output = new ArrayBufferWriter<byte>(16);

        MessageCodec.Encode(big, output);

        byte[] whole = MessageCodec.Encode(big);
        Assert.True(whole.Length > 200_000);
        Assert.Equal(whole, output.WrittenSpan.ToArray());
    }
}

using System.Reflection;
using System.Reflection.Emit;
using DistSim.Messages;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistSim.Tests.Messages;

public class Order
{
    public int Id;
    public Action? Callback;
}

public class WithEvent
{
    public int Id;

    public event EventHandler? Changed;

    public void Raise() => Changed?.Invoke(this, EventArgs.Empty);
}

public class Holder
{
    public object? Payload;
}

public class WithHandle
{
    public IntPtr Handle;
}

public class WithType
{
    public Type? Kind;
}

public class WithTask
{
    public Task? Pending;
}

public class WithToken
{
    public CancellationToken Token;
}

public class Batch
{
    public List<Holder> Items = [];
}

public struct Inner
{
    public int X;
    public Func<int>? F;
}

public class WithStruct
{
    public Inner Pos;
}

public class Link
{
    public int Id;
    public Link? Next;
}

public class RefusalTests
{
    public static TheoryData<string, object, Type, string, MessageRefusalReason> Refused() => new()
    {
        { "delegate field", new Order { Callback = () => { } }, typeof(Order), "Order.Callback", MessageRefusalReason.Delegate },
        { "null delegate field", new Order(), typeof(Order), "Order.Callback", MessageRefusalReason.Delegate },
        { "event", Subscribed(), typeof(WithEvent), "WithEvent.Changed", MessageRefusalReason.Delegate },
        { "Action in an object field", new Holder { Payload = (Action)(() => { }) }, typeof(Holder), "Holder.Payload", MessageRefusalReason.Delegate },
        { "delegate root", (Func<int>)(() => 1), typeof(Func<int>), "Func<Int32>", MessageRefusalReason.Delegate },
        { "delegate array", new Holder { Payload = new Action[1] }, typeof(Action[]), "Holder.Payload[]", MessageRefusalReason.Delegate },
        { "delegate in a struct field", new WithStruct(), typeof(Inner), "WithStruct.Pos.F", MessageRefusalReason.Delegate },
        { "delegate in a list", new Holder { Payload = new List<object> { 1, (Func<int>)(() => 1) } }, typeof(List<object>), "Holder.Payload[1]", MessageRefusalReason.Delegate },
        { "IntPtr field", new WithHandle(), typeof(WithHandle), "WithHandle.Handle", MessageRefusalReason.NativeInteger },
        { "boxed nint", new Holder { Payload = (nint)5 }, typeof(Holder), "Holder.Payload", MessageRefusalReason.NativeInteger },
        { "pointer field", PointerHolder(), PointerHolder().GetType(), "PointerHolder.Ptr", MessageRefusalReason.Pointer },
        { "Type field", new WithType { Kind = typeof(int) }, typeof(WithType), "WithType.Kind", MessageRefusalReason.Reflection },
        { "Type in an object field", new Holder { Payload = typeof(int) }, typeof(Holder), "Holder.Payload", MessageRefusalReason.Reflection },
        { "MethodInfo", new Holder { Payload = typeof(object).GetMethod("ToString") }, typeof(Holder), "Holder.Payload", MessageRefusalReason.Reflection },
        { "Task field", new WithTask { Pending = Task.CompletedTask }, typeof(WithTask), "WithTask.Pending", MessageRefusalReason.Resource },
        { "CancellationToken", new WithToken(), typeof(CancellationToken), "WithToken.Token._source", MessageRefusalReason.Resource },
        { "Stream", new Holder { Payload = new MemoryStream() }, typeof(Holder), "Holder.Payload", MessageRefusalReason.Resource },
        { "deep in a batch", Batch(), typeof(Holder), "Batch.Items[3].Payload", MessageRefusalReason.Delegate },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Encode_And_DeepCopy_Refuse_NamingTheTypeAndTheMember(string shape, object message, Type type, string path, MessageRefusalReason reason)
    {
        MessageEncodingException encode = Assert.Throws<MessageEncodingException>(() => MessageCodec.Encode(message));
        MessageEncodingException copy = Assert.Throws<MessageEncodingException>(() => MessageCopier.DeepCopy(message));

        foreach (MessageEncodingException e in new[] { encode, copy })
        {
            Assert.True((type, path, reason) == (e.Type, e.MemberPath, e.Reason), $"{shape}: got {e.Type} {e.MemberPath} {e.Reason}");
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<ArgumentException>(e);
        }
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(RefusalTests)])]
    public void CycleOfAnyLength_IsRefused_WithThePathBackToTheStart(CycleLength length)
    {
        var first = new Link();
        Link last = first;
        for (int i = 1; i < length.Value; i++)
        {
            last = last.Next = new Link { Id = i };
        }

        last.Next = first;
        string path = "Link" + string.Concat(Enumerable.Repeat(".Next", length.Value));

        foreach (Action act in new Action[] { () => MessageCodec.Encode(first), () => MessageCopier.DeepCopy(first) })
        {
            MessageEncodingException e = Assert.Throws<MessageEncodingException>(act);
            Assert.Equal((MessageRefusalReason.Cycle, path, typeof(Link)), (e.Reason, e.MemberPath, e.Type));
        }
    }

    public static Arbitrary<CycleLength> Lengths() => Gen.Choose(1, 12).Select(n => new CycleLength(n)).ToArbitrary();

    [Fact]
    public void CycleThroughCollections_IsRefused()
    {
        var list = new List<object> { 1 };
        list.Add(list);
        var map = new Dictionary<string, object> { ["a"] = 1 };
        map["self"] = new Holder { Payload = map };

        Assert.Equal("List<Object>[1]", Assert.Throws<MessageEncodingException>(() => MessageCodec.Encode(list)).MemberPath);
        Assert.Equal("List<Object>[1]", Assert.Throws<MessageEncodingException>(() => MessageCopier.DeepCopy(list)).MemberPath);
        Assert.Equal("Dictionary<String, Object>[1].value.Payload", Assert.Throws<MessageEncodingException>(() => MessageCodec.Encode(map)).MemberPath);
        Assert.Equal(MessageRefusalReason.Cycle, Assert.Throws<MessageEncodingException>(() => MessageCopier.DeepCopy(map)).Reason);
    }

    [Fact]
    public void CycleInsideANonCollectionBclObject_IsRefusedByBoth()
    {
        IGrouping<int, int> grouping = new[] { 1, 2, 3 }.GroupBy(i => i % 2).First(); // groupings form a ring

        Assert.Equal(MessageRefusalReason.Cycle, Assert.Throws<MessageEncodingException>(() => MessageCodec.Encode(grouping)).Reason);
        Assert.Equal(MessageRefusalReason.Cycle, Assert.Throws<MessageEncodingException>(() => MessageCopier.DeepCopy(grouping)).Reason);
    }

    [Fact]
    public void SharedObjectReachedTwice_IsNotACycle()
    {
        var shared = new Link { Id = 9 };
        var diamond = new Holder { Payload = new List<Link> { new() { Next = shared }, new() { Next = shared } } };

        MessageCodec.Encode(diamond);
        var copy = (List<Link>)MessageCopier.DeepCopy(diamond).Payload!;
        Assert.Same(copy[0].Next, copy[1].Next);
    }

    [Fact]
    public void NestingAtTheLimit_IsAccepted_OneDeeper_IsRefused_WithoutStackOverflow()
    {
        Assert.NotEmpty(MessageCodec.Encode(Chain(MessageCodec.DepthLimit)));
        Assert.Equal(MessageCodec.DepthLimit - 1, Length(MessageCopier.DeepCopy(Chain(MessageCodec.DepthLimit))));

        foreach (Link deep in new[] { Chain(MessageCodec.DepthLimit + 1), Chain(200_000) })
        {
            foreach (Action act in new Action[] { () => MessageCodec.Encode(deep), () => MessageCopier.DeepCopy(deep) })
            {
                MessageEncodingException e = Assert.Throws<MessageEncodingException>(act);
                Assert.Equal((MessageRefusalReason.TooDeep, typeof(Link)), (e.Reason, e.Type));
                Assert.StartsWith("Link.Next.Next", e.MemberPath, StringComparison.Ordinal);
                Assert.Contains(MessageCodec.DepthLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void DeepNestingThroughLists_IsRefused()
    {
        object nested = 0;
        for (int i = 0; i < 5000; i++)
        {
            nested = new List<object> { nested };
        }

        Assert.Equal(MessageRefusalReason.TooDeep, Assert.Throws<MessageEncodingException>(() => MessageCodec.Encode(nested)).Reason);
        Assert.Equal(MessageRefusalReason.TooDeep, Assert.Throws<MessageEncodingException>(() => MessageCopier.DeepCopy(nested)).Reason);
    }

    private static Link Chain(int objects)
    {
        var head = new Link();
        Link cur = head;
        for (int i = 1; i < objects; i++)
        {
            cur = cur.Next = new Link { Id = i };
        }

        return head;
    }

    private static int Length(Link link)
    {
        int n = 0;
        for (Link? l = link.Next; l is not null; l = l.Next)
        {
            n++;
        }

        return n;
    }

    private static WithEvent Subscribed()
    {
        var w = new WithEvent();
        w.Changed += (_, _) => { };
        return w;
    }

    private static Batch Batch()
    {
        var b = new Batch();
        for (int i = 0; i < 5; i++)
        {
            b.Items.Add(new Holder { Payload = i == 3 ? (Action)(() => { }) : i });
        }

        return b;
    }

    private static Type? s_pointerHolder;

    /// <summary>A class with an <c>int*</c> field, emitted (the test project does not allow unsafe code).</summary>
    private static object PointerHolder()
    {
        s_pointerHolder ??= Emit();
        return Activator.CreateInstance(s_pointerHolder)!;

        static Type Emit()
        {
            AssemblyBuilder asm = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("PointerShapes"), AssemblyBuilderAccess.Run);
            TypeBuilder type = asm.DefineDynamicModule("PointerShapes").DefineType("PointerHolder", TypeAttributes.Public | TypeAttributes.Class);
            type.DefineField("Ptr", typeof(int).MakePointerType(), FieldAttributes.Public);
            return type.CreateType();
        }
    }
}

public readonly record struct CycleLength(int Value);
